"""The reply channels: a reply, as the notifier rendered it, handed to the delivery
channels of `shared.delivery` (email over SMTP, text messages through GOV.UK Notify).

What is the notifier's own lies here: which address or Notify sender a reply goes from
(the one for the sender it was rendered with), and what reference Notify is given."""

from __future__ import annotations

from typing import Any

from services.notifier.domain import OutgoingReply, Sender
from shared.delivery import (
    EmailOut,
    NotifySettings,
    NotifySms,
    Retries,
    SmsOut,
    SmtpMailer,
    SmtpSettings,
)
from shared.events import ContactMethod


class SmtpEmailChannel:
    """Email through an SMTP relay. The Message-ID is derived from the report, the kind of
    reply and the channel (the reply's idempotency key), so a message sent twice after a
    crash is recognisably one. The From is the address configured for the reply's sender."""

    channel = ContactMethod.EMAIL
    delivered_on_acceptance = True

    def __init__(self, settings: SmtpSettings, retries: Retries) -> None:
        self.mailer = SmtpMailer(settings, retries)
        self._senders = {Sender.FORCE: settings.sender, Sender.NEUTRAL: settings.neutral_sender}

    async def send(self, reply: OutgoingReply) -> str:
        return await self.mailer.send(self.email(reply))

    async def close(self) -> None:
        await self.mailer.close()

    def email(self, reply: OutgoingReply) -> EmailOut:
        return EmailOut(
            sender=self._senders[reply.sender],
            to=reply.recipient.address,
            subject=reply.subject,
            text=reply.text,
            html=reply.html,
            idempotency_key=reply.idempotency_key,
        )


class NotifySmsChannel:
    """Text messages through GOV.UK Notify. Its `reference` carries the report's reference
    only (never personal data), for reconciling; a neutral reply goes from the neutral
    Notify sender, if one is configured."""

    channel = ContactMethod.SMS
    delivered_on_acceptance = False

    def __init__(self, settings: NotifySettings, retries: Retries) -> None:
        self.sms = NotifySms(settings, retries)
        self._neutral_sender = settings.neutral_sms_sender_id

    async def send(self, reply: OutgoingReply) -> str:
        return await self.sms.send(self.text_message(reply))

    def body(self, reply: OutgoingReply) -> dict[str, Any]:
        """The request Notify is sent for `reply`."""
        return self.sms.body(self.text_message(reply))

    def text_message(self, reply: OutgoingReply) -> SmsOut:
        neutral = reply.sender is Sender.NEUTRAL
        return SmsOut(
            to=reply.recipient.address,
            text=reply.text,
            reference=reply.provider_reference,
            sender_id=self._neutral_sender if neutral else None,
        )
