"""Notifier's use cases: learn facts from events, send whatever reply is due, once, through
a channel that is safe, falling back to the reporter's other channel when one fails."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import structlog

from services.notifier import SERVICE
from services.notifier.domain import (
    Claim,
    OutgoingReply,
    Recipient,
    ReportFacts,
    choose_recipient,
    due_replies,
)
from shared.clock import Clock
from shared.errors import ConflictingFactError, TransientError
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
    SlaBreached,
)

log = structlog.get_logger(__name__)


class DeliveryError(Exception):
    """A channel could not deliver a reply; the message names no personal data."""

    permanent: bool = True


class PermanentDeliveryError(DeliveryError):
    """The provider refused the reply for good (the address does not exist, say)."""


class TemporaryDeliveryError(DeliveryError):
    """The provider could not take the reply, even after the channel's own retries."""

    permanent = False


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
    def render(
        self, kind: ReplyKind, facts: ReportFacts, recipient: Recipient
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

    async def facts(self, report_id: uuid.UUID) -> ReportFacts | None: ...

    async def claim(self, report_id: uuid.UUID, kind: ReplyKind, now: datetime) -> Claim:
        """Take the exclusive right to send, unless it is finished or held by another."""

    async def finish(self, report_id: uuid.UUID, kind: ReplyKind, outcome: Sent) -> None:
        """Record the outcome of a claimed send and its events, in one write."""

    async def sent_with(self, provider_id: str) -> tuple[uuid.UUID, ReplyKind] | None:
        """The report and reply a provider's message id belongs to."""

    async def settle(
        self, report_id: uuid.UUID, kind: ReplyKind, state: str, events: list[Event]
    ) -> bool:
        """Move a sent reply to `state` ("delivered", or "retry" to try the next channel)
        with its events; false if it was not waiting for a receipt."""


class Notifier:
    """The notifier's dependencies, and its use cases."""

    def __init__(
        self,
        replies: Replies,
        channels: list[ReplyChannel],
        renderer: ReplyRendering,
        clock: Clock,
    ) -> None:
        self.replies = replies
        self.channels = {channel.channel: channel for channel in channels}
        self.renderer = renderer
        self.clock = clock
        #: Sends the provider accepted whose outcome could not be recorded yet (Mongo was
        #: unreachable for longer than `finish` waits): when this process claims the reply
        #: again, it records the outcome it has instead of sending a second message.
        self._sent_unrecorded: dict[tuple[uuid.UUID, ReplyKind], Sent] = {}

    async def record_submission(self, event: ReportSubmitted) -> None:
        facts = await self.replies.remember_submission(event)
        if facts is not None and facts.cause is not None and facts.cause.event_id != event.event_id:
            raise ConflictingFactError("the report was already submitted, by another event")
        await self.send_due_replies(event.report_id, facts)

    async def record_classification(self, event: ReportClassified) -> None:
        facts = await self.replies.remember_classification(event)
        await self.send_due_replies(event.report_id, facts)

    async def record_reference(self, event: ReferenceIssued) -> None:
        facts = await self.replies.remember_reference(event)
        if facts is not None and facts.reference != event.reference:
            raise ConflictingFactError("the report already has another reference")
        await self.send_due_replies(event.report_id, facts)

    async def record_breach(self, event: SlaBreached) -> None:
        """Escalation: a broken promise with no delivered reply gets a holding reply."""
        facts = await self.replies.remember_breach(event.report_id)
        await self.send_due_replies(event.report_id, facts)

    async def send_due_replies(
        self, report_id: uuid.UUID, facts: ReportFacts | None = None
    ) -> None:
        """Send whatever is due; `facts`, when the caller has them fresh, saves a read."""
        facts = facts or await self.replies.facts(report_id)
        if facts is not None:
            for kind in due_replies(facts):
                await self._send(facts, kind)

    async def record_receipt(self, receipt: DeliveryReceipt) -> bool:
        """Apply a delivery receipt; false for a message we never sent."""
        found = await self.replies.sent_with(receipt.provider_id)
        if found is None:
            return False
        report_id, kind = found
        facts = await self.replies.facts(report_id)
        assert facts is not None
        record = facts.record(kind)
        channel = record.tried[-1] if record and record.tried else ContactMethod.SMS
        if receipt.delivered:
            events: list[Event] = [self._delivered(facts, kind, channel, receipt.at)]
            await self.replies.settle(report_id, kind, "delivered", events)
        else:
            failed = self._failed(
                facts,
                kind,
                channel,
                permanent=receipt.status == "permanent-failure",
                reason=f"provider says {receipt.status}",
            )
            if await self.replies.settle(report_id, kind, "retry", [failed]):
                await self.send_due_replies(report_id)  # the next channel, if one is left
        return True

    async def _send(self, facts: ReportFacts, kind: ReplyKind) -> None:
        assert facts.cause is not None
        claim = await self.replies.claim(facts.cause.report_id, kind, self.clock.now())
        if claim is Claim.FINISHED:
            return
        if claim is Claim.HELD:
            # Not acknowledged: retried until the holder finishes or its lease runs out, so
            # a crash in the middle of a send cannot leave the reply unsent.
            raise ReplyInProgressError(f"{kind.value} reply is being sent elsewhere")
        unrecorded = (facts.cause.report_id, kind)
        outcome = self._sent_unrecorded.get(unrecorded)
        if outcome is None:  # not already sent by this process
            record = facts.record(kind)
            outcome = await self._try_channels(facts, kind, record.tried if record else ())
            self._sent_unrecorded[unrecorded] = outcome
        await self.replies.finish(facts.cause.report_id, kind, outcome)
        del self._sent_unrecorded[unrecorded]
        log.info(
            "reply_outcome",
            report_id=str(facts.cause.report_id),
            kind=kind.value,
            state=outcome.state,
            channels=[c.value for c in outcome.tried],
        )

    async def _try_channels(
        self, facts: ReportFacts, kind: ReplyKind, tried: tuple[ContactMethod, ...]
    ) -> Sent:
        assert facts.contact is not None
        events: list[Event] = []
        supported = frozenset(self.channels)
        while (recipient := choose_recipient(facts.contact, supported, tried)) is not None:
            tried = (*tried, recipient.channel)
            channel = self.channels[recipient.channel]
            try:
                provider_id = await channel.send(self.renderer.render(kind, facts, recipient))
            except DeliveryError as error:
                events.append(
                    self._failed(
                        facts, kind, recipient.channel, permanent=error.permanent, reason=str(error)
                    )
                )
                continue
            events.extend(self._sent(facts, kind, channel, provider_id))
            state = "delivered" if channel.delivered_on_acceptance else "sent"
            return Sent(state, tried, events, provider_id)
        events.append(
            self._failed(
                facts, kind, None, permanent=True, reason="no safe channel left", final=True
            )
        )
        return Sent("failed", tried, events)

    def _sent(
        self, facts: ReportFacts, kind: ReplyKind, channel: ReplyChannel, provider_id: str
    ) -> list[Event]:
        assert facts.cause is not None
        sent = ReplySent.caused_by(
            facts.cause,
            producer=SERVICE,
            occurred_at=self.clock.now(),
            discriminator=f"{kind.value}.{channel.channel.value}",
            reply_kind=kind,
            channel=channel.channel,
            provider_message_id=provider_id,
            receipts_expected=True,
        )
        if not channel.delivered_on_acceptance:
            return [sent]
        return [sent, self._delivered(facts, kind, channel.channel, self.clock.now())]

    def _delivered(
        self, facts: ReportFacts, kind: ReplyKind, channel: ContactMethod, at: datetime
    ) -> ReplyDelivered:
        assert facts.cause is not None
        return ReplyDelivered.caused_by(
            facts.cause,
            producer=SERVICE,
            occurred_at=self.clock.now(),
            discriminator=f"{kind.value}.{channel.value}",
            reply_kind=kind,
            channel=channel,
            delivered_at=at,
        )

    def _failed(
        self,
        facts: ReportFacts,
        kind: ReplyKind,
        channel: ContactMethod | None,
        *,
        permanent: bool,
        reason: str,
        final: bool = False,
    ) -> ReplyFailed:
        assert facts.cause is not None
        where = channel.value if channel else "none"
        return ReplyFailed.caused_by(
            facts.cause,
            producer=SERVICE,
            occurred_at=self.clock.now(),
            discriminator=f"{kind.value}.{where}.failed",
            reply_kind=kind,
            channel=channel,
            permanent=permanent,
            final=final,
            reason=reason,
        )
