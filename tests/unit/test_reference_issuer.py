"""Reference issuer: one reference per report, on the UK calendar day it was received."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from services.reference_issuer.domain import reference_day
from services.reference_issuer.handlers import ReferenceIssuer
from services.reference_issuer.routes import ROUTES
from shared import topics
from shared.references import validate_reference
from tests import factories
from tests.fakes import FrozenClock
from tests.fakes.reference_issuer import FakeReferences

LONDON = ZoneInfo("Europe/London")


def test_the_day_is_the_uk_local_date() -> None:
    just_after_midnight_bst = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)

    assert reference_day(just_after_midnight_bst, LONDON) == date(2026, 7, 1)


async def test_a_redelivered_report_keeps_its_reference_and_emits_once() -> None:
    references, clock = FakeReferences(), FrozenClock()
    submitted = factories.report_submitted()

    first = await ReferenceIssuer(references, clock, LONDON).issue_reference(submitted)
    again = await ReferenceIssuer(references, clock, LONDON).issue_reference(submitted)

    assert first == again
    assert validate_reference(first).force_code == "LP"
    assert [e.event_type for e in references.published] == ["ReferenceIssued"]


async def test_reports_of_one_day_get_consecutive_numbers() -> None:
    references, clock = FakeReferences(), FrozenClock()

    issued = [
        await ReferenceIssuer(references, clock, LONDON).issue_reference(
            factories.report_submitted()
        )
        for _ in range(3)
    ]

    assert [validate_reference(r).sequence for r in issued] == [1, 2, 3]


def test_the_issuer_reads_only_submissions_and_writes_only_references() -> None:
    assert ROUTES.topics.consumes == (topics.REPORT_SUBMITTED,)
    assert ROUTES.topics.produces == (topics.REFERENCE_ISSUED,)
