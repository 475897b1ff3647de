"""Notifier's use cases: learn facts from events, send whatever reply is due, once, through
a channel that is safe, falling back to the reporter's other channel when one fails.

Two sorts of reply share one machinery (claim, lease, `finish`, the unrecorded-send
memory, fallback, receipts): the automatic ones, one of each kind per report, worded from
the templates; and the messages staff ask for, one per request id, sent in the words
they approved."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import structlog

from services.notifier.domain import (
    Addressee,
    Claim,
    OutgoingReply,
    Recipient,
    ReplyKey,
    ReportFacts,
    StaffRequest,
    addressee,
    choose_recipient,
    due_replies,
    due_staff_replies,
    reachable_contact,
)
from services.notifier.ports import (
    DeliveryError,
    DeliveryReceipt,
    Replies,
    ReplyChannel,
    ReplyInProgressError,
    ReplyRendering,
    Sent,
    StaffWording,
)
from services.notifier.reply_events import ReplyEvents
from shared.clock import Clock
from shared.errors import ConflictingFactError
from shared.events import (
    CauseRef,
    Contact,
    ContactMethod,
    Event,
    InformationRequested,
    ReferenceIssued,
    ReplyKind,
    ReplyRequested,
    ReportClassified,
    ReportClosed,
    ReportSubmitted,
    SlaBreached,
    StaffAction,
    StaffMessage,
)

log = structlog.get_logger(__name__)

#: Words for one recipient: the template's or the staff message's.
Wording = Callable[[Recipient], OutgoingReply]


class Notifier:
    """The notifier's dependencies, and its use cases."""

    def __init__(
        self,
        replies: Replies,
        channels: list[ReplyChannel],
        renderer: ReplyRendering,
        clock: Clock,
        staff_words: StaffWording,
    ) -> None:
        self.replies = replies
        self.channels = {channel.channel: channel for channel in channels}
        self.renderer = renderer
        self.staff_words = staff_words
        self.clock = clock
        self.events = ReplyEvents(clock)
        #: Sends the provider accepted whose outcome could not be recorded yet (Mongo was
        #: unreachable for longer than `finish` waits): when this process claims the reply
        #: again, it records the outcome it has instead of sending a second message.
        self._sent_unrecorded: dict[tuple[uuid.UUID, ReplyKey], Sent] = {}

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

    async def record_reply_request(self, event: ReplyRequested) -> None:
        await self._request(event, ReplyKind.STAFF_REPLY, event.message)

    async def record_information_request(self, event: InformationRequested) -> None:
        await self._request(event, ReplyKind.INFORMATION_REQUEST, event.message)

    async def record_closure(self, event: ReportClosed) -> None:
        """The outcome reply of a closed report; none where staff said it cannot be sent."""
        if event.reply is not None:
            await self._request(event, ReplyKind.OUTCOME, event.reply)

    async def _request(self, event: StaffAction, kind: ReplyKind, message: StaffMessage) -> None:
        """Keep the message (it may come before the submission) and send it when due."""
        request = StaffRequest(kind, CauseRef.of(event), event.action_number, message)
        facts = await self.replies.remember_staff_request(request)
        kept = None if facts is None else facts.requests.get(message.request_id)
        if kept is not None and kept.cause.event_id != event.event_id:
            raise ConflictingFactError("the request id was already used, by another event")
        await self.send_due_replies(event.report_id, facts)

    async def send_due_replies(
        self, report_id: uuid.UUID, facts: ReportFacts | None = None
    ) -> None:
        """Send whatever is due; `facts`, when the caller has them fresh, saves a read."""
        facts = facts or await self.replies.facts(report_id)
        if facts is None or facts.cause is None:
            return
        to = addressee(facts)
        if to is not None:
            for kind in due_replies(facts):
                await self._send(facts, ReplyKey(kind), to.contact, self._templated(kind, to))
        for request in due_staff_replies(facts):
            wording = self._staff_worded(request, facts)
            await self._send(facts, request.key, reachable_contact(facts), wording)

    def _templated(self, kind: ReplyKind, to: Addressee) -> Wording:
        return lambda recipient: self.renderer.render(kind, to, recipient)

    def _staff_worded(self, request: StaffRequest, facts: ReportFacts) -> Wording:
        return lambda recipient: self.staff_words.render(request, facts, recipient)

    async def record_receipt(self, receipt: DeliveryReceipt) -> bool:
        """Apply a delivery receipt; false for a message we never sent."""
        found = await self.replies.sent_with(receipt.provider_id)
        if found is None:
            return False
        report_id, key = found
        facts = await self.replies.facts(report_id)
        cause = None if facts is None else facts.cause_of(key)
        if facts is None or facts.cause is None or cause is None:
            return False  # its document has gone, or never had its submission
        record = facts.record(key)
        channel = record.tried[-1] if record and record.tried else ContactMethod.SMS
        if receipt.delivered:
            events: list[Event] = [self.events.delivered(cause, key, channel, receipt.at)]
            await self.replies.settle(report_id, key, "delivered", events)
        else:
            permanent = receipt.status == "permanent-failure"
            reason = f"provider says {receipt.status}"
            failed = self.events.failed(cause, key, channel, permanent=permanent, reason=reason)
            if await self.replies.settle(report_id, key, "retry", [failed]):
                await self.send_due_replies(report_id)  # the next channel, if one is left
        return True

    async def _send(
        self, facts: ReportFacts, key: ReplyKey, contact: Contact | None, wording: Wording
    ) -> None:
        cause = facts.cause_of(key)
        if cause is None:  # never: a due reply has its cause
            raise ValueError(f"no cause for the {key.kind.value} reply")
        report_id = cause.report_id
        claim = await self.replies.claim(report_id, key, self.clock.now())
        if claim is Claim.FINISHED:
            return
        if claim is Claim.HELD:
            # Not acknowledged: retried until the holder finishes or its lease runs out, so
            # a crash in the middle of a send cannot leave the reply unsent.
            raise ReplyInProgressError(f"{key.kind.value} reply is being sent elsewhere")
        unrecorded = (report_id, key)
        outcome = self._sent_unrecorded.get(unrecorded)
        if outcome is None:  # not already sent by this process
            record = facts.record(key)
            tried = record.tried if record else ()
            outcome = await self._try_channels(cause, key, contact, wording, tried)
            self._sent_unrecorded[unrecorded] = outcome
        await self.replies.finish(report_id, key, outcome)
        del self._sent_unrecorded[unrecorded]
        log.info(
            "reply_outcome",
            report_id=str(report_id),
            kind=key.kind.value,
            request_id=None if key.request_id is None else str(key.request_id),
            state=outcome.state,
            channels=[c.value for c in outcome.tried],
        )

    async def _try_channels(
        self,
        cause: CauseRef,
        key: ReplyKey,
        contact: Contact | None,
        wording: Wording,
        tried: tuple[ContactMethod, ...],
    ) -> Sent:
        events: list[Event] = []
        supported = frozenset(self.channels)
        while contact and (recipient := choose_recipient(contact, supported, tried)) is not None:
            tried = (*tried, recipient.channel)
            channel = self.channels[recipient.channel]
            reply = wording(recipient)
            try:
                provider_id = await channel.send(reply)
            except DeliveryError as error:
                events.append(
                    self.events.failed(
                        cause, key, recipient.channel, permanent=error.permanent, reason=str(error)
                    )
                )
                continue
            delivered = channel.delivered_on_acceptance
            events.extend(self.events.sent(cause, reply, provider_id, delivered))
            return Sent("delivered" if delivered else "sent", tried, events, provider_id)
        events.append(
            self.events.failed(
                cause, key, None, permanent=True, reason="no safe channel left", final=True
            )
        )
        return Sent("failed", tried, events)
