"""The staff events of the contract: ids that a retried request repeats, outcomes that
carry their details, and a topic for every event type."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from shared.events import (
    CONTRACT,
    ContactMethod,
    Outcome,
    ReportClosed,
    effective_grade,
    safe_channels,
    staff_event_id,
)
from shared.topics import TOPIC_BY_EVENT_TYPE
from tests import factories, staff_factories


def test_every_event_type_of_the_contract_has_its_topic() -> None:
    assert {kind.EVENT_TYPE for kind in CONTRACT} == set(TOPIC_BY_EVENT_TYPE)


def test_a_retried_request_makes_the_very_same_event() -> None:
    submitted = factories.report_submitted()
    first = staff_factories.note_added(submitted, key="key-1")
    again = staff_factories.note_added(submitted, key="key-1")
    other = staff_factories.note_added(submitted, key="key-2")

    assert first.event_id == again.event_id != other.event_id
    assert first.event_id == staff_event_id(
        submitted.report_id, "NoteAdded", "sub-operator", "key-1"
    )


def test_the_same_key_of_another_person_makes_another_event() -> None:
    submitted = factories.report_submitted()
    by_operator = staff_factories.note_added(submitted, key="key-1")
    by_supervisor = staff_factories.note_added(
        submitted, key="key-1", actor=staff_factories.SUPERVISOR
    )

    assert by_operator.event_id != by_supervisor.event_id


@pytest.mark.parametrize(
    ("outcome", "missing"),
    [
        (Outcome.CRIME_RECORDED, "crime_reference"),
        (Outcome.NO_FURTHER_ACTION, "reason_code"),
        (Outcome.REFERRED, "agency"),
        (Outcome.DUPLICATE, "duplicate_of"),
    ],
)
def test_an_outcome_without_its_detail_is_refused(outcome: Outcome, missing: str) -> None:
    submitted = factories.report_submitted()
    with pytest.raises(ValidationError, match=missing):
        staff_factories.report_closed(submitted, outcome=outcome, crime_reference=None)


def test_information_only_needs_no_detail() -> None:
    closed = staff_factories.report_closed(
        factories.report_submitted(), outcome=Outcome.INFORMATION_ONLY, crime_reference=None
    )

    assert isinstance(closed, ReportClosed)
    assert closed.actor.role == "operator"


LATER = factories.NOW + timedelta(hours=1)


@pytest.mark.parametrize(
    ("assessed", "override", "expected"),
    [
        (None, None, None),
        ((3, factories.NOW), None, 3),
        ((3, factories.NOW), (2, LATER), 2),  # the override holds
        ((2, factories.NOW), (4, LATER), 4),  # even when it is less urgent
        ((1, LATER), (3, factories.NOW), 1),  # a later, more urgent assessment wins
        ((4, LATER), (2, factories.NOW), 2),  # a later, less urgent one does not
    ],
)
def test_the_grade_handled_is_the_override_unless_a_later_assessment_is_more_urgent(
    assessed: tuple[int, datetime] | None,
    override: tuple[int, datetime] | None,
    expected: int | None,
) -> None:
    assert effective_grade(assessed, override) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, [ContactMethod.EMAIL, ContactMethod.SMS]),
        ({"preferred_channel": ContactMethod.SMS}, [ContactMethod.SMS, ContactMethod.EMAIL]),
        ({"email_safe": False}, [ContactMethod.SMS]),
        ({"phone": None, "email_safe": False}, []),
    ],
)
def test_safe_channels_put_the_preferred_first_and_never_an_unsafe_one(
    fields: dict[str, Any], expected: list[ContactMethod]
) -> None:
    assert safe_channels(factories.contact(**fields)) == expected
