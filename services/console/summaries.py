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
    SlaTargetSet,
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
}


def summary(event: Event) -> str:
    """The staff line of `event`; an event type with no line of its own gets its name."""
    line = SUMMARIES.get(type(event))
    return event.event_type if line is None else line(event)
