"""The reports `bench/console_screenshot.py` photographs: a morning of reports for the
queue, one report's journey so far (acknowledged, updated) and another's to its close
(its acknowledgement failed; claimed, answered, closed as a crime recorded)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from shared.events import (
    ContactMethod,
    Event,
    KeptBy,
    ReplyDelivered,
    ReplyKind,
    ReplyRequested,
    ReplySent,
    ReportClosed,
    ReportSubmitted,
    ReportType,
    SlaAtRisk,
    SlaMet,
    StaffMessage,
    ThriveDimension,
)
from shared.references import format_reference
from tests import factories, staff_factories

AnyEvent = TypeVar("AnyEvent", bound=Event)

DESCRIPTION = (
    "When I came out of the library at about 8.15 this morning my bicycle had gone from the "
    "rack by the entrance. It was locked with a D-lock, which is also gone. It is a dark blue "
    "Trek FX 2 with a child seat on the back. The library has a camera over the door."
)
REPLY = (
    "Dear Sam Taylor,\n\nThank you for reporting the theft of your bicycle. Your reference "
    "is {reference}; please quote it if you contact us.\n\nThe crime bureau will review "
    "your report and the library's camera footage, and will write to you within 3 days.\n\n"
    "If you see someone with your bicycle, do not approach them: call 999 if it is "
    "happening now, or 101 otherwise.\n\nLakeshire Police"
)
CLOSED_DESCRIPTION = (
    "Someone scratched the whole driver's side of my car overnight while it was parked on "
    "Belvoir Street. My neighbour's doorbell camera points at the road."
)
CLOSED_REPLY = (
    "Dear Priya,\n\nAn investigator has reviewed your report {reference} and is looking "
    "into what happened. We have asked your neighbour for the doorbell camera's footage of "
    "that night.\n\nIf you have evidence you have not told us about, keep it safe and call "
    "101, quoting your reference.\n\nLakeshire Police\nPlease do not reply to this message."
)
CLOSED_OUTCOME = (
    "Dear Priya,\n\nWe have recorded your report {reference} as a crime. Your crime "
    "reference number is {crime_reference}. Please quote it when you contact us about this "
    "crime, and give it to your insurer if they ask for it.\n\nYou can get free, "
    "confidential support from Victim Support on 0808 16 89 111.\n\nLakeshire Police\n"
    "Please do not reply to this message."
)
CRIME_REFERENCE = "CR/04417/26"
TEAMS = ["crime_bureau", "road_policing", "neighbourhood_policing", "lost_property"]


def reference(sequence: int) -> str:
    return format_reference("LP", datetime.now(UTC).date(), sequence)


def at(event: AnyEvent, when: datetime) -> AnyEvent:
    """`event` as told at `when` (the factories tell some at a fixed moment)."""
    return event.model_copy(update={"occurred_at": when})


def featured(now: datetime) -> tuple[ReportSubmitted, list[Event]]:
    """The report the README shows: a bicycle theft, graded, acknowledged and updated."""
    received = now - timedelta(minutes=47)
    contact = factories.contact(name="Sam Taylor", email="sam.taylor@example.org")
    submitted = factories.report_submitted(
        received_at=received,
        occurred_at=received,
        description=DESCRIPTION,
        contact=contact,
        answers={"item_value": "650", "when_noticed": "08:15", "suspect_seen": "no"},
    )
    issued = reference(128)
    thrive = {
        "threat": ThriveDimension(level="low", rules=["no-ongoing-threat"]),
        "harm": ThriveDimension(level="medium", rules=["property-over-500"]),
        "investigation": ThriveDimension(level="medium", rules=["cctv-mentioned"]),
    }
    classified = factories.report_classified(
        submitted, grade=3, route="crime_bureau", flags=["cctv_available"], thrive=thrive,
        rules_fired=["theft-of-pedal-cycle", "cctv-mentioned", "property-over-500"],
        model_version="triage-2026.11", model_score=0.04, next_steps="crime_review",
    )  # fmt: skip
    sent_at = received + timedelta(minutes=2)
    sent = factories.reply_sent(
        submitted, at=sent_at, subject=f"Your report {issued}",
        body=REPLY.format(reference=issued), channel=ContactMethod.EMAIL,
    )  # fmt: skip
    updated = factories.report_updated(submitted, information="The frame number is WTU123K4567X.")
    return submitted, [
        submitted,
        at(factories.reference_issued(submitted, issued), received + timedelta(seconds=1)),
        factories.sla_target_set(submitted, version=0, due_in=timedelta(hours=72)),
        at(classified, received + timedelta(seconds=1)),
        factories.sla_target_set(submitted, version=1, due_in=timedelta(hours=72), grade=3),
        sent,
        factories.reply_delivered(submitted, at=sent_at + timedelta(seconds=40)),
        at(updated, received + timedelta(minutes=31)),
    ]


def _message(template: str, subject: str, body: str) -> StaffMessage:
    return staff_factories.message(template=template, subject=subject, body=body)


def _emailed(
    cause: ReplyRequested | ReportClosed, message: StaffMessage, kind: ReplyKind, when: datetime
) -> list[Event]:
    """What the notifier tells of a staff message it sent by email: sent, then delivered."""
    told = {"reply_kind": kind, "channel": ContactMethod.EMAIL, "request_id": message.request_id}
    where = f"staff.{message.request_id}.email"
    sent = ReplySent.caused_by(
        cause, producer="notifier", occurred_at=when, discriminator=where,
        receipts_expected=False, provider_message_id=f"<{message.request_id}@police.example>",
        subject=message.subject, body=message.body, **told,
    )  # fmt: skip
    delivered = ReplyDelivered.caused_by(
        cause, producer="notifier", occurred_at=when, discriminator=where, delivered_at=when,
        **told,
    )  # fmt: skip
    return [sent, delivered]


def _kept(submitted: ReportSubmitted, due: datetime, when: datetime) -> SlaMet:
    return SlaMet.caused_by(
        submitted, producer="sla_watchdog", occurred_at=when, started_at=submitted.received_at,
        stopped_at=when, due_at=due, late=False, kept_by=KeptBy.STAFF_REPLY,
        elapsed_seconds=(when - submitted.received_at).total_seconds(),
    )  # fmt: skip


def closed(now: datetime) -> tuple[ReportSubmitted, list[Event]]:
    """A report of this morning, closed: its acknowledgement failed (the mailbox refused
    it), so it was at risk at once; the operator claimed it and replied, which kept the
    promise, then closed it as a crime recorded, its outcome message delivered."""
    received = now - timedelta(hours=3, minutes=12)
    submitted = factories.report_submitted(
        received_at=received, occurred_at=received, description=CLOSED_DESCRIPTION,
        contact=factories.contact(name="Priya Shah", email="priya.shah@example.org"),
        answers={"crime_kind": "criminal_damage", "location": "Belvoir Street"},
    )  # fmt: skip
    issued, due = reference(131), received + timedelta(hours=24)
    times = [received + timedelta(minutes=m) for m in (1, 2, 41, 48, 49, 95, 96)]
    reply = _message(
        "crime.update", f"Your report {issued}: an update", CLOSED_REPLY.format(reference=issued)
    )
    outcome = _message(
        "outcome.crime_recorded", f"Your report {issued}: crime reference {CRIME_REFERENCE}",
        CLOSED_OUTCOME.format(reference=issued, crime_reference=CRIME_REFERENCE),
    )  # fmt: skip
    requested = staff_factories.reply_requested(submitted, 2, at=times[3], message=reply)
    closing = staff_factories.report_closed(
        submitted, 3, at=times[5], crime_reference=CRIME_REFERENCE, reply=outcome
    )
    at_risk = SlaAtRisk.caused_by(
        submitted, producer="sla_watchdog", occurred_at=times[1], threshold="reply failed",
        due_at=due, grade=3, route="crime_bureau", force_code="LP",
    )  # fmt: skip
    return submitted, [
        submitted,
        at(factories.reference_issued(submitted, issued), times[0]),
        at(factories.report_classified(submitted, grade=3, route="crime_bureau"), times[0]),
        factories.sla_target_set(submitted, version=1, due_in=timedelta(hours=24), grade=3),
        factories.reply_failed(
            submitted,
            at=times[1],
            channel=ContactMethod.EMAIL,
            final=False,
            reason="recipient refused by mail server",
        ),
        factories.reply_failed(
            submitted, at=times[1], channel=None, final=True, reason="no safe channel left"
        ),
        at_risk,
        staff_factories.report_claimed(submitted, 1, at=times[2]),
        requested,
        *_emailed(requested, reply, ReplyKind.STAFF_REPLY, times[4]),
        _kept(submitted, due, times[4]),
        closing,
        *_emailed(closing, outcome, ReplyKind.OUTCOME, times[6]),
    ]


def morning(now: datetime, rng: random.Random) -> list[Event]:
    """Other reports of the morning, for the queue: mixed types, grades and teams."""
    events: list[Event] = []
    for sequence in range(100, 124):
        received = now - timedelta(minutes=rng.randint(5, 420))
        kind = rng.choice(list(ReportType))
        report = factories.report_submitted(
            report_type=kind, received_at=received, occurred_at=received,
            channel=rng.choice(["web", "web", "phone", "partner"]),
        )  # fmt: skip
        grade = rng.choices([2, 3, 4], weights=[2, 6, 4])[0]
        due = {2: timedelta(hours=4), 3: timedelta(hours=24), 4: timedelta(hours=72)}[grade]
        classified = factories.report_classified(report, grade=grade, route=rng.choice(TEAMS))
        target = factories.sla_target_set(report, version=1, due_in=due, grade=grade)
        issued = factories.reference_issued(report, reference(sequence))
        events += [report, at(issued, received), at(classified, received), target]
    return events
