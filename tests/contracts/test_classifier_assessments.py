"""The classifier's `Assessments`: facts joined in any order and kept once each, and only
a newer assessment recorded (with its event)."""

from __future__ import annotations

import uuid

import pytest

from services.classifier.adapters import MongoAssessments
from services.classifier.domain import Assessment
from services.classifier.ports import Assessments
from shared.events import ReportClassified, ReportSubmitted, ReportUpdated
from tests import factories
from tests.contracts.conftest import Backend, Store, ids
from tests.factories import NOW
from tests.fakes.classifier import FakeAssessments

ASSESSMENT = Assessment(
    grade=3,
    route="crime_bureau",
    next_steps="crime",
    referral=None,
    flags=(),
    confidence=0.9,
    rules_version="test",
    fired=(),
    thrive={},
    suggested_type=None,
)


@pytest.fixture
def assessments(backend: Backend) -> Store[Assessments]:
    if backend.database is None:
        fake = FakeAssessments()
        return backend.of_fake(fake, fake)
    return backend.of_adapter(MongoAssessments(backend.database, backend.publisher))


def _update(submitted: ReportSubmitted, number: int) -> ReportUpdated:
    return ReportUpdated.caused_by(
        submitted,
        producer="intake",
        occurred_at=NOW,
        discriminator=str(number),
        update_number=number,
        information=f"Update {number}",
        happening_now=False,
        someone_in_danger=number == 2,
    )


def _classified(submitted: ReportSubmitted, sequence: int) -> ReportClassified:
    return factories.report_classified(
        submitted, sequence=sequence, discriminator="" if sequence == 1 else str(sequence)
    )


async def test_a_report_is_remembered_as_submitted_and_a_redelivery_changes_nothing(
    assessments: Store[Assessments],
) -> None:
    submitted = factories.report_submitted(answers={"crime_kind": "theft"})

    first = await assessments.port.remember_report(submitted)
    again = await assessments.port.remember_report(submitted)

    assert first is not None
    assert (first.report, first.updates, first.sequence) == (submitted, (), 0)
    assert again == first == await assessments.port.facts(submitted.report_id)
    assert await assessments.port.facts(uuid.uuid4()) is None


async def test_updates_join_in_any_order_once_each_and_come_back_in_number_order(
    assessments: Store[Assessments],
) -> None:
    submitted = factories.report_submitted()
    first, second = _update(submitted, 1), _update(submitted, 2)

    early = await assessments.port.remember_update(second)
    await assessments.port.remember_update(first)
    await assessments.port.remember_update(first)
    facts = await assessments.port.remember_report(submitted)

    assert early is not None
    assert (early.report, early.updates) == (None, (second,))
    assert facts is not None
    assert (facts.report, facts.updates) == (submitted, (first, second))


async def test_only_a_newer_assessment_is_recorded_each_with_its_event_once(
    assessments: Store[Assessments],
) -> None:
    submitted = factories.report_submitted()
    await assessments.port.remember_report(submitted)
    one, two, three = (_classified(submitted, n) for n in (1, 2, 3))

    for classified in (one, one, three, two, three):
        await assessments.run(assessments.port.record(submitted.report_id, ASSESSMENT, classified))
    facts = await assessments.port.facts(submitted.report_id)

    assert facts is not None
    assert facts.sequence == 3
    assert assessments.emitted() == ids(one, three)


async def test_no_assessment_is_recorded_for_a_report_never_remembered(
    assessments: Store[Assessments],
) -> None:
    submitted = factories.report_submitted()

    await assessments.run(
        assessments.port.record(submitted.report_id, ASSESSMENT, _classified(submitted, 1))
    )

    assert await assessments.port.facts(submitted.report_id) is None
    assert assessments.emitted() == []
