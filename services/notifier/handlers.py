"""Notifier's use cases: learn facts from events, send whatever reply is due, once, through
a channel that is safe, falling back to the reporter's other channel when one fails."""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog

from services.notifier import SERVICE
from services.notifier.domain import (
    Addressee,
    Claim,
    OutgoingReply,
    ReportFacts,
    addressee,
    choose_recipient,
    due_replies,
)
from services.notifier.ports import (
    DeliveryError,
    DeliveryReceipt,
    Replies,
    ReplyChannel,
    ReplyInProgressError,
    ReplyRendering,
    Sent,
)
from shared.clock import Clock
from shared.errors import ConflictingFactError
from shared.events import (
    CauseRef,
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
        to = addressee(facts) if facts is not None else None
        if facts is not None and to is not None:
            for kind in due_replies(facts):
                await self._send(to, kind)

    async def record_receipt(self, receipt: DeliveryReceipt) -> bool:
        """Apply a delivery receipt; false for a message we never sent."""
        found = await self.replies.sent_with(receipt.provider_id)
        if found is None:
            return False
        report_id, kind = found
        facts = await self.replies.facts(report_id)
        if facts is None or facts.cause is None:
            return False  # its document has gone, or never had its submission
        record = facts.record(kind)
        channel = record.tried[-1] if record and record.tried else ContactMethod.SMS
        if receipt.delivered:
            events: list[Event] = [self._delivered(facts.cause, kind, channel, receipt.at)]
            await self.replies.settle(report_id, kind, "delivered", events)
        else:
            failed = self._failed(
                facts.cause,
                kind,
                channel,
                permanent=receipt.status == "permanent-failure",
                reason=f"provider says {receipt.status}",
            )
            if await self.replies.settle(report_id, kind, "retry", [failed]):
                await self.send_due_replies(report_id)  # the next channel, if one is left
        return True

    async def _send(self, to: Addressee, kind: ReplyKind) -> None:
        report_id = to.cause.report_id
        claim = await self.replies.claim(report_id, kind, self.clock.now())
        if claim is Claim.FINISHED:
            return
        if claim is Claim.HELD:
            # Not acknowledged: retried until the holder finishes or its lease runs out, so
            # a crash in the middle of a send cannot leave the reply unsent.
            raise ReplyInProgressError(f"{kind.value} reply is being sent elsewhere")
        unrecorded = (report_id, kind)
        outcome = self._sent_unrecorded.get(unrecorded)
        if outcome is None:  # not already sent by this process
            record = to.facts.record(kind)
            outcome = await self._try_channels(to, kind, record.tried if record else ())
            self._sent_unrecorded[unrecorded] = outcome
        await self.replies.finish(report_id, kind, outcome)
        del self._sent_unrecorded[unrecorded]
        log.info(
            "reply_outcome",
            report_id=str(report_id),
            kind=kind.value,
            state=outcome.state,
            channels=[c.value for c in outcome.tried],
        )

    async def _try_channels(
        self, to: Addressee, kind: ReplyKind, tried: tuple[ContactMethod, ...]
    ) -> Sent:
        events: list[Event] = []
        supported = frozenset(self.channels)
        while (recipient := choose_recipient(to.contact, supported, tried)) is not None:
            tried = (*tried, recipient.channel)
            channel = self.channels[recipient.channel]
            reply = self.renderer.render(kind, to, recipient)
            try:
                provider_id = await channel.send(reply)
            except DeliveryError as error:
                events.append(
                    self._failed(
                        to.cause,
                        kind,
                        recipient.channel,
                        permanent=error.permanent,
                        reason=str(error),
                    )
                )
                continue
            events.extend(self._sent(to.cause, reply, channel, provider_id))
            state = "delivered" if channel.delivered_on_acceptance else "sent"
            return Sent(state, tried, events, provider_id)
        events.append(
            self._failed(
                to.cause, kind, None, permanent=True, reason="no safe channel left", final=True
            )
        )
        return Sent("failed", tried, events)

    def _sent(
        self, cause: CauseRef, reply: OutgoingReply, channel: ReplyChannel, provider_id: str
    ) -> list[Event]:
        """The provider took `reply`: its exact words go into the event (for the console's
        view of what the reporter was told; personal data, never logged)."""
        kind = reply.kind
        sent = ReplySent.caused_by(
            cause,
            producer=SERVICE,
            occurred_at=self.clock.now(),
            discriminator=f"{kind.value}.{channel.channel.value}",
            reply_kind=kind,
            channel=channel.channel,
            provider_message_id=provider_id,
            receipts_expected=True,
            subject=reply.subject or None,
            body=reply.text,
        )
        if not channel.delivered_on_acceptance:
            return [sent]
        return [sent, self._delivered(cause, kind, channel.channel, self.clock.now())]

    def _delivered(
        self, cause: CauseRef, kind: ReplyKind, channel: ContactMethod, at: datetime
    ) -> ReplyDelivered:
        return ReplyDelivered.caused_by(
            cause,
            producer=SERVICE,
            occurred_at=self.clock.now(),
            discriminator=f"{kind.value}.{channel.value}",
            reply_kind=kind,
            channel=channel,
            delivered_at=at,
        )

    def _failed(
        self,
        cause: CauseRef,
        kind: ReplyKind,
        channel: ContactMethod | None,
        *,
        permanent: bool,
        reason: str,
        final: bool = False,
    ) -> ReplyFailed:
        where = channel.value if channel else "none"
        return ReplyFailed.caused_by(
            cause,
            producer=SERVICE,
            occurred_at=self.clock.now(),
            discriminator=f"{kind.value}.{where}.failed",
            reply_kind=kind,
            channel=channel,
            permanent=permanent,
            final=final,
            reason=reason,
        )
