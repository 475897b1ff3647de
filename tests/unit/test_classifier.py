"""Classifier: the first rules table, and classify_report's idempotence."""

from __future__ import annotations

import pytest

from services.classifier.domain import assess
from services.classifier.handlers import classify_report
from shared.events import ReportType
from tests import factories
from tests.fakes import FakeAssessments, FrozenClock


@pytest.mark.parametrize(
    ("report_type", "grade", "route"),
    [
        (ReportType.CRIME, 3, "crime_bureau"),
        (ReportType.MISSING_PERSON, 1, "missing_persons"),
        (ReportType.FRAUD, 4, "crime_bureau"),
        (ReportType.LOST_OR_FOUND_PROPERTY, 4, "lost_property"),
        (ReportType.FEEDBACK, 4, "professional_standards"),
    ],
)
def test_the_declared_type_sets_grade_and_route(
    report_type: ReportType, grade: int, route: str
) -> None:
    assessment = assess(factories.report_submitted(report_type=report_type))

    assert (assessment.grade, assessment.route) == (grade, route)


def test_fraud_is_referred_to_report_fraud() -> None:
    assessment = assess(factories.report_submitted(report_type=ReportType.FRAUD))

    assert assessment.referral == "Report Fraud"


@pytest.mark.parametrize("flag", ["happening_now", "someone_in_danger"])
def test_a_possible_emergency_is_grade_1_with_call_999_next_steps(flag: str) -> None:
    assessment = assess(factories.report_submitted(report_type=ReportType.FEEDBACK, **{flag: True}))

    assert assessment.grade == 1
    assert "possible_emergency" in assessment.flags
    assert assessment.next_steps == "call_999"
    assert "reporter:emergency" in assessment.fired


def test_an_injury_raises_a_collision_to_grade_2() -> None:
    report = factories.report_submitted(
        report_type=ReportType.ROAD_TRAFFIC_COLLISION, answers={"injuries": "yes"}
    )

    assessment = assess(report)

    assert assessment.grade == 2
    assert "injury" in assessment.flags


def test_a_no_answer_does_not_raise_the_grade() -> None:
    report = factories.report_submitted(
        report_type=ReportType.ROAD_TRAFFIC_COLLISION, answers={"injuries": "no"}
    )

    assert assess(report).grade == 3


async def test_classifying_twice_records_and_emits_once() -> None:
    assessments, clock = FakeAssessments(), FrozenClock()
    submitted = factories.report_submitted(report_type=ReportType.MISSING_PERSON)

    first = await classify_report(submitted, assessments=assessments, clock=clock)
    again = await classify_report(submitted, assessments=assessments, clock=clock)

    assert first.event_id == again.event_id
    assert [e.event_type for e in assessments.published] == ["ReportClassified"]
    assert assessments.recorded[submitted.report_id].grade == 1
