"""A neutral text message goes from the neutral sender, as a neutral e-mail does."""

from __future__ import annotations

import pytest

from services.notifier.channels import NotifySmsChannel
from services.notifier.domain import OutgoingReply, Recipient, Sender
from shared.delivery import NotifySettings, Retries
from shared.events import ContactMethod, ReplyKind

NEUTRAL_SENDER = "5f1c2a80-sender-with-no-force-name"


def _reply(sender: Sender) -> OutgoingReply:
    return OutgoingReply(
        kind=ReplyKind.ACKNOWLEDGEMENT,
        recipient=Recipient(ContactMethod.SMS, "07700900123"),
        neutral=sender is Sender.NEUTRAL,
        sender=sender,
        subject="",
        text="We have your enquiry.",
        html="",
        idempotency_key="report.acknowledgement.sms",
        provider_reference="LP-20261201-000001-7",
    )


def _channel(neutral_sender: str | None) -> NotifySmsChannel:
    settings = NotifySettings(
        api_key="test-key-" + "0" * 36 + "-" + "1" * 36,  # type: ignore[arg-type]
        neutral_sms_sender_id=neutral_sender,
    )
    return NotifySmsChannel(settings, Retries(attempts=1, backoff_max_s=0))


@pytest.mark.parametrize(
    ("sender", "expected"), [(Sender.NEUTRAL, NEUTRAL_SENDER), (Sender.FORCE, None)]
)
def test_the_sender_a_reply_was_rendered_with_chooses_notifys_sender(
    sender: Sender, expected: str | None
) -> None:
    body = _channel(NEUTRAL_SENDER).body(_reply(sender))

    assert body.get("sms_sender_id") == expected


def test_without_a_neutral_sender_notifys_default_sender_is_used() -> None:
    assert "sms_sender_id" not in _channel(None).body(_reply(Sender.NEUTRAL))
