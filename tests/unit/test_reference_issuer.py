"""Reference issuer: one reference per report, on the UK calendar day it was received."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from services.reference_issuer.domain import reference_day
from services.reference_issuer.handlers import ReferenceIssuer
from shared.references import InvalidReferenceError, validate_reference
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


async def test_a_reference_is_looked_up_as_typed_and_shows_the_reply() -> None:
    references, clock = FakeReferences(), FrozenClock()
    submitted = factories.report_submitted()
    reference = await ReferenceIssuer(references, clock, LONDON).issue_reference(submitted)

    before = await ReferenceIssuer(references, clock, LONDON).look_up(f" {reference.lower()} ")
    await ReferenceIssuer(references, clock, LONDON).learn_delivery(
        factories.reply_delivered(submitted)
    )
    after = await ReferenceIssuer(references, clock, LONDON).look_up(reference)

    assert before is not None
    assert before.status == "reference_issued"
    assert after is not None
    assert after.status == "replied"
    assert after.report_id == submitted.report_id


async def test_a_mistyped_reference_says_why() -> None:
    with pytest.raises(InvalidReferenceError, match="check character"):
        await ReferenceIssuer(FakeReferences(), FrozenClock(), LONDON).look_up(
            "LP-20261130-000001-Z"
        )
