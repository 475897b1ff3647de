"""Email through an SMTP relay, on one reused connection."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from shared.delivery.errors import PermanentDeliveryError, TemporaryDeliveryError
from shared.delivery.retries import Retries
from shared.delivery.settings import SmtpSettings

#: SMTP reply codes from 500 up are permanent: sending the same message again will fail.
SMTP_PERMANENT_FAILURE = 500


@dataclass(frozen=True)
class EmailOut:
    """An email to send. Its Message-ID is `<idempotency_key@message_id_domain>`, so a
    message sent twice after a crash is recognisably one; no html means text only."""

    sender: str
    to: str
    subject: str
    text: str
    html: str | None
    idempotency_key: str


class SmtpMailer:
    """Sends email through the relay of `SmtpSettings`, retrying what may pass.

    One connection is kept and reused (a connect, greeting and goodbye per message cost
    more than the message); it is dropped on any failure and replaced after a quiet spell,
    before the relay's own idle timeout can close it under us.
    """

    #: Reuse a connection idle for less than this; relays close idle ones after minutes.
    REUSE_WITHIN_S = 20.0

    def __init__(self, settings: SmtpSettings, retries: Retries) -> None:
        self._settings = settings
        self._retries = retries
        self._connection: aiosmtplib.SMTP | None = None
        self._last_used = 0.0
        self._lock = asyncio.Lock()

    async def send(self, email: EmailOut) -> str:
        """Send `email`; returns its Message-ID."""
        message = self._message(email)
        await self._retries.run(lambda: self._send_once(message))
        return str(message["Message-ID"])

    async def close(self) -> None:
        async with self._lock:
            self._drop()

    async def _send_once(self, message: EmailMessage) -> None:
        try:
            async with self._lock:
                await self._send_on_connection(message)
        except aiosmtplib.SMTPRecipientsRefused as error:
            raise PermanentDeliveryError("recipient refused by mail server") from error
        except aiosmtplib.SMTPNotSupported as error:
            # The address needs SMTPUTF8 and the relay has none: sending again cannot help.
            raise PermanentDeliveryError("mail server cannot take this address") from error
        except aiosmtplib.SMTPResponseException as error:
            if error.code >= SMTP_PERMANENT_FAILURE:
                raise PermanentDeliveryError(f"mail server refused: {error.code}") from error
            raise TemporaryDeliveryError(f"mail server deferred: {error.code}") from error
        except (aiosmtplib.SMTPException, OSError) as error:
            reason = f"mail server unreachable: {type(error).__name__}"
            raise TemporaryDeliveryError(reason) from error

    async def _send_on_connection(self, message: EmailMessage) -> None:
        fresh = time.monotonic() - self._last_used < self.REUSE_WITHIN_S
        if self._connection is None or not self._connection.is_connected or not fresh:
            self._drop()
            connection = aiosmtplib.SMTP(
                hostname=self._settings.host,
                port=self._settings.port,
                timeout=self._settings.timeout_s,
            )
            await connection.connect()
            self._connection = connection
        try:
            await self._connection.send_message(message)
        except BaseException:
            self._drop()  # whatever state the session is in, the next message starts afresh
            raise
        self._last_used = time.monotonic()

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _message(self, email: EmailOut) -> EmailMessage:
        message = EmailMessage()
        message["From"] = email.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<{email.idempotency_key}@{self._settings.message_id_domain}>"
        message.set_content(email.text)
        if email.html is not None:
            message.add_alternative(email.html, subtype="html")
        return message
