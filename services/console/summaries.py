"""One line for staff per event of a report's timeline: what happened, in words, pure.

A line may name what the report holds (an update's number, who acknowledged an alert) but
never quotes the reporter's own words: those are shown where the report is, to whom may
see them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from shared.events import (
    AlertAcknowledged,
    AlertEscalated,
    AlertRaised,
    AlertResolved,
    Event,
    ReferenceIssued,
    ReplyDelivered,
    ReplyFailed,
    ReplySent,
    ReportClassified,
    ReportSubmitted,
    ReportUpdated,
    SlaAtRisk,
    SlaBreached,
    SlaMet,
    SlaPaused,
    SlaResumed,
    SlaTargetSet,
)
from shared.events.staff import (
    ContactRecorded,
    InformationRequested,
    NoteAdded,
    ReplyRequested,
    ReportAssigned,
    ReportClosed,
    ReportRegraded,
    ReportReopened,
    StaffAction,
)

CHANNEL_NAMES = {"email": "Email", "sms": "Text message", None: "No channel:"}


def _time(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _words(value: str) -> str:
    return value.replace("_", " ")


def _submitted(event: ReportSubmitted) -> str:
    line = f"{_words(event.report_type.value).capitalize()} report received ({event.channel.value})"
    notes = [
        note
        for note, said in (
            ("anonymous", event.anonymous),
            ("happening now", event.happening_now),
            ("someone in danger", event.someone_in_danger),
        )
        if said
    ]
    return f"{line}: {', '.join(notes)}" if notes else line


def _updated(event: ReportUpdated) -> str:
    who = "" if event.given_by is None else f" by the {_words(event.given_by.role.value)}"
    return f"Information added{who} (update {event.update_number})"


def _classified(event: ReportClassified) -> str:
    verb = "Graded" if event.sequence == 1 else f"Regraded (assessment {event.sequence})"
    why = [f"rules: {', '.join(event.rules_fired) or 'none'}"]
    if event.model_score is not None:
        why.append(f"model {event.model_score:.2f}")
    referral = "" if event.referral is None else f", referred to {event.referral}"
    return f"{verb} {event.grade}, routed to {event.route}{referral} ({'; '.join(why)})"


def _reply(event: ReplySent | ReplyDelivered, verb: str) -> str:
    channel = CHANNEL_NAMES[event.channel.value]
    return f"{channel} reply {verb} ({_words(event.reply_kind.value)})"


def _failed(event: ReplyFailed) -> str:
    channel = CHANNEL_NAMES[None if event.channel is None else event.channel.value]
    final = "; no channel left to try" if event.final else ""
    return f"{channel} reply failed ({_words(event.reply_kind.value)}): {event.reason}{final}"


def _target(event: SlaTargetSet) -> str:
    grade = "not graded yet" if event.grade is None else f"grade {event.grade}"
    return f"Reply due by {_time(event.due_at)} ({grade})"


def _met(event: SlaMet) -> str:
    return "Reply promise met late" if event.late else "Reply promise met"


def _raised(event: AlertRaised) -> str:
    return f"Alert raised ({_words(event.kind.value)}): told {', '.join(event.told)}"


def _escalated(event: AlertEscalated) -> str:
    return f"Alert escalated to step {event.step + 1} ({_words(event.kind.value)}): told " + (
        ", ".join(event.told)
    )


def _by(action: StaffAction) -> str:
    return f"{action.actor.username} ({action.actor.role})"


def _assigned(event: ReportAssigned) -> str:
    if event.assignee is None:
        return f"Handed back to the {_words(event.team)} queue by {_by(event)}"
    if event.claimed:
        return f"Claimed by {_by(event)}"
    return f"Assigned to {event.assignee.username} by {_by(event)}"


def _contact(event: ContactRecorded) -> str:
    reached = "reporter reached" if event.reached else "reporter not reached"
    return f"Contact recorded by {_by(event)}: {_words(event.way.value)}, {reached}"


def _regraded(event: ReportRegraded) -> str:
    before = f"grade {event.previous_grade}, {_words(event.previous_route or 'no route')}"
    now = f"grade {event.grade}, {_words(event.route)}"
    return f"Regraded by {_by(event)}: {before} to {now} (reason recorded)"


def _closed(event: ReportClosed) -> str:
    detail = {
        "crime_recorded": f" ({event.crime_reference})",
        "no_further_action": f" ({_words(event.reason_code.value)})" if event.reason_code else "",
        "referred": f" to {event.agency}",
        "duplicate": f" of {event.duplicate_of}",
    }.get(event.outcome.value, "")
    told = "reporter told" if event.reply is not None else "reporter not told"
    return f"Closed by {_by(event)}: {_words(event.outcome.value)}{detail}; {told}"


def duplicate_link(event: ReportClosed) -> str:
    """The line another report's closing as a repeat of this one puts on this timeline."""
    return f"Report {event.report_id} closed as a duplicate of this one by {_by(event)}"


def _resumed(event: SlaResumed) -> str:
    return f"Reply clock resumed ({_words(event.because.value)}): now due {_time(event.due_at)}"


SUMMARIES: dict[type[Event], Callable[[Any], str]] = {
    ReportSubmitted: _submitted,
    ReportUpdated: _updated,
    ReportClassified: _classified,
    ReferenceIssued: lambda e: f"Reference {e.reference} issued",
    ReplySent: lambda e: _reply(e, "sent"),
    ReplyDelivered: lambda e: _reply(e, "delivered"),
    ReplyFailed: _failed,
    SlaTargetSet: _target,
    SlaAtRisk: lambda e: f"Reply promise at risk ({e.threshold})",
    SlaBreached: lambda e: f"Reply promise broken (was due {_time(e.due_at)})",
    SlaMet: _met,
    AlertRaised: _raised,
    AlertEscalated: _escalated,
    AlertAcknowledged: lambda e: f"Alert acknowledged by {e.acknowledged_by}",
    AlertResolved: lambda e: f"Alert resolved ({_words(e.because.value)})",
    ReportAssigned: _assigned,
    ContactRecorded: _contact,
    ReplyRequested: lambda e: f"Reply requested by {_by(e)} ({e.message.template})",
    InformationRequested: lambda e: (
        f"More information requested by {_by(e)}; answer by {_time(e.answer_by)}"
    ),
    ReportRegraded: _regraded,
    ReportClosed: _closed,
    ReportReopened: lambda e: f"Reopened by {_by(e)} (reason recorded)",
    NoteAdded: lambda e: f"Note added by {_by(e)}",
    SlaPaused: lambda e: f"Reply clock paused until an answer, or {_time(e.resume_by)}",
    SlaResumed: _resumed,
}


def summary(event: Event) -> str:
    """The staff line of `event`; an event type with no line of its own gets its name."""
    line = SUMMARIES.get(type(event))
    return event.event_type if line is None else line(event)
