"""Fakes of our own ports, for unit tests. Never of aiokafka or the Mongo driver."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from services.classifier.domain import Assessment
from services.classifier.handlers import ReportFacts as ClassifierFacts
from services.intake.handlers import ReportExistsError, StoredReport
from services.notifier.domain import (
    FINISHED_STATES,
    Claim,
    Classification,
    OutgoingReply,
    ReplyRecord,
    ReportFacts,
)
from services.notifier.handlers import Sent
from services.reference_issuer.handlers import ReferenceRecord
from services.sla_watchdog.domain import ClockState, SlaClock
from services.sla_watchdog.handlers import ClockFacts
from services.sla_watchdog.policy import Threshold
from shared.events import (
    CauseRef,
    ContactMethod,
    Event,
    ReferenceIssued,
    ReplyKind,
    ReportClassified,
    ReportSubmitted,
    ReportUpdated,
    SlaMet,
)
from shared.references import Reference


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, now: datetime = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def advance(self, by: timedelta) -> None:
        self._now += by


class EventLog:
    """Events a fake store would have published, in order."""

    def __init__(self) -> None:
        self.published: list[Event] = []
        self.pending: dict[uuid.UUID, list[Event]] = {}

    def add_pending(self, report_id: uuid.UUID, events: list[Event]) -> None:
        self.pending.setdefault(report_id, []).extend(events)

    async def publish_pending(self, report_id: uuid.UUID) -> None:
        self.published.extend(self.pending.pop(report_id, []))


class FakeReports(EventLog):
    def __init__(self) -> None:
        super().__init__()
        self.stored: dict[uuid.UUID, StoredReport] = {}

    async def add(self, submitted: ReportSubmitted, fingerprint: str) -> None:
        if submitted.report_id in self.stored:
            raise ReportExistsError(self.stored[submitted.report_id])
        self.stored[submitted.report_id] = StoredReport(submitted, fingerprint)
        self.add_pending(submitted.report_id, [submitted])

    async def get(self, report_id: uuid.UUID) -> StoredReport | None:
        return self.stored.get(report_id)

    async def record_reference(self, report_id: uuid.UUID, reference: str) -> None:
        self.stored[report_id] = replace(self.stored[report_id], reference=reference)

    async def record_reply(self, report_id: uuid.UUID, replied_at: datetime) -> None:
        stored = self.stored[report_id]
        self.stored[report_id] = replace(stored, replied_at=stored.replied_at or replied_at)


class FakeAssessments(EventLog):
    def __init__(self) -> None:
        super().__init__()
        self.recorded: dict[uuid.UUID, Assessment] = {}
        self.reports: dict[uuid.UUID, ReportSubmitted] = {}
        self.updates: dict[uuid.UUID, dict[int, ReportUpdated]] = {}
        self.sequences: dict[uuid.UUID, int] = {}

    async def remember_report(self, submitted: ReportSubmitted) -> ClassifierFacts | None:
        self.reports[submitted.report_id] = submitted
        return await self.facts(submitted.report_id)

    async def remember_update(self, updated: ReportUpdated) -> ClassifierFacts | None:
        self.updates.setdefault(updated.report_id, {})[updated.update_number] = updated
        return await self.facts(updated.report_id)

    async def facts(self, report_id: uuid.UUID) -> ClassifierFacts | None:
        if report_id not in self.reports and report_id not in self.updates:
            return None
        updates = self.updates.get(report_id, {})
        return ClassifierFacts(
            self.reports.get(report_id),
            tuple(updates[number] for number in sorted(updates)),
            self.sequences.get(report_id, 0),
        )

    async def record(
        self, report_id: uuid.UUID, assessment: Assessment, classified: ReportClassified
    ) -> None:
        if self.sequences.get(report_id, 0) < classified.sequence:
            self.sequences[report_id] = classified.sequence
            self.recorded[report_id] = assessment
            self.add_pending(report_id, [classified])


class FakeReferences(EventLog):
    def __init__(self) -> None:
        super().__init__()
        self.by_report: dict[uuid.UUID, str] = {}
        self.records: dict[str, ReferenceRecord] = {}
        self.sequences: dict[tuple[str, date], int] = {}

    async def issued_to(self, report_id: uuid.UUID) -> str | None:
        return self.by_report.get(report_id)

    async def next_sequence(self, force_code: str, day: date) -> int:
        key = (force_code, day)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        return self.sequences[key]

    async def assign(self, issued: ReferenceIssued, submitted: ReportSubmitted) -> str:
        if issued.report_id not in self.by_report:
            self.by_report[issued.report_id] = issued.reference
            self.records[issued.reference] = ReferenceRecord(
                issued.reference,
                issued.report_id,
                submitted.report_type.value,
                submitted.received_at,
                issued.issued_at,
                None,
            )
            self.add_pending(issued.report_id, [issued])
        return self.by_report[issued.report_id]

    async def record_reply(self, report_id: uuid.UUID, replied_at: datetime) -> None:
        reference = self.by_report[report_id]
        record = self.records[reference]
        self.records[reference] = replace(record, replied_at=record.replied_at or replied_at)

    async def find(self, reference: Reference) -> ReferenceRecord | None:
        return self.records.get(str(reference))


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
    def __init__(self) -> None:
        super().__init__()
        self.facts_by_report: dict[uuid.UUID, ReportFacts] = {}
        self.provider_ids: dict[str, tuple[uuid.UUID, ReplyKind]] = {}

    def _facts(self, report_id: uuid.UUID) -> ReportFacts:
        return self.facts_by_report.get(
            report_id, ReportFacts(None, None, None, False, None, None, {})
        )

    def _set_record(self, report_id: uuid.UUID, kind: ReplyKind, record: ReplyRecord) -> None:
        facts = self._facts(report_id)
        replies = facts.replies | {kind.value: record}
        self.facts_by_report[report_id] = replace(facts, replies=replies)

    async def remember_submission(self, event: ReportSubmitted) -> ReportFacts | None:
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
            return facts
        classification = Classification(
            event.grade, event.next_steps, event.referral, tuple(event.flags), event.sequence
        )
        self.facts_by_report[event.report_id] = replace(facts, classification=classification)
        return self.facts_by_report[event.report_id]

    async def remember_reference(self, event: ReferenceIssued) -> ReportFacts | None:
        facts = replace(self._facts(event.report_id), reference=event.reference)
        self.facts_by_report[event.report_id] = facts
        return facts

    async def remember_breach(self, report_id: uuid.UUID) -> ReportFacts | None:
        self.facts_by_report[report_id] = replace(self._facts(report_id), breached=True)
        return self.facts_by_report[report_id]

    async def facts(self, report_id: uuid.UUID) -> ReportFacts | None:
        return self.facts_by_report.get(report_id)

    async def claim(self, report_id: uuid.UUID, kind: ReplyKind, now: datetime) -> Claim:
        record = self._facts(report_id).record(kind)
        if record is not None and record.state != "retry":
            return Claim.FINISHED if record.state in FINISHED_STATES else Claim.HELD
        tried = record.tried if record else ()
        self._set_record(report_id, kind, ReplyRecord("sending", tried))
        return Claim.CLAIMED

    async def finish(self, report_id: uuid.UUID, kind: ReplyKind, outcome: Sent) -> None:
        self._set_record(report_id, kind, ReplyRecord(outcome.state, outcome.tried))
        if outcome.provider_id is not None:
            self.provider_ids[outcome.provider_id] = (report_id, kind)
        self.add_pending(report_id, outcome.events)

    async def sent_with(self, provider_id: str) -> tuple[uuid.UUID, ReplyKind] | None:
        return self.provider_ids.get(provider_id)

    async def settle(
        self, report_id: uuid.UUID, kind: ReplyKind, state: str, events: list[Event]
    ) -> bool:
        record = self._facts(report_id).record(kind)
        if record is None or record.state != "sent":
            return False
        self._set_record(report_id, kind, ReplyRecord(state, record.tried))
        self.add_pending(report_id, events)
        return True


@dataclass
class _ClockRecord:
    cause: CauseRef | None = None
    started_at: datetime | None = None
    report_type: str | None = None
    force_code: str | None = None
    grade: int | None = None
    grade_sequence: int = 0
    route: str | None = None
    replied_at: datetime | None = None
    reply_failed: bool = False
    clock: SlaClock | None = None


class FakeClocks(EventLog):
    def __init__(self) -> None:
        super().__init__()
        self.records: dict[uuid.UUID, _ClockRecord] = {}

    def _record(self, report_id: uuid.UUID) -> _ClockRecord:
        return self.records.setdefault(report_id, _ClockRecord())

    async def remember_start(self, event: ReportSubmitted) -> ClockFacts | None:
        record = self._record(event.report_id)
        record.cause, record.started_at = CauseRef.of(event), event.received_at
        record.report_type, record.force_code = event.report_type.value, event.force_code
        return await self.facts(event.report_id)

    async def remember_grade(self, event: ReportClassified) -> ClockFacts | None:
        record = self._record(event.report_id)
        if record.grade_sequence < event.sequence:
            record.grade, record.grade_sequence = event.grade, event.sequence
            record.route = event.route
        return await self.facts(event.report_id)

    async def remember_reply(self, report_id: uuid.UUID, replied_at: datetime) -> ClockFacts | None:
        record = self._record(report_id)
        record.replied_at = record.replied_at or replied_at
        return await self.facts(report_id)

    async def remember_failure(self, report_id: uuid.UUID) -> ClockFacts | None:
        self._record(report_id).reply_failed = True
        return await self.facts(report_id)

    async def facts(self, report_id: uuid.UUID) -> ClockFacts | None:
        record = self.records.get(report_id)
        if record is None:
            return None
        return ClockFacts(
            record.cause,
            record.started_at,
            record.report_type,
            record.force_code,
            record.grade,
            record.grade_sequence,
            record.route,
            record.replied_at,
            record.reply_failed,
            record.clock,
        )

    async def set_target(
        self, report_id: uuid.UUID, facts: ClockFacts, marks: list[Threshold]
    ) -> None:
        record = self._record(report_id)
        if record.clock is not None and record.clock.state is ClockState.MET:
            return
        assert facts.started_at is not None
        same = record.clock is not None and record.clock.target_version == facts.grade_sequence
        announced = record.clock.announced if same and record.clock else frozenset()
        record.clock = SlaClock(
            facts.started_at,
            marks[-1].at,
            facts.grade,
            ClockState.RUNNING,
            thresholds=tuple(marks),
            announced=announced,
            target_version=facts.grade_sequence,
        )

    async def announce(self, report_id: uuid.UUID, version: int, name: str, event: Event) -> bool:
        record = self._record(report_id)
        clock = record.clock
        if clock is None or clock.state is not ClockState.RUNNING:
            return False
        if clock.target_version != version or name in clock.announced:
            return False
        record.clock = replace(clock, announced=clock.announced | {name})
        self.add_pending(report_id, [event])
        return True

    async def stop(self, report_id: uuid.UUID, clock: SlaClock, met: SlaMet) -> None:
        record = self._record(report_id)
        if record.clock is not None and record.clock.state is ClockState.RUNNING:
            record.clock = clock
            self.add_pending(report_id, [met])

    async def get(self, report_id: uuid.UUID) -> SlaClock | None:
        record = self.records.get(report_id)
        return None if record is None else record.clock

    async def running(self) -> list[tuple[uuid.UUID, datetime]]:
        agenda = []
        for report_id, record in self.records.items():
            at = record.clock.next_threshold_at() if record.clock else None
            if at is not None:
                agenda.append((report_id, at))
        return agenda
