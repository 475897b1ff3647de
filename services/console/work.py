"""Staff's work on a report, folded from its events, pure: who holds it, where it stands
(`open`, `assigned`, `awaiting_information`, `closed`), and what staff recorded.

Staff events are ordered by their `action_number` (the console's count of actions on the
report), never by arrival; the watchdog's pauses and the reporter's updates by time. An
assignment older than the newest reroute no longer stands: the report waits in the new
team's queue. A request for information is waited on until the reporter adds
information (a ReportUpdated after it), the clock resumes (an SlaResumed after it), or
the report closes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from services.console.records import (
    ClosureRecord,
    ContactRecord,
    InformationRequestRecord,
    NoteRecord,
    OverrideRecord,
    PauseRecord,
    ReopeningRecord,
    StaffDone,
    WaitEnded,
    WorkRecord,
    WorkState,
)
from shared.events import (
    Assignee,
    ContactRecorded,
    Event,
    InformationRequested,
    NoteAdded,
    ReportAssigned,
    ReportClosed,
    ReportRegraded,
    ReportReopened,
    ReportUpdated,
    ResumedBecause,
    SlaPaused,
    SlaResumed,
    StaffAction,
)

_ENDED_BY: dict[ResumedBecause, WaitEnded] = {
    ResumedBecause.REPORTER_ANSWERED: "answered",
    ResumedBecause.NO_ANSWER: "answer_by_passed",
    ResumedBecause.REPORT_CLOSED: "closed",
}


def staff_actions(events: Iterable[Event]) -> list[StaffAction]:
    """The staff events among `events`, in their order (ties by id: one number, one event)."""
    actions = [event for event in events if isinstance(event, StaffAction)]
    return sorted(actions, key=lambda a: (a.action_number, str(a.event_id)))


def done(action: StaffAction) -> StaffDone:
    actor = action.actor
    return StaffDone(
        actor.user_id,
        actor.username,
        actor.role,
        action.occurred_at,
        action.action_number,
        action.event_id,
    )


def work_of(events: list[Event], linked: Iterable[ReportClosed] = ()) -> WorkRecord:
    """The work on one report from its events (each once, in any order); `linked`: other
    reports' closings as duplicates of this one."""
    actions = staff_actions(events)
    assignee = _assignee(actions)
    closure = _closure(actions)
    requests = [
        _request(a, events, actions) for a in actions if isinstance(a, InformationRequested)
    ]
    return WorkRecord(
        state=_state(actions, requests, assignee is not None),
        assignee_id=None if assignee is None else assignee.user_id,
        assignee_name=None if assignee is None else assignee.username,
        action_count=max((a.action_number for a in actions), default=0),
        override=_override(actions),
        contacts=[_contact(a) for a in actions if isinstance(a, ContactRecorded)],
        notes=[NoteRecord(done(a), a.text) for a in actions if isinstance(a, NoteAdded)],
        information_requests=requests,
        closure=closure,
        reopenings=[
            ReopeningRecord(done(a), a.reason) for a in actions if isinstance(a, ReportReopened)
        ],
        pauses=_pauses(events),
        duplicates=sorted({closing.report_id for closing in linked}, key=str),
    )


def _assignee(actions: list[StaffAction]) -> Assignee | None:
    """The newest assignment's assignee, unless a later regrade moved the report to
    another team: it then waits unassigned in that team's queue."""
    assigned = [a for a in actions if isinstance(a, ReportAssigned)]
    if not assigned:
        return None
    rerouted = [a for a in actions if isinstance(a, ReportRegraded) and a.route != a.previous_route]
    if rerouted and rerouted[-1].action_number > assigned[-1].action_number:
        return None
    return assigned[-1].assignee


def _state(
    actions: list[StaffAction], requests: list[InformationRequestRecord], assigned: bool
) -> WorkState:
    ends = [a for a in actions if isinstance(a, ReportClosed | ReportReopened)]
    if ends and isinstance(ends[-1], ReportClosed):
        return "closed"
    if requests and requests[-1].ended is None:
        return "awaiting_information"
    return "assigned" if assigned else "open"


def _request(
    asked: InformationRequested, events: list[Event], actions: list[StaffAction]
) -> InformationRequestRecord:
    """The request, and the first thing after it that ended the wait."""
    after: list[tuple[datetime, WaitEnded]] = []
    for event in events:
        if isinstance(event, ReportUpdated) and event.occurred_at >= asked.occurred_at:
            after.append((event.occurred_at, "answered"))
        elif isinstance(event, SlaResumed) and event.resumed_at >= asked.occurred_at:
            after.append((event.resumed_at, _ENDED_BY.get(event.because, "resumed")))
    for action in actions:
        if isinstance(action, ReportClosed) and action.action_number > asked.action_number:
            after.append((action.occurred_at, "closed"))
    first = min(after, key=lambda ended: ended[0], default=None)
    return InformationRequestRecord(
        done=done(asked),
        request_id=asked.message.request_id,
        question=asked.question,
        answer_by=asked.answer_by,
        ended=None if first is None else first[1],
        ended_at=None if first is None else first[0],
    )


def _override(actions: list[StaffAction]) -> OverrideRecord | None:
    regrades = [a for a in actions if isinstance(a, ReportRegraded)]
    if not regrades:
        return None
    last = regrades[-1]
    return OverrideRecord(
        done(last), last.grade, last.route, last.previous_grade, last.previous_route, last.reason
    )


def _contact(action: ContactRecorded) -> ContactRecord:
    return ContactRecord(
        done(action), action.way.value, action.reached, action.contacted_at, action.note
    )


def _closure(actions: list[StaffAction]) -> ClosureRecord | None:
    closings = [a for a in actions if isinstance(a, ReportClosed)]
    if not closings:
        return None
    last = closings[-1]
    return ClosureRecord(
        done=done(last),
        outcome=last.outcome.value,
        crime_reference=last.crime_reference,
        reason_code=None if last.reason_code is None else last.reason_code.value,
        agency=last.agency,
        duplicate_of=last.duplicate_of,
        duplicate_of_report_id=last.duplicate_of_report_id,
    )


def _pauses(events: list[Event]) -> list[PauseRecord]:
    """Each pause with the first resume after it (the watchdog pauses once at a time)."""
    paused = sorted((e for e in events if isinstance(e, SlaPaused)), key=lambda e: e.paused_at)
    resumed = sorted((e for e in events if isinstance(e, SlaResumed)), key=lambda e: e.resumed_at)
    pauses = []
    for pause in paused:
        ended = next((r for r in resumed if r.resumed_at >= pause.paused_at), None)
        if ended is not None:
            resumed.remove(ended)
        pauses.append(
            PauseRecord(
                paused_at=pause.paused_at,
                resume_by=pause.resume_by,
                resumed_at=None if ended is None else ended.resumed_at,
                resumed_because=None if ended is None else ended.because.value,
                paused_seconds=None if ended is None else ended.paused_seconds,
            )
        )
    return pauses
