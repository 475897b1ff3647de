"""The notifier's ports: what its use cases need from the world (the store, the channels,
the renderer), the values they exchange and the errors they raise."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.notifier.domain import (
    Addressee,
    Claim,
    OutgoingReply,
    Recipient,
    ReplyKey,
    ReportFacts,
    StaffRequest,
)
from shared.delivery.errors import DeliveryError, PermanentDeliveryError, TemporaryDeliveryError
from shared.errors import TransientError
from shared.events import (
    ContactMethod,
    Event,
    ReferenceIssued,
    ReplyKind,
    ReportClassified,
    ReportSubmitted,
)

#: The delivery errors are shared.delivery's: the channels raise them, the use cases see them here.
__all__ = [
    "DeliveryError",
    "DeliveryReceipt",
    "PermanentDeliveryError",
    "Replies",
    "ReplyChannel",
    "ReplyInProgressError",
    "ReplyRendering",
    "Sent",
    "StaffWording",
    "TemporaryDeliveryError",
]


class ReplyInProgressError(TransientError):
    """Another process holds the claim on this reply; try again once it has finished."""


class ReplyChannel(Protocol):
    """Hands a reply to a provider; returns the provider's id for it."""

    channel: ContactMethod
    #: True where the provider accepting it is delivery (the receiving mail server);
    #: false where a delivery receipt follows later.
    delivered_on_acceptance: bool

    async def send(self, reply: OutgoingReply) -> str: ...


class ReplyRendering(Protocol):
    """Words a reply for its addressee, with the decisions it carries to the channel."""

    def render(self, kind: ReplyKind, to: Addressee, recipient: Recipient) -> OutgoingReply: ...


class StaffWording(Protocol):
    """Puts a staff message as approved into a reply for its channel: the exact words,
    the status-page link in its place."""

    def render(
        self, request: StaffRequest, facts: ReportFacts, recipient: Recipient
    ) -> OutgoingReply: ...


@dataclass(frozen=True)
class Sent:
    """The outcome of a reply: where it stands, what was tried, the events it caused."""

    state: str
    tried: tuple[ContactMethod, ...]
    events: list[Event]
    provider_id: str | None = None


@dataclass(frozen=True)
class DeliveryReceipt:
    """A provider's word on a message it accepted earlier."""

    provider_id: str
    status: str
    at: datetime

    @property
    def delivered(self) -> bool:
        return self.status == "delivered"


class Replies(Protocol):
    """The per-report join of events, and the record of each reply. Each `remember_*`
    returns the report's facts as they stand after it (one round trip, not two)."""

    async def remember_submission(self, event: ReportSubmitted) -> ReportFacts | None: ...

    async def remember_classification(self, event: ReportClassified) -> ReportFacts | None: ...

    async def remember_reference(self, event: ReferenceIssued) -> ReportFacts | None: ...

    async def remember_breach(self, report_id: uuid.UUID) -> ReportFacts | None: ...

    async def remember_staff_request(self, request: StaffRequest) -> ReportFacts | None:
        """Keep a staff message until it is sent; the first request of an id stands."""

    async def facts(self, report_id: uuid.UUID) -> ReportFacts | None: ...

    async def claim(self, report_id: uuid.UUID, key: ReplyKey, now: datetime) -> Claim:
        """Take the exclusive right to send, unless it is finished or held by another."""

    async def finish(self, report_id: uuid.UUID, key: ReplyKey, outcome: Sent) -> None:
        """Record the outcome of a claimed send and its events, in one write (once: a send
        not claimed, or finished already, records nothing)."""

    async def sent_with(self, provider_id: str) -> tuple[uuid.UUID, ReplyKey] | None:
        """The report and reply a provider's message id belongs to."""

    async def settle(
        self, report_id: uuid.UUID, key: ReplyKey, state: str, events: list[Event]
    ) -> bool:
        """Move a sent reply to `state` ("delivered", or "retry" to try the next channel)
        with its events; false if it was not waiting for a receipt."""
