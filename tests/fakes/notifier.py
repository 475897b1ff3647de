"""The notifier's reply store and channels, faked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from services.notifier.domain import (
    FINISHED_STATES,
    Claim,
    Classification,
    OutgoingReply,
    ReplyKey,
    ReplyRecord,
    ReportFacts,
    StaffRequest,
)
from services.notifier.ports import Sent
from shared.errors import TransientError
from shared.events import (
    CauseRef,
    ContactMethod,
    Event,
    ReferenceIssued,
    ReportClassified,
    ReportSubmitted,
)
from tests.fakes import EventLog


@dataclass
class FakeReplyChannel:
    """Records what it was asked to send; can be told to fail."""

    channel: ContactMethod = ContactMethod.EMAIL
    delivered_on_acceptance: bool = True
    sent: list[OutgoingReply] = field(default_factory=list)
    failure: Exception | None = None

    async def send(self, reply: OutgoingReply) -> str:
        if self.failure is not None:
            raise self.failure
        self.sent.append(reply)
        return f"{self.channel.value}-{len(self.sent)}"


class FakeReplies(EventLog):
    def __init__(self, claim_lease_s: float = 60) -> None:
        super().__init__()
        self.facts_by_report: dict[uuid.UUID, ReportFacts] = {}
        self.provider_ids: dict[str, tuple[uuid.UUID, ReplyKey]] = {}
        self.lease = timedelta(seconds=claim_lease_s)
        self.claimed_at: dict[tuple[uuid.UUID, ReplyKey], datetime] = {}
        #: how many coming `finish` calls fail as if Mongo were unreachable
        self.unreachable_for_finishes = 0

    def _facts(self, report_id: uuid.UUID) -> ReportFacts:
        return self.facts_by_report.get(
            report_id, ReportFacts(None, None, None, False, None, None, {})
        )

    def _set_record(self, report_id: uuid.UUID, key: ReplyKey, record: ReplyRecord) -> None:
        facts = self._facts(report_id)
        if key.request_id is None:
            replies = facts.replies | {key.kind.value: record}
            self.facts_by_report[report_id] = replace(facts, replies=replies)
            return
        request = replace(facts.requests[key.request_id], record=record)
        requests = facts.requests | {key.request_id: request}
        self.facts_by_report[report_id] = replace(facts, requests=requests)

    async def remember_submission(self, event: ReportSubmitted) -> ReportFacts | None:
        if self._facts(event.report_id).cause is not None:  # the first submission stands
            return self._facts(event.report_id)
        facts = replace(
            self._facts(event.report_id),
            cause=CauseRef.of(event),
            report_type=event.report_type.value,
            contact=event.contact,
            anonymous=event.anonymous,
            emergency_reported=event.happening_now or event.someone_in_danger,
        )
        self.facts_by_report[event.report_id] = facts
        return facts

    async def remember_classification(self, event: ReportClassified) -> ReportFacts | None:
        facts = self._facts(event.report_id)
        if facts.classification and facts.classification.sequence >= event.sequence:
            return facts  # newer sequence only
        classification = Classification(
            event.grade, event.next_steps, event.referral, tuple(event.flags), event.sequence
        )
        self.facts_by_report[event.report_id] = replace(facts, classification=classification)
        return self.facts_by_report[event.report_id]

    async def remember_reference(self, event: ReferenceIssued) -> ReportFacts | None:
        known = self._facts(event.report_id)
        if known.reference is not None:  # the first stands
            return known
        facts = replace(known, reference=event.reference)
        self.facts_by_report[event.report_id] = facts
        return facts

    async def remember_breach(self, report_id: uuid.UUID) -> ReportFacts | None:
        self.facts_by_report[report_id] = replace(self._facts(report_id), breached=True)
        return self.facts_by_report[report_id]

    async def remember_staff_request(self, request: StaffRequest) -> ReportFacts | None:
        report_id, request_id = request.cause.report_id, request.message.request_id
        facts = self._facts(report_id)
        if request_id not in facts.requests:  # the first request of an id stands
            requests = facts.requests | {request_id: replace(request, record=None)}
            self.facts_by_report[report_id] = replace(facts, requests=requests)
        return self.facts_by_report[report_id]

    async def facts(self, report_id: uuid.UUID) -> ReportFacts | None:
        return self.facts_by_report.get(report_id)

    def _free(self, report_id: uuid.UUID, key: ReplyKey, now: datetime) -> bool:
        """The lease: nobody took it, it was let go ("retry"), or its holder's ran out."""
        record = self._facts(report_id).record(key)
        if record is None or record.state == "retry":
            return True
        return record.state == "sending" and self.claimed_at[report_id, key] < now - self.lease

    async def claim(self, report_id: uuid.UUID, key: ReplyKey, now: datetime) -> Claim:
        if report_id not in self.facts_by_report:
            return Claim.HELD  # no document to hold a claim
        record = self._facts(report_id).record(key)
        if not self._free(report_id, key, now):
            finished = record is not None and record.state in FINISHED_STATES
            return Claim.FINISHED if finished else Claim.HELD
        self.claimed_at[report_id, key] = now
        self._set_record(report_id, key, ReplyRecord("sending", record.tried if record else ()))
        return Claim.CLAIMED

    def let_claims_expire(self) -> None:
        """Every reply being sent becomes claimable again, as when its lease runs out."""
        for claim in self.claimed_at:
            self.claimed_at[claim] = datetime.min.replace(tzinfo=UTC)

    async def finish(self, report_id: uuid.UUID, key: ReplyKey, outcome: Sent) -> None:
        if self.unreachable_for_finishes > 0:
            self.unreachable_for_finishes -= 1
            raise TransientError("the reply store is unreachable")
        record = self._facts(report_id).record(key)
        if record is None or record.state != "sending":
            return  # only a claimed send is finished, once
        self._set_record(report_id, key, ReplyRecord(outcome.state, outcome.tried))
        if outcome.provider_id is not None:
            self.provider_ids[outcome.provider_id] = (report_id, key)
        self.add_pending(report_id, outcome.events)

    async def sent_with(self, provider_id: str) -> tuple[uuid.UUID, ReplyKey] | None:
        return self.provider_ids.get(provider_id)

    async def settle(
        self, report_id: uuid.UUID, key: ReplyKey, state: str, events: list[Event]
    ) -> bool:
        record = self._facts(report_id).record(key)
        if record is None or record.state != "sent":
            return False
        self._set_record(report_id, key, ReplyRecord(state, record.tried))
        self.add_pending(report_id, events)
        return True
