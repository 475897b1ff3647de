"""What the report view shows of staff's work on it: the work state, who holds it, the
override beside the classifier's assessment, contacts, notes, requests for information,
the closure, reopenings, the clock's pauses and the reports closed as its repeats. Notes
and contacts are personal data: the report view is only for who may read the report."""

from __future__ import annotations

import uuid

from pydantic import AwareDatetime, BaseModel

from services.console.records import (
    ClosureRecord,
    OverrideRecord,
    StaffDone,
    WorkRecord,
    WorkState,
)


class DoneBy(BaseModel):
    user_id: str
    username: str
    role: str
    at: AwareDatetime
    action_number: int
    event_id: uuid.UUID


class OverrideView(BaseModel):
    """Staff's grade and route; the classifier's own stays in `classification`."""

    grade: int
    route: str
    previous_grade: int | None
    previous_route: str | None
    reason: str
    done: DoneBy


class ContactMade(BaseModel):
    way: str
    reached: bool
    contacted_at: AwareDatetime
    note: str
    done: DoneBy


class NoteView(BaseModel):
    text: str
    done: DoneBy


class InformationRequestView(BaseModel):
    request_id: uuid.UUID
    question: str
    answer_by: AwareDatetime
    answered: bool
    ended: str | None
    ended_at: AwareDatetime | None
    done: DoneBy


class ClosureView(BaseModel):
    outcome: str
    crime_reference: str | None
    reason_code: str | None
    agency: str | None
    duplicate_of: str | None
    duplicate_of_report_id: uuid.UUID | None
    done: DoneBy


class ReopeningView(BaseModel):
    reason: str
    done: DoneBy


class PauseView(BaseModel):
    paused_at: AwareDatetime
    resume_by: AwareDatetime
    resumed_at: AwareDatetime | None
    resumed_because: str | None
    paused_seconds: float | None


class WorkView(BaseModel):
    state: WorkState
    assignee_id: str | None
    assignee_name: str | None
    actions: int
    override: OverrideView | None
    contacts: list[ContactMade]
    notes: list[NoteView]
    information_requests: list[InformationRequestView]
    closure: ClosureView | None
    reopenings: list[ReopeningView]
    paused: bool
    pauses: list[PauseView]
    duplicates: list[uuid.UUID]


def _done(done: StaffDone) -> DoneBy:
    return DoneBy(**vars(done))


def _override(override: OverrideRecord | None) -> OverrideView | None:
    if override is None:
        return None
    fields = {k: v for k, v in vars(override).items() if k != "done"}
    return OverrideView(**fields, done=_done(override.done))


def _closure(closure: ClosureRecord | None) -> ClosureView | None:
    if closure is None:
        return None
    fields = {k: v for k, v in vars(closure).items() if k != "done"}
    return ClosureView(**fields, done=_done(closure.done))


def work_view(work: WorkRecord) -> WorkView:
    return WorkView(
        state=work.state,
        assignee_id=work.assignee_id,
        assignee_name=work.assignee_name,
        actions=work.action_count,
        override=_override(work.override),
        contacts=[
            ContactMade(
                way=c.way,
                reached=c.reached,
                contacted_at=c.contacted_at,
                note=c.note,
                done=_done(c.done),
            )
            for c in work.contacts
        ],
        notes=[NoteView(text=n.text, done=_done(n.done)) for n in work.notes],
        information_requests=[
            InformationRequestView(
                request_id=r.request_id,
                question=r.question,
                answer_by=r.answer_by,
                answered=r.ended == "answered",
                ended=r.ended,
                ended_at=r.ended_at,
                done=_done(r.done),
            )
            for r in work.information_requests
        ],
        closure=_closure(work.closure),
        reopenings=[ReopeningView(reason=r.reason, done=_done(r.done)) for r in work.reopenings],
        paused=work.paused,
        pauses=[PauseView(**vars(p)) for p in work.pauses],
        duplicates=list(work.duplicates),
    )
