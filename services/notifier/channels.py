"""The reply channels: email over SMTP, text messages through GOV.UK Notify.

Each retries what may pass (a busy provider, a dropped connection) with exponential backoff
and jitter, within a bound, then reports the failure as temporary or permanent.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from email.utils import formatdate
from http import HTTPStatus
from typing import Any

import aiosmtplib
import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from services.notifier.domain import OutgoingReply, Sender
from services.notifier.ports import PermanentDeliveryError, TemporaryDeliveryError
from services.notifier.settings import NotifySettings, SmtpSettings
from shared.events import ContactMethod

#: SMTP reply codes from 500 up are permanent: sending the same message again will fail.
SMTP_PERMANENT_FAILURE = 500


class Retries:
    """How often, and how patiently, a channel tries before it gives up."""

    def __init__(self, attempts: int, backoff_max_s: float) -> None:
        self.attempts = attempts
        self.backoff_max_s = backoff_max_s

    async def run(self, attempt: Callable[[], Awaitable[str]]) -> str:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential_jitter(multiplier=0.2, max=self.backoff_max_s),
            retry=retry_if_exception_type(TemporaryDeliveryError),
            reraise=True,
        )
        async for try_ in retrying:
            with try_:
                return await attempt()
        raise AssertionError("unreachable: tenacity re-raises the last error")


class SmtpEmailChannel:
    """Email through an SMTP relay. The Message-ID is derived from the report, the kind of
    reply and the channel, so a message sent twice after a crash is recognisably one. The
    From is the address configured for the sender the reply was rendered with.

    One connection is kept and reused (a connect, greeting and goodbye per message cost
    more than the message); it is dropped on any failure and replaced after a quiet spell,
    before the relay's own idle timeout can close it under us.
    """

    channel = ContactMethod.EMAIL
    delivered_on_acceptance = True
    #: Reuse a connection idle for less than this; relays close idle ones after minutes.
    REUSE_WITHIN_S = 20.0

    def __init__(self, settings: SmtpSettings, retries: Retries) -> None:
        self._settings = settings
        self._senders = {Sender.FORCE: settings.sender, Sender.NEUTRAL: settings.neutral_sender}
        self._retries = retries
        self._connection: aiosmtplib.SMTP | None = None
        self._last_used = 0.0
        self._lock = asyncio.Lock()

    async def send(self, reply: OutgoingReply) -> str:
        message = self._message(reply)
        await self._retries.run(lambda: self._send_once(message))
        return str(message["Message-ID"])

    async def close(self) -> None:
        async with self._lock:
            self._drop()

    async def _send_once(self, message: EmailMessage) -> str:
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
        return str(message["Message-ID"])

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

    def _message(self, reply: OutgoingReply) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._senders[reply.sender]
        message["To"] = reply.recipient.address
        message["Subject"] = reply.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<{reply.idempotency_key}@{self._settings.message_id_domain}>"
        message.set_content(reply.text)
        message.add_alternative(reply.html, subtype="html")
        return message


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def notify_jwt(api_key: str, now: float | None = None) -> str:
    """The bearer token Notify expects: HS256 over {iss: service id, iat: now}."""
    service_id, secret = api_key[-73:-37], api_key[-36:]
    header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
    claims = {"iss": service_id, "iat": int(now if now is not None else time.time())}
    payload = _b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256)
    return f"{header}.{payload}.{_b64(signature.digest())}"


class NotifySmsChannel:
    """Text messages through GOV.UK Notify's REST API. Notify has no idempotency key; its
    `reference` carries the report's reference only (never personal data), for reconciling."""

    channel = ContactMethod.SMS
    delivered_on_acceptance = False

    def __init__(self, settings: NotifySettings, retries: Retries) -> None:
        if settings.api_key is None:
            raise ValueError("NOTIFY_API_KEY is needed to send text messages")
        self._settings = settings
        self._api_key = settings.api_key.get_secret_value()
        self._retries = retries

    async def send(self, reply: OutgoingReply) -> str:
        return await self._retries.run(lambda: self._send_once(reply))

    def body(self, reply: OutgoingReply) -> dict[str, Any]:
        """The request Notify is sent: a neutral reply names the neutral sender, if any."""
        body: dict[str, Any] = {
            "phone_number": reply.recipient.address,
            "template_id": self._settings.sms_template_id,
            "personalisation": {"body": reply.text},
            "reference": reply.provider_reference or "",
        }
        neutral_sender = self._settings.neutral_sms_sender_id
        if reply.sender is Sender.NEUTRAL and neutral_sender is not None:
            body["sms_sender_id"] = neutral_sender
        return body

    async def _send_once(self, reply: OutgoingReply) -> str:
        body = self.body(reply)
        headers = {"Authorization": f"Bearer {notify_jwt(self._api_key)}"}
        try:
            async with httpx.AsyncClient(timeout=self._settings.timeout_s) as client:
                answer = await client.post(
                    f"{self._settings.base_url}/v2/notifications/sms", json=body, headers=headers
                )
        except httpx.HTTPError as error:
            raise TemporaryDeliveryError(f"Notify unreachable: {type(error).__name__}") from error
        return _notification_id(answer)


def _notification_id(answer: httpx.Response) -> str:
    status = answer.status_code
    if status == HTTPStatus.CREATED:
        return str(answer.json()["id"])
    if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        raise TemporaryDeliveryError(f"Notify answered {status}")
    raise PermanentDeliveryError(f"Notify refused the message: {status}")
