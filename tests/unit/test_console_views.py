"""What the console shows to whom: a report's content to its team's operators and to
supervisors only, the contact details masked until disclosed on purpose, the parts shown
named for the access log, and queues with no personal data scoped to an operator's teams."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from services.console.queues import board_alerts, compliance_of, queue_item, scoped, teams_in_view
from services.console.records import QueueFilter, QueueRow, SlaRecord
from services.console.roles import Role
from services.console.views import (
    NotPermittedError,
    contact_details,
    initials,
    mask_email,
    mask_phone,
    parts_shown,
    report_view,
    sla_clock,
)
from tests.console_factories import DESCRIPTION, REPLY_BODY, report_record, staff
from tests.factories import NOW

OPERATOR = staff(Role.OPERATOR, teams=("crime_bureau",))
OTHER_TEAM = staff(Role.OPERATOR, teams=("road_policing",))
SUPERVISOR = staff(Role.SUPERVISOR, teams=())
VIEWER = staff(Role.VIEWER, teams=("crime_bureau",))
AUDITOR = staff(Role.AUDITOR, teams=("crime_bureau",))


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("jane@example.co.uk", "j•••@e•••.co.uk"),
        ("alex@example.org", "a•••@e•••.org"),
        ("x@localhost", "x•••@l•••"),
    ],
)
def test_an_email_is_masked_to_its_first_letters_and_domain_suffix(email: str, masked: str) -> None:
    assert mask_email(email) == masked


def test_a_phone_keeps_its_country_code_and_last_three_digits() -> None:
    assert mask_phone("+447700900123") == "+44 •••• ••• 123"
    assert mask_phone("+4412") == "•••"


def test_a_name_becomes_initials() -> None:
    assert initials("Alex  de Example") == "A. D. E."


def test_the_report_view_holds_the_text_and_the_contact_masked() -> None:
    view = report_view(report_record(), OPERATOR, NOW)

    assert view.description == DESCRIPTION
    assert view.replies[0].body == REPLY_BODY
    assert view.contact is not None
    assert (view.contact.name, view.contact.email, view.contact.phone) == (
        "A. E.",
        "a•••@e•••.co.uk",
        "+44 •••• ••• 123",
    )
    assert view.contact.masked
    assert (view.contact.sms_safe, view.contact.safe_times) == (False, "after 6pm")
    dumped = view.model_dump_json()
    assert "alex@example.co.uk" not in dumped
    assert "Alex Example" not in dumped
    assert "7700900123" not in dumped


def test_the_timeline_is_in_the_order_things_happened() -> None:
    view = report_view(report_record(), SUPERVISOR, NOW)

    assert [item.event_type for item in view.timeline] == ["ReportSubmitted", "ReferenceIssued"]


def test_the_classification_carries_what_decided_it() -> None:
    view = report_view(report_record(), OPERATOR, NOW)

    assert view.classification is not None
    assert view.classification.thrive[0].model_dump() == {
        "dimension": "threat",
        "level": "low",
        "rules": ["no-ongoing-threat"],
    }
    assert view.classification.rules_fired == ["vehicle-crime"]
    assert view.classification.model_score == 0.12


def test_the_parts_shown_name_what_the_view_holds() -> None:
    assert parts_shown(report_record()) == [
        "description",
        "answers",
        "updates",
        "classification",
        "contact_masked",
        "replies_text",
        "timeline",
    ]
    anonymous = report_record(contact=None, updates=[], replies=[], answers={})
    assert parts_shown(anonymous) == ["description", "classification", "timeline"]


@pytest.mark.parametrize(
    "who", [OTHER_TEAM, VIEWER, AUDITOR], ids=["other team", "viewer", "auditor"]
)
def test_only_the_team_and_supervisors_open_a_report(who: object) -> None:
    with pytest.raises(NotPermittedError):
        report_view(report_record(), who, NOW)  # type: ignore[arg-type]
    with pytest.raises(NotPermittedError):
        contact_details(report_record(), who)  # type: ignore[arg-type]


def test_an_unrouted_report_is_for_supervisors_only() -> None:
    unrouted = report_record(classification=None)

    assert report_view(unrouted, SUPERVISOR, NOW).classification is None
    with pytest.raises(NotPermittedError):
        report_view(unrouted, OPERATOR, NOW)


def test_contact_details_in_full_when_disclosed() -> None:
    details = contact_details(report_record(), OPERATOR)

    assert details is not None
    assert not details.masked
    assert (details.name, details.email, details.phone) == (
        "Alex Example",
        "alex@example.co.uk",
        "+447700900123",
    )
    assert contact_details(report_record(contact=None), OPERATOR) is None


def _sla(**overrides: object) -> SlaRecord:
    fields: dict[str, object] = {
        "due_at": NOW + timedelta(minutes=10),
        "grade": 3,
        "warnings": [],
        "breached": False,
        "met_at": None,
        "late": None,
    }
    return SlaRecord(**(fields | overrides))  # type: ignore[arg-type]


def test_the_sla_clock_counts_down_and_names_its_state() -> None:
    assert sla_clock(_sla(), NOW).model_dump(include={"state", "remaining_seconds"}) == {
        "state": "running",
        "remaining_seconds": 600.0,
    }
    assert sla_clock(_sla(warnings=["75%"]), NOW).state == "at_risk"
    overdue = sla_clock(_sla(due_at=NOW - timedelta(minutes=1)), NOW)
    assert (overdue.state, overdue.remaining_seconds) == ("breached", -60.0)
    met = sla_clock(_sla(met_at=NOW, late=True), NOW)
    assert (met.state, met.remaining_seconds) == ("met_late", None)
    assert sla_clock(None, NOW).state == "no_clock"


def test_an_operator_sees_their_own_teams_queue_and_viewers_every_team() -> None:
    asked = QueueFilter(grades=frozenset({1}))

    assert scoped(asked, OPERATOR) == QueueFilter(
        teams=frozenset({"crime_bureau"}), grades=frozenset({1})
    )
    assert teams_in_view(VIEWER) is None
    assert teams_in_view(SUPERVISOR) is None
    assert teams_in_view(staff(Role.OPERATOR, Role.VIEWER)) is None


def _row(**overrides: object) -> QueueRow:
    record = report_record()
    fields: dict[str, object] = {
        "report_id": record.report_id,
        "reference": record.reference,
        "report_type": "crime",
        "channel": "web",
        "force_code": "LP",
        "grade": 3,
        "route": "crime_bureau",
        "received_at": NOW - timedelta(hours=1),
        "due_at": NOW + timedelta(minutes=5),
        "state": "running",
        "warnings": [],
        "open_alerts": 0,
    }
    return QueueRow(**(fields | overrides))  # type: ignore[arg-type]


def test_a_queue_item_says_whether_the_caller_may_open_it() -> None:
    row = _row()

    assert queue_item(row, OPERATOR, NOW).openable
    assert queue_item(row, OPERATOR, NOW).seconds_to_breach == 300.0
    assert not queue_item(row, VIEWER, NOW).openable
    assert not queue_item(row, OTHER_TEAM, NOW).openable


def test_compliance_counts_open_overdue_as_late() -> None:
    states = ["met", "met", "met_late", "breached", "running", "no_clock"]
    figures = compliance_of([_row(state=s) for s in states], NOW - timedelta(days=1), NOW)

    assert (figures.on_time, figures.late, figures.open_overdue, figures.open_in_time) == (
        2,
        1,
        1,
        1,
    )
    assert figures.compliance == 0.5


def test_the_board_holds_unresolved_alerts_open_first() -> None:
    open_one = report_record()
    acknowledged = report_record(
        alerts=[
            replace(open_one.alerts[0], state="acknowledged", raised_at=NOW, acknowledged_by="sam")
        ]
    )
    resolved = report_record(alerts=[replace(open_one.alerts[0], state="resolved")])

    board = board_alerts([acknowledged, resolved, open_one])

    assert [(a.state, a.report_id) for a in board] == [
        ("open", open_one.report_id),
        ("acknowledged", acknowledged.report_id),
    ]
    assert board[0].reference == open_one.reference
