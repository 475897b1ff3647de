"""Pure reply rules: which replies are due, through which channel, in which words. No I/O."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from shared.events import (
    CauseRef,
    Contact,
    ContactMethod,
    ReplyKind,
    StaffMessage,
    neutral_wording_required,
    safe_channels,
)

EMERGENCY_FLAG = "possible_emergency"


@dataclass(frozen=True)
class Classification:
    """What the notifier needs of the latest ReportClassified."""

    grade: int
    next_steps: str
    referral: str | None
    flags: tuple[str, ...]
    sequence: int


@dataclass(frozen=True)
class ReplyRecord:
    """Where one kind of reply stands, and the channels already tried for it."""

    state: str
    tried: tuple[ContactMethod, ...] = ()


@dataclass(frozen=True)
class ReplyKey:
    """Which reply: one of each automatic kind per report, one per staff request (a report
    may get many staff replies, each its own record, claim and events)."""

    kind: ReplyKind
    request_id: uuid.UUID | None = None

    @property
    def name(self) -> str:
        """The reply's name in event discriminators, message ids and logs (no personal data)."""
        if self.request_id is None:
            return self.kind.value
        return f"{self.kind.value}.{self.request_id}"


@dataclass(frozen=True)
class StaffRequest:
    """A message staff asked the notifier to send (ReplyRequested, InformationRequested, or
    ReportClosed's outcome reply), kept until it is sent, with where its reply stands."""

    kind: ReplyKind
    cause: CauseRef  # the staff event: the reply events are caused by it
    action_number: int
    message: StaffMessage
    record: ReplyRecord | None = None

    @property
    def key(self) -> ReplyKey:
        return ReplyKey(self.kind, self.message.request_id)


@dataclass(frozen=True)
class ReportFacts:
    """Everything the notifier has learnt of one report, from whichever events arrived."""

    cause: CauseRef | None
    report_type: str | None
    contact: Contact | None
    anonymous: bool
    classification: Classification | None
    reference: str | None
    replies: dict[str, ReplyRecord] = field(default_factory=dict)
    emergency_reported: bool = False
    breached: bool = False
    #: The staff requests, by request id.
    requests: dict[uuid.UUID, StaffRequest] = field(default_factory=dict)

    @property
    def submitted(self) -> bool:
        return self.cause is not None

    def record(self, key: ReplyKey) -> ReplyRecord | None:
        if key.request_id is None:
            return self.replies.get(key.kind.value)
        request = self.requests.get(key.request_id)
        return None if request is None else request.record

    def cause_of(self, key: ReplyKey) -> CauseRef | None:
        """The event a reply's events are caused by: the submission, or the staff request."""
        if key.request_id is None:
            return self.cause
        request = self.requests.get(key.request_id)
        return None if request is None else request.cause


@dataclass(frozen=True)
class Addressee:
    """A report that replies can be sent about: submitted, not anonymous, with contact
    details. The facts, narrowed once, so that nothing that sends a reply checks again."""

    cause: CauseRef
    contact: Contact
    facts: ReportFacts


def addressee(facts: ReportFacts) -> Addressee | None:
    """The report as an addressee, or None while it is not one (not submitted yet, or
    anonymous, or with no contact details)."""
    if facts.cause is None or facts.contact is None or facts.anonymous:
        return None
    return Addressee(facts.cause, facts.contact, facts)


#: Reply states after which nothing more is sent of that kind: sent (and waiting for its
#: receipt), delivered, or failed on every channel.
FINISHED_STATES = frozenset({"sent", "delivered", "failed"})


class Claim(StrEnum):
    """The answer to "may I send this reply now?"."""

    CLAIMED = "claimed"  # yes: this process holds the exclusive right to send it
    FINISHED = "finished"  # no: it was sent, or failed for good
    HELD = "held"  # not yet: another process is sending it, or crashed while sending


@dataclass(frozen=True)
class Recipient:
    """Where one reply goes."""

    channel: ContactMethod
    address: str


class Sender(StrEnum):
    """Who a reply says it is from; each channel maps it to an address it is configured with."""

    FORCE = "force"  # the force, by name
    NEUTRAL = "neutral"  # a name that gives nothing away, where contact could put someone at risk


@dataclass(frozen=True)
class OutgoingReply:
    """A rendered reply, ready for a channel: its words, and the decisions taken for it
    (neutral or not, the sender, the channel), which channels use as they are."""

    kind: ReplyKind
    recipient: Recipient
    neutral: bool
    sender: Sender
    subject: str
    text: str
    html: str
    idempotency_key: str
    provider_reference: str | None
    request_id: uuid.UUID | None = None
    #: The text as the ReplySent event records it, where it must differ from what is sent:
    #: the reporter's status token masked (staff never hold the reporter's credential).
    text_on_record: str | None = None

    def __post_init__(self) -> None:
        if self.neutral and self.sender is not Sender.NEUTRAL:
            raise ValueError("a neutral reply must not come from the force's own sender")

    @property
    def channel(self) -> ContactMethod:
        return self.recipient.channel

    @property
    def key(self) -> ReplyKey:
        return ReplyKey(self.kind, self.request_id)

    @property
    def recorded_text(self) -> str:
        return self.text if self.text_on_record is None else self.text_on_record


def _open(facts: ReportFacts, kind: ReplyKind) -> bool:
    return _unfinished(facts.record(ReplyKey(kind)))


def _unfinished(record: ReplyRecord | None) -> bool:
    return record is None or record.state not in FINISHED_STATES


def _contactable(facts: ReportFacts) -> bool:
    return addressee(facts) is not None


def possible_emergency(facts: ReportFacts) -> bool:
    flagged = facts.classification is not None and EMERGENCY_FLAG in facts.classification.flags
    return facts.emergency_reported or flagged


def due_replies(facts: ReportFacts) -> list[ReplyKind]:
    """The replies to send now: call-999 guidance at once for a possible emergency, the
    acknowledgement once its grade and reference are both known, and a holding reply when
    the promise broke before the acknowledgement was delivered."""
    if not _contactable(facts):
        return []
    due = []
    if possible_emergency(facts) and _open(facts, ReplyKind.EMERGENCY_GUIDANCE):
        due.append(ReplyKind.EMERGENCY_GUIDANCE)
    known = facts.classification is not None and facts.reference is not None
    if known and _open(facts, ReplyKind.ACKNOWLEDGEMENT):
        due.append(ReplyKind.ACKNOWLEDGEMENT)
    if facts.breached and not _delivered(facts) and _open(facts, ReplyKind.HOLDING):
        due.append(ReplyKind.HOLDING)
    return due


def _delivered(facts: ReportFacts) -> bool:
    record = facts.record(ReplyKey(ReplyKind.ACKNOWLEDGEMENT))
    return record is not None and record.state == "delivered"


def due_staff_replies(facts: ReportFacts) -> list[StaffRequest]:
    """The staff messages to send now, in the order staff asked for them: every one not
    yet finished, once the submission (and with it the contact details) is known. Whether
    the reporter can be reached is the sending's concern: a staff reply that cannot go
    fails, for staff to see, where an automatic one is simply not sent."""
    if not facts.submitted:
        return []
    waiting = [request for request in facts.requests.values() if _unfinished(request.record)]
    return sorted(waiting, key=lambda request: request.action_number)


def reachable_contact(facts: ReportFacts) -> Contact | None:
    """The contact details a reply may use: none for an anonymous report."""
    return None if facts.anonymous else facts.contact


def choose_recipient(
    contact: Contact,
    supported: frozenset[ContactMethod],
    tried: tuple[ContactMethod, ...] = (),
) -> Recipient | None:
    """The reporter's preferred channel if we can use it, else their other one, else none.

    A channel the reporter marked unsafe is never used, whatever else fails; a channel
    already tried for this reply is not tried again.
    """
    address = {ContactMethod.EMAIL: contact.email, ContactMethod.SMS: contact.phone}
    for channel in safe_channels(contact):
        if channel in supported and channel not in tried:
            return Recipient(channel, str(address[channel]))
    return None


def wording(facts: ReportFacts, kind: ReplyKind) -> Literal["full", "neutral"]:
    """Neutral wording, with no details, where contact itself could put the reporter at risk."""
    flags = () if facts.classification is None else facts.classification.flags
    detailed = kind in {ReplyKind.ACKNOWLEDGEMENT, ReplyKind.HOLDING}
    return "neutral" if detailed and neutral_wording_required(flags, facts.contact) else "full"


def sender(facts: ReportFacts, kind: ReplyKind) -> Sender:
    """The force's own sender, except for neutral words: a police name would give them away."""
    return Sender.NEUTRAL if wording(facts, kind) == "neutral" else Sender.FORCE
