"""Events about the replies the notifier sends to reporters."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, Field

from shared.events.envelope import Event
from shared.events.reports import ContactMethod


class ReplyKind(StrEnum):
    """Which message of a report's journey a reply is."""

    ACKNOWLEDGEMENT = "acknowledgement"
    EMERGENCY_GUIDANCE = "emergency_guidance"
    HOLDING = "holding"


class ReplySent(Event):
    """A provider accepted a reply for delivery."""

    event_type: Literal["ReplySent"] = Field(default="ReplySent", description='Always "ReplySent".')
    reply_kind: ReplyKind = Field(description="Which message this is.")
    channel: ContactMethod = Field(description="Channel the reply went through.")
    provider_message_id: str = Field(description="The provider's id; no personal data.")
    receipts_expected: bool = Field(
        description="Whether a delivery receipt will follow; if not, sent counts as replied."
    )
    subject: str | None = Field(
        default=None,
        description="The email's subject as sent; none for a text message. Personal data.",
    )
    body: str | None = Field(
        default=None,
        description=(
            "The exact text sent: the email's plain-text body or the text message."
            " Personal data (it names the reporter): never logged."
        ),
    )


class ReplyDelivered(Event):
    """A reply reached the reporter (a delivery receipt, or the receiving mail server)."""

    event_type: Literal["ReplyDelivered"] = Field(
        default="ReplyDelivered", description='Always "ReplyDelivered".'
    )
    reply_kind: ReplyKind = Field(description="Which message this is.")
    channel: ContactMethod = Field(description="Channel the reply went through.")
    delivered_at: AwareDatetime = Field(description="When delivery was confirmed.")


class ReplyFailed(Event):
    """A reply could not be delivered."""

    event_type: Literal["ReplyFailed"] = Field(
        default="ReplyFailed", description='Always "ReplyFailed".'
    )
    reply_kind: ReplyKind = Field(description="Which message this is.")
    channel: ContactMethod | None = Field(description="Channel that failed; none if none usable.")
    permanent: bool = Field(description="Whether retrying the same channel is pointless.")
    final: bool = Field(description="No channel is left to try: the reporter has no reply.")
    reason: str = Field(description="Why it failed; never contains personal data.")


def acknowledged_at(event: ReplySent | ReplyDelivered) -> datetime | None:
    """When this event says the acknowledgement reached the reporter (or left, where no
    delivery receipt will follow); None if it says nothing of the kind. The one rule by
    which intake, the reference issuer and the SLA watchdog learn that a report was
    answered."""
    if event.reply_kind is not ReplyKind.ACKNOWLEDGEMENT:
        return None
    if isinstance(event, ReplySent) and event.receipts_expected:
        return None  # the receipt will say when it was delivered
    return event.occurred_at
