"""Notifier's use cases: learn facts from events, then send whatever reply is due, once."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

import structlog

from services.notifier import SERVICE
from services.notifier.domain import (
    Claim,
    OutgoingReply,
    Recipient,
    ReportFacts,
    acknowledgement_due,
    choose_recipient,
)
from shared.clock import Clock
from shared.errors import TransientError
from shared.events import (
    ContactMethod,
    Event,
    ReferenceIssued,
    ReplyDelivered,
    ReplyFailed,
    ReplyKind,
    ReplySent,
    ReportClassified,
    ReportSubmitted,
)

log = structlog.get_logger(__name__)


class PermanentDeliveryError(Exception):
    """The provider refused the reply for good (e.g. the address does not exist)."""


class TemporaryDeliveryError(TransientError):
    """The provider could not take the reply now; trying again later may work."""


class ReplyInProgressError(TransientError):
    """Another process holds the claim on this reply; try again once it has finished."""


class ReplyChannel(Protocol):
    """Hands a reply to a provider; returns the provider's message id."""

    supported: frozenset[ContactMethod]
    #: True where the provider accepting the message is itself delivery (an SMTP relay
    #: that is the receiving server); false where a delivery receipt follows later.
    delivered_on_acceptance: bool

    async def send(self, reply: OutgoingReply) -> str: ...


class ReplyRendering(Protocol):
    def acknowledgement(self, facts: ReportFacts, recipient: Recipient) -> OutgoingReply: ...


class Replies(Protocol):
    """The per-report join of events, and the record of each reply's state."""

    async def remember_submission(self, event: ReportSubmitted) -> None: ...

    async def remember_classification(self, event: ReportClassified) -> None: ...

    async def remember_reference(self, event: ReferenceIssued) -> None: ...

    async def facts(self, report_id: uuid.UUID) -> ReportFacts | None: ...

    async def claim(self, report_id: uuid.UUID, kind: ReplyKind, now: datetime) -> Claim:
        """Take the exclusive right to send, unless it is finished or held by another."""

    async def release(self, report_id: uuid.UUID, kind: ReplyKind) -> None:
        """Give a claim back after a send that surely did not happen."""

    async def finish(
        self, report_id: uuid.UUID, kind: ReplyKind, state: str, events: list[Event]
    ) -> None:
        """Record the outcome of a send and the events it causes, in one write."""

    async def publish_pending(self, report_id: uuid.UUID) -> None: ...


class Notifier:
    """The notifier's dependencies, and its use cases."""

    def __init__(
        self, replies: Replies, channel: ReplyChannel, renderer: ReplyRendering, clock: Clock
    ) -> None:
        self.replies = replies
        self.channel = channel
        self.renderer = renderer
        self.clock = clock

    async def record_submission(self, event: ReportSubmitted) -> None:
        await self.replies.remember_submission(event)
        await self.send_due_replies(event.report_id)

    async def record_classification(self, event: ReportClassified) -> None:
        await self.replies.remember_classification(event)
        await self.send_due_replies(event.report_id)

    async def record_reference(self, event: ReferenceIssued) -> None:
        await self.replies.remember_reference(event)
        await self.send_due_replies(event.report_id)

    async def send_due_replies(self, report_id: uuid.UUID) -> None:
        facts = await self.replies.facts(report_id)
        if facts is not None and acknowledgement_due(facts):
            await self._send_acknowledgement(facts)
        await self.replies.publish_pending(report_id)

    async def _send_acknowledgement(self, facts: ReportFacts) -> None:
        assert facts.cause is not None
        assert facts.contact is not None
        kind, report_id = ReplyKind.ACKNOWLEDGEMENT, facts.cause.report_id
        claim = await self.replies.claim(report_id, kind, self.clock.now())
        if claim is Claim.FINISHED:
            return
        if claim is Claim.HELD:
            # Not acknowledged: retried until the holder finishes or its lease runs out, so
            # a crash in the middle of a send cannot leave the reply unsent.
            raise ReplyInProgressError(f"{kind.value} reply is being sent elsewhere")
        recipient = choose_recipient(facts.contact, self.channel.supported)
        if recipient is None:
            failed = self._failed(facts, kind, None, "no usable contact channel")
            await self.replies.finish(report_id, kind, "failed", [failed])
            return
        reply = self.renderer.acknowledgement(facts, recipient)
        try:
            message_id = await self.channel.send(reply)
        except TemporaryDeliveryError:
            await self.replies.release(report_id, kind)
            raise
        except PermanentDeliveryError as error:
            failed = self._failed(facts, kind, recipient.channel, str(error))
            await self.replies.finish(report_id, kind, "failed", [failed])
            return
        await self.replies.finish(report_id, kind, "sent", self._sent(facts, reply, message_id))
        log.info(
            "reply_sent", report_id=str(report_id), kind=kind.value, channel=recipient.channel.value
        )

    def _sent(self, facts: ReportFacts, reply: OutgoingReply, message_id: str) -> list[Event]:
        assert facts.cause is not None
        now, channel = self.clock.now(), reply.recipient.channel
        kind = reply.kind.value
        sent = ReplySent.caused_by(
            facts.cause,
            producer=SERVICE,
            occurred_at=now,
            discriminator=kind,
            reply_kind=reply.kind,
            channel=channel,
            provider_message_id=message_id,
            receipts_expected=True,
        )
        if not self.channel.delivered_on_acceptance:
            return [sent]
        delivered = ReplyDelivered.caused_by(
            facts.cause,
            producer=SERVICE,
            occurred_at=now,
            discriminator=kind,
            reply_kind=reply.kind,
            channel=channel,
            delivered_at=now,
        )
        return [sent, delivered]

    def _failed(
        self, facts: ReportFacts, kind: ReplyKind, channel: ContactMethod | None, reason: str
    ) -> ReplyFailed:
        assert facts.cause is not None
        return ReplyFailed.caused_by(
            facts.cause,
            producer=SERVICE,
            occurred_at=self.clock.now(),
            discriminator=kind.value,
            reply_kind=kind,
            channel=channel,
            permanent=True,
            final=True,
            reason=reason,
        )
