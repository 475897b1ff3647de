"""Events about the replies the notifier sends to reporters."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Literal, NamedTuple

from pydantic import AwareDatetime, Field

from shared.events.envelope import Event
from shared.events.reports import Contact, ContactMethod
from shared.events.sla import KeptBy


class ReplyKind(StrEnum):
    """Which message of a report's journey a reply is."""

    ACKNOWLEDGEMENT = "acknowledgement"
    EMERGENCY_GUIDANCE = "emergency_guidance"
    HOLDING = "holding"
    STAFF_REPLY = "staff_reply"  # a reply staff wrote in the console (ReplyRequested)
    INFORMATION_REQUEST = "information_request"  # staff asked for more (InformationRequested)
    OUTCOME = "outcome"  # a closed report's outcome (ReportClosed)


#: The replies staff ask for: one per request (`request_id`), not one per report.
STAFF_REPLY_KINDS = frozenset(
    {ReplyKind.STAFF_REPLY, ReplyKind.INFORMATION_REQUEST, ReplyKind.OUTCOME}
)

#: The replies the notifier decides on itself, from the report's facts: one of each per report.
AUTOMATIC_REPLY_KINDS = tuple(kind for kind in ReplyKind if kind not in STAFF_REPLY_KINDS)

#: The classifier's flag that contact itself could put the reporter at risk.
SAFE_CONTACT_FLAG = "safe_contact_required"


def neutral_wording_required(flags: Iterable[str], contact: Contact | None) -> bool:
    """Whether a message with details must use neutral words and sender instead: the
    assessment says contact could put the reporter at risk, or they limited when to be
    contacted. The one rule for the notifier's own replies and the console's standard texts."""
    limited = contact is not None and contact.safe_times is not None
    return SAFE_CONTACT_FLAG in flags or limited


def safe_channels(contact: Contact) -> list[ContactMethod]:
    """The channels a reply to this reporter may use, in the order to try them: the one
    they prefer first, and never one they marked unsafe or gave no address for. The one
    rule for the notifier's sending and the console's preview of where a message goes."""
    safe = {ContactMethod.EMAIL: contact.email_safe, ContactMethod.SMS: contact.sms_safe}
    address = {ContactMethod.EMAIL: contact.email, ContactMethod.SMS: contact.phone}
    others = [channel for channel in ContactMethod if channel != contact.preferred_channel]
    return [c for c in (contact.preferred_channel, *others) if safe[c] and address[c]]


class _ReplyEvent(Event):
    request_id: uuid.UUID | None = Field(
        default=None,
        description="The staff request (ReplyRequested and the like) this reply is for, if any.",
    )


class ReplySent(_ReplyEvent):
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


class ReplyDelivered(_ReplyEvent):
    """A reply reached the reporter (a delivery receipt, or the receiving mail server)."""

    event_type: Literal["ReplyDelivered"] = Field(
        default="ReplyDelivered", description='Always "ReplyDelivered".'
    )
    reply_kind: ReplyKind = Field(description="Which message this is.")
    channel: ContactMethod = Field(description="Channel the reply went through.")
    delivered_at: AwareDatetime = Field(description="When delivery was confirmed.")


class ReplyFailed(_ReplyEvent):
    """A reply could not be delivered."""

    event_type: Literal["ReplyFailed"] = Field(
        default="ReplyFailed", description='Always "ReplyFailed".'
    )
    reply_kind: ReplyKind = Field(description="Which message this is.")
    channel: ContactMethod | None = Field(description="Channel that failed; none if none usable.")
    permanent: bool = Field(description="Whether retrying the same channel is pointless.")
    final: bool = Field(description="No channel is left to try: the reporter has no reply.")
    reason: str = Field(description="Why it failed; never contains personal data.")


class PromiseKept(NamedTuple):
    """When a reply kept the reply promise, and which kind of reply it was."""

    at: datetime
    kept_by: KeptBy


#: The replies that keep the reply promise ("a reply with next steps within the target"),
#: and what SlaMet then says kept it. A request for information asks, it does not answer:
#: it never keeps the promise (it pauses the clock instead).
PROMISE_KEEPING_REPLIES = {
    ReplyKind.ACKNOWLEDGEMENT: KeptBy.ACKNOWLEDGEMENT,
    ReplyKind.STAFF_REPLY: KeptBy.STAFF_REPLY,
    ReplyKind.OUTCOME: KeptBy.OUTCOME_REPLY,
}


def promise_kept(event: ReplySent | ReplyDelivered) -> PromiseKept | None:
    """Whether this event says a reply that keeps the promise reached the reporter (or
    left, where no delivery receipt will follow), when, and which; None if it says nothing
    of the kind. The one rule by which the SLA watchdog stops a report's reply clock."""
    kept_by = PROMISE_KEEPING_REPLIES.get(event.reply_kind)
    if kept_by is None:
        return None
    if isinstance(event, ReplySent) and event.receipts_expected:
        return None  # the receipt will say when it was delivered
    return PromiseKept(event.occurred_at, kept_by)


def acknowledged_at(event: ReplySent | ReplyDelivered) -> datetime | None:
    """When this event says the acknowledgement reached the reporter (or left, where no
    delivery receipt will follow); None if it says nothing of the kind. The one rule by
    which intake learns that a report was answered: the acknowledgement's part of
    `promise_kept`."""
    kept = promise_kept(event)
    return kept.at if kept is not None and kept.kept_by is KeptBy.ACKNOWLEDGEMENT else None
