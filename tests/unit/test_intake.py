"""Intake: what a valid submission is, and what the reporter is told at once."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.intake.domain import (
    ANONYMOUS_NOTICE,
    EMERGENCY_GUIDANCE,
    REPLY_PROMISE,
    ReportSubmission,
    immediate_guidance,
)
from services.intake.handlers import submit_report
from shared.events import Channel
from tests import factories
from tests.fakes import FakeReports, FrozenClock


def _error_locations(body: dict[str, Any]) -> list[tuple[str | int, ...]]:
    with pytest.raises(ValidationError) as error:
        ReportSubmission.model_validate(body)
    return [e["loc"] for e in error.value.errors()]


def test_a_valid_submission_is_accepted() -> None:
    submission = ReportSubmission.model_validate(factories.submission_body())

    assert submission.contact is not None
    assert submission.contact.email == "alex@example.org"


def test_unknown_fields_and_types_are_refused_by_name() -> None:
    body = factories.submission_body(report_type="alien_abduction", colour="red")

    assert _error_locations(body) == [("report_type",), ("colour",)]


def test_a_preferred_channel_needs_its_address() -> None:
    body = factories.submission_body(
        contact={"name": "Alex", "preferred_channel": "sms", "email": "a@example.org"}
    )

    assert _error_locations(body) == [("contact",)]


def test_guidance_tells_of_999_for_emergencies_and_of_no_reply_when_anonymous() -> None:
    emergency = ReportSubmission.model_validate(factories.submission_body(happening_now=True))
    anonymous = ReportSubmission.model_validate(factories.submission_body(contact=None))

    assert immediate_guidance(emergency) == [EMERGENCY_GUIDANCE, REPLY_PROMISE]
    assert immediate_guidance(anonymous) == [ANONYMOUS_NOTICE]


async def test_submitting_stores_the_report_with_its_pending_event() -> None:
    reports, clock = FakeReports(), FrozenClock()
    submission = ReportSubmission.model_validate(factories.submission_body())

    submitted = await submit_report(
        submission, channel=Channel.PHONE, force_code="LP", reports=reports, clock=clock
    )

    assert reports.stored[submitted.report_id] == submitted
    assert submitted.received_at == clock.now()
    assert submitted.channel is Channel.PHONE
    assert submitted.correlation_id == submitted.event_id
    assert reports.pending[submitted.report_id] == [submitted]
