"""The console's read model, pure: a report's record folded from its events, and where it
stands in the queue at a given time.

One report's events come from fifteen topics, so they arrive in any order and some twice.
`fold` depends on neither: it keeps each event once (by id), puts them in one canonical
order, and decides every fact by a rule of the facts themselves (the highest assessment
`sequence`, the highest SLA `target_version`, delivered over failed over sent), never by
which event happened to arrive last.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from services.console.outcomes import alerts_of, replies_of
from services.console.records import (
    ClassificationRecord,
    QueueRow,
    QueueState,
    ReportRecord,
    SlaRecord,
    TimelineEntry,
)
from services.console.summaries import duplicate_link, summary
from services.console.work import work_of
from shared.events import (
    CONTRACT,
    AccessRecorded,
    Event,
    ReferenceIssued,
    ReportClassified,
    ReportClosed,
    ReportSubmitted,
    ReportUpdated,
    SlaAtRisk,
    SlaBreached,
    SlaMet,
    SlaResumed,
    SlaTargetSet,
)

#: Every event type the console projects (all of the contract but its own access log), in
#: the order a report's journey runs (the tie-break of events of the same instant).
PROJECTED: tuple[type[Event], ...] = tuple(kind for kind in CONTRACT if kind is not AccessRecorded)
_RANK = {kind.EVENT_TYPE: rank for rank, kind in enumerate(PROJECTED)}
_MODEL = {kind.EVENT_TYPE: kind for kind in PROJECTED}

#: Stored times keep milliseconds: times within one are the same time.
PRECISION = timedelta(milliseconds=1)


def event_from_json(stored: dict[str, Any]) -> Event:
    """An event as `event.model_dump(mode="json")` stored it."""
    return _MODEL[stored["event_type"]].model_validate(stored)


def canonical(events: Iterable[Event]) -> list[Event]:
    """Each event once, in time order; ties by the journey's order, then by id."""
    unique = {event.event_id: event for event in events}
    return sorted(
        unique.values(),
        key=lambda e: (e.occurred_at, _RANK.get(e.event_type, len(_RANK)), str(e.event_id)),
    )


def _of(events: list[Event], kind: type[Any]) -> list[Any]:
    return [event for event in events if isinstance(event, kind)]


def fold(events: Iterable[Event], linked: Iterable[ReportClosed] = ()) -> ReportRecord:
    """The record of one report from any of its events, in any order, repeats included;
    `linked`: other reports' closings as duplicates of this one (shown on its timeline)."""
    ordered = canonical(events)
    links = [e for e in canonical(linked) if isinstance(e, ReportClosed)]
    report_id = report_id_of(ordered)
    if report_id is None:
        raise ValueError("a record needs at least one event")
    submitted = next(iter(_of(ordered, ReportSubmitted)), None)
    updates: list[ReportUpdated] = sorted(
        _of(ordered, ReportUpdated), key=lambda u: u.update_number
    )
    issued = next(iter(_of(ordered, ReferenceIssued)), None)
    classification = _classification(_of(ordered, ReportClassified))
    latest = updates[-1] if updates else submitted
    return ReportRecord(
        report_id=report_id,
        reference=None if issued is None else issued.reference,
        force_code=_force_code(submitted, issued, ordered),
        report_type=None if submitted is None else submitted.report_type.value,
        channel=None if submitted is None else submitted.channel.value,
        received_at=None if submitted is None else submitted.received_at,
        description=None if submitted is None else submitted.description,
        answers={} if submitted is None else dict(submitted.answers),
        happening_now=None if latest is None else latest.happening_now,
        someone_in_danger=None if latest is None else latest.someone_in_danger,
        contact=_contact(submitted),
        updates=[update.information for update in updates],
        classification=None if classification is None else _classification_record(classification),
        sla=_sla(ordered),
        replies=replies_of(ordered),
        alerts=alerts_of(ordered),
        timeline=[_entry(event) for event in ordered] + [_link(e) for e in links],
        correlation_id=None if submitted is None else submitted.correlation_id,
        work=work_of(ordered, links),
    )


def _contact(submitted: ReportSubmitted | None) -> dict[str, Any] | None:
    if submitted is None or submitted.contact is None:
        return None
    return submitted.contact.model_dump(mode="json")


def _force_code(
    submitted: ReportSubmitted | None, issued: ReferenceIssued | None, events: list[Event]
) -> str | None:
    if submitted is not None:
        return submitted.force_code
    if issued is not None:
        return issued.force_code
    return next((code for e in events if (code := getattr(e, "force_code", None))), None)


def _classification(events: list[ReportClassified]) -> ReportClassified | None:
    """The newest assessment: the highest sequence (ties: the later, then the greater id)."""
    return max(events, key=lambda e: (e.sequence, e.occurred_at, str(e.event_id)), default=None)


def _classification_record(event: ReportClassified) -> ClassificationRecord:
    return ClassificationRecord(
        grade=event.grade,
        route=event.route,
        flags=list(event.flags),
        thrive={name: dim.model_dump(mode="json") for name, dim in event.thrive.items()},
        rules_fired=list(event.rules_fired),
        rules_version=event.rules_version,
        confidence=event.confidence,
        model_version=event.model_version,
        model_score=event.model_score,
        referral=event.referral,
        next_steps=event.next_steps,
        sequence=event.sequence,
        assessed_at=event.occurred_at,
    )


def _same_time(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and abs(a - b) < PRECISION


@dataclass(frozen=True)
class _Target:
    due_at: datetime | None
    grade: int | None
    started_at: datetime | None
    version: int | None
    thresholds: list[tuple[str, datetime]]


def _target(events: list[Event]) -> _Target:
    """The target shown: the highest target version told; before any is told, the due
    time the latest warning, breach or stop names."""
    told: list[SlaTargetSet] = _of(events, SlaTargetSet)
    if told:
        best = max(told, key=lambda e: (e.target_version, e.occurred_at, str(e.event_id)))
        marks = [(mark.name, mark.at) for mark in best.thresholds]
        target = _Target(best.due_at, best.grade, best.started_at, best.target_version, marks)
        return _moved_on(target, best, _of(events, SlaResumed))
    named = [e for e in events if isinstance(e, SlaAtRisk | SlaBreached | SlaMet)]
    last = named[-1] if named else None
    grade = last.grade if isinstance(last, SlaAtRisk | SlaBreached) else None
    return _Target(None if last is None else last.due_at, grade, None, None, [])


def _moved_on(target: _Target, told: SlaTargetSet, resumes: list[SlaResumed]) -> _Target:
    """A resume after the target was set moves its due time and thresholds on by the pause."""
    later = [r for r in resumes if r.resumed_at >= told.occurred_at]
    if not later:
        return target
    last = max(later, key=lambda r: (r.resumed_at, str(r.event_id)))
    return replace(target, due_at=last.due_at, thresholds=[(m.name, m.at) for m in last.thresholds])


def _sla(events: list[Event]) -> SlaRecord | None:
    """The promise as the watchdog told it: the target, the warnings and breach of that
    target (those of a target since replaced no longer count), and the stop, which is final."""
    kinds = (SlaTargetSet, SlaAtRisk, SlaBreached, SlaMet)
    if not any(isinstance(event, kinds) for event in events):
        return None
    target = _target(events)
    current = [
        e
        for e in events
        if isinstance(e, SlaAtRisk | SlaBreached) and _same_time(e.due_at, target.due_at)
    ]
    met: SlaMet | None = min(_of(events, SlaMet), key=lambda e: e.stopped_at, default=None)
    warnings = list(dict.fromkeys(e.threshold for e in current if isinstance(e, SlaAtRisk)))
    return SlaRecord(
        due_at=met.due_at if met is not None else target.due_at,
        grade=target.grade,
        warnings=warnings,
        breached=any(isinstance(e, SlaBreached) for e in current) or bool(met and met.late),
        met_at=None if met is None else met.stopped_at,
        late=None if met is None else met.late,
        started_at=met.started_at if met is not None else target.started_at,
        target_version=target.version,
        thresholds=target.thresholds,
    )


def _link(closing: ReportClosed) -> TimelineEntry:
    """Another report closed as a repeat of this one, on this one's timeline."""
    return replace(_entry(closing), summary=duplicate_link(closing))


def _entry(event: Event) -> TimelineEntry:
    return TimelineEntry(
        event_id=event.event_id,
        event_type=event.event_type,
        occurred_at=event.occurred_at,
        producer=event.producer,
        summary=summary(event),
    )


Phase = Literal["met", "met_late", "no_clock", "new", "timed"]


def phase(record: ReportRecord) -> Phase:
    """Where the report stands whatever the time: answered, anonymous, waiting for its
    target, or timed (whose state then depends on the time: `timed_state`)."""
    sla = record.sla
    if sla is not None and sla.met_at is not None:
        return "met_late" if sla.late else "met"
    if record.received_at is not None and record.contact is None:
        return "no_clock"  # anonymous: no reply is promised
    if sla is None or sla.due_at is None:
        return "new"
    return "timed"


def queue_state(record: ReportRecord, now: datetime) -> QueueState:
    """Where the report stands at `now`: at risk and breached follow the clock, so they
    are decided when asked, from the stored target, not when the last event came."""
    sla, where = record.sla, phase(record)
    if where != "timed" or sla is None or sla.due_at is None:
        return "new" if where == "timed" else where
    judged_at = min(now, record.work.paused_since or now)  # a paused clock stands still
    return timed_state(sla.due_at, sla.at_risk_from, bool(sla.warnings), sla.breached, judged_at)


def timed_state(
    due_at: datetime, at_risk_from: datetime | None, warned: bool, breached: bool, now: datetime
) -> QueueState:
    """The state of a running clock at `now`."""
    if breached or now >= due_at:
        return "breached"
    if warned or (at_risk_from is not None and now >= at_risk_from):
        return "at_risk"
    return "running"


def queue_row(record: ReportRecord, now: datetime) -> QueueRow:
    """The report as a work queue lists it (no personal data)."""
    sla = record.sla
    return QueueRow(
        report_id=record.report_id,
        reference=record.reference,
        report_type=record.report_type,
        channel=record.channel,
        force_code=record.force_code,
        grade=shown_grade(record),
        route=record.route,
        received_at=record.received_at,
        due_at=None if sla is None else sla.due_at,
        state=queue_state(record, now),
        warnings=[] if sla is None else list(sla.warnings),
        open_alerts=open_alerts(record),
        met_at=None if sla is None else sla.met_at,
        work_state=record.work.state,
        assignee_id=record.work.assignee_id,
        assignee_name=record.work.assignee_name,
        paused=record.work.paused,
        paused_seconds=record.work.paused_seconds,
    )


def shown_grade(record: ReportRecord) -> int | None:
    """The newest assessment's grade, or, before it came, the grade the target was set for."""
    if record.grade is not None:
        return record.grade
    return None if record.sla is None else record.sla.grade


def open_alerts(record: ReportRecord) -> int:
    return sum(1 for alert in record.alerts if alert.state != "resolved")


def report_id_of(events: Iterable[Event]) -> uuid.UUID | None:
    """The one report these events are about (None for none)."""
    ids = {event.report_id for event in events}
    if len(ids) > 1:
        raise ValueError("events of more than one report")
    return next(iter(ids), None)
