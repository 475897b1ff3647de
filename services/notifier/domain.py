"""Pure reply rules: when a reply is due, and through which channel. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from shared.events import CauseRef, Contact, ContactMethod, ReplyKind


@dataclass(frozen=True)
class Classification:
    """What the notifier needs of the latest ReportClassified."""

    grade: int
    next_steps: str
    referral: str | None
    flags: tuple[str, ...]
    sequence: int


@dataclass(frozen=True)
class ReportFacts:
    """Everything the notifier has learnt of one report, from whichever events arrived."""

    cause: CauseRef | None
    report_type: str | None
    contact: Contact | None
    anonymous: bool
    classification: Classification | None
    reference: str | None
    reply_states: dict[str, str] = field(default_factory=dict)

    @property
    def submitted(self) -> bool:
        return self.cause is not None


@dataclass(frozen=True)
class Recipient:
    """Where one reply goes."""

    channel: ContactMethod
    address: str


@dataclass(frozen=True)
class OutgoingReply:
    """A rendered reply, ready for a channel."""

    kind: ReplyKind
    recipient: Recipient
    subject: str
    text: str
    html: str
    idempotency_key: str
    context: dict[str, Any] = field(default_factory=dict)


#: Reply states after which nothing more is sent of that kind.
FINISHED_STATES = frozenset({"sent", "failed"})


class Claim(StrEnum):
    """The answer to "may I send this reply now?"."""

    CLAIMED = "claimed"  # yes: this process holds the exclusive right to send it
    FINISHED = "finished"  # no: it was sent, or failed for good
    HELD = "held"  # not yet: another process is sending it, or crashed while sending


def acknowledgement_due(facts: ReportFacts) -> bool:
    """The acknowledgement goes once the report, its grade and its reference are all known."""
    return (
        facts.submitted
        and not facts.anonymous
        and facts.classification is not None
        and facts.reference is not None
        and facts.reply_states.get(ReplyKind.ACKNOWLEDGEMENT.value) not in FINISHED_STATES
    )


def choose_recipient(contact: Contact, supported: frozenset[ContactMethod]) -> Recipient | None:
    """The reporter's preferred channel if we can use it, else their other one, else none.

    A channel the reporter marked unsafe is never used, whatever else fails.
    """
    safe = {ContactMethod.EMAIL: contact.email_safe, ContactMethod.SMS: contact.sms_safe}
    addresses = {
        channel: address if safe[channel] else None
        for channel, address in (
            (ContactMethod.EMAIL, contact.email),
            (ContactMethod.SMS, contact.phone),
        )
    }
    order = [
        contact.preferred_channel,
        *(c for c in ContactMethod if c != contact.preferred_channel),
    ]
    for channel in order:
        address = addresses[channel]
        if channel in supported and address:
            return Recipient(channel, str(address))
    return None
