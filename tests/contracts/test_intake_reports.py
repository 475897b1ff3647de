"""Intake's `Reports` and `UpdateLog`: a report is stored once with its event, the first
reference and reply stand, and updates are numbered once each."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from services.intake.adapters import MongoReports
from services.intake.ports import (
    IdempotencyConflictError,
    ReportExistsError,
    ReportNotFoundError,
    Reports,
    StaffStanding,
    StandingKind,
    UpdateLog,
)
from shared.events import NoFurtherActionReason, Outcome, ReportSubmitted, ReportUpdated
from tests import factories
from tests.contracts.conftest import Backend, Store, ids
from tests.factories import NOW
from tests.fakes.intake import FakeReports

REFERENCE = "LP-20261201-000001-7"


def _intake(backend: Backend) -> tuple[Store[Reports], Store[UpdateLog]]:
    """The same store seen through both of its ports."""
    if backend.database is None:
        fake = FakeReports()
        return backend.of_fake(fake, fake), backend.of_fake(fake, fake)
    adapter = MongoReports(backend.database, backend.publisher)
    return backend.of_adapter(adapter), backend.of_adapter(adapter)


@pytest.fixture
def reports(backend: Backend) -> Store[Reports]:
    return _intake(backend)[0]


@pytest.fixture
def intake(backend: Backend) -> tuple[Store[Reports], Store[UpdateLog]]:
    return _intake(backend)


def _updated(submitted: ReportSubmitted, information: str) -> Callable[[int], ReportUpdated]:
    def event_for(number: int) -> ReportUpdated:
        return ReportUpdated.caused_by(
            submitted,
            producer="intake",
            occurred_at=NOW,
            discriminator=str(number),
            update_number=number,
            information=information,
            happening_now=False,
            someone_in_danger=False,
        )

    return event_for


async def test_a_report_is_stored_with_its_event_and_read_back_as_submitted(
    reports: Store[Reports],
) -> None:
    submitted = factories.report_submitted(
        answers={"crime_kind": "theft", "value_gbp": 120.5}, answers_version="1"
    )

    await reports.run(reports.port.add(submitted, "fingerprint-1", "key-a"))
    stored = await reports.port.get(submitted.report_id)

    assert stored is not None
    assert stored.submitted == submitted
    assert (stored.fingerprint, stored.key_id, stored.status) == (
        "fingerprint-1",
        "key-a",
        "received",
    )
    assert reports.emitted() == ids(submitted)
    assert await reports.port.get(uuid.uuid4()) is None


async def test_a_second_add_of_a_report_reports_the_first_and_stores_nothing(
    reports: Store[Reports],
) -> None:
    submitted = factories.report_submitted()
    await reports.run(reports.port.add(submitted, "fingerprint-1"))
    again = factories.report_submitted(report_id=submitted.report_id, description="Another")

    with pytest.raises(ReportExistsError) as exists:
        await reports.run(reports.port.add(again, "fingerprint-2"))

    assert exists.value.existing.submitted == submitted
    assert exists.value.existing.fingerprint == "fingerprint-1"
    assert reports.emitted() == ids(submitted)


async def test_the_first_reference_and_the_first_reply_stand(reports: Store[Reports]) -> None:
    submitted = factories.report_submitted()
    await reports.run(reports.port.add(submitted, "fingerprint"))

    first = await reports.port.record_reference(submitted.report_id, REFERENCE)
    second = await reports.port.record_reference(submitted.report_id, "LP-20261201-000002-9")
    await reports.port.record_reply(submitted.report_id, NOW)
    await reports.port.record_reply(submitted.report_id, NOW + timedelta(hours=1))
    stored = await reports.port.get(submitted.report_id)

    assert (first, second) == (REFERENCE, REFERENCE)
    assert stored is not None
    assert (stored.reference, stored.replied_at, stored.status) == (REFERENCE, NOW, "replied")


async def test_facts_about_an_unknown_report_create_nothing(reports: Store[Reports]) -> None:
    report_id = uuid.uuid4()

    kept = await reports.port.record_reference(report_id, REFERENCE)
    await reports.port.record_reply(report_id, NOW)

    assert kept is None
    assert await reports.port.get(report_id) is None


async def test_updates_are_numbered_in_turn_each_with_its_event(
    intake: tuple[Store[Reports], Store[UpdateLog]],
) -> None:
    reports, updates = intake
    submitted = factories.report_submitted()
    await reports.run(reports.port.add(submitted, "fingerprint"))
    event_for = _updated(submitted, "More")

    first = await updates.run(updates.port.append(submitted.report_id, event_for, None, "a"))
    second = await updates.run(updates.port.append(submitted.report_id, event_for, None, "a"))

    assert (first.update_number, first.repeated) == (1, False)
    assert (second.update_number, second.repeated) == (2, False)
    assert updates.emitted() == ids(submitted, event_for(1), event_for(2))
    assert await updates.port.report(submitted.report_id) == await reports.port.get(
        submitted.report_id
    )


async def test_an_idempotency_key_adds_one_update_and_refuses_another_body(
    intake: tuple[Store[Reports], Store[UpdateLog]],
) -> None:
    reports, updates = intake
    submitted = factories.report_submitted()
    await reports.run(reports.port.add(submitted, "fingerprint"))
    event_for = _updated(submitted, "More")

    first = await updates.run(updates.port.append(submitted.report_id, event_for, "k", "a"))
    again = await updates.run(updates.port.append(submitted.report_id, event_for, "k", "a"))
    with pytest.raises(IdempotencyConflictError):
        await updates.run(updates.port.append(submitted.report_id, event_for, "k", "b"))

    assert (first.update_number, first.repeated) == (1, False)
    assert (again.update_number, again.repeated) == (1, True)
    assert updates.emitted() == ids(submitted, event_for(1))


async def test_updates_racing_get_distinct_numbers(
    intake: tuple[Store[Reports], Store[UpdateLog]],
) -> None:
    reports, updates = intake
    submitted = factories.report_submitted()
    await reports.run(reports.port.add(submitted, "fingerprint"))
    event_for = _updated(submitted, "More")

    added = await asyncio.gather(
        *(
            updates.run(updates.port.append(submitted.report_id, event_for, None, "a"))
            for _ in range(3)
        )
    )

    assert sorted(a.update_number for a in added) == [1, 2, 3]
    assert sorted(updates.emitted()) == sorted(ids(submitted, *(event_for(n) for n in (1, 2, 3))))


async def test_no_update_to_an_unknown_report(
    intake: tuple[Store[Reports], Store[UpdateLog]],
) -> None:
    _, updates = intake
    report_id = uuid.uuid4()

    with pytest.raises(ReportNotFoundError):
        await updates.run(
            updates.port.append(report_id, _updated(factories.report_submitted(), "x"), None, "a")
        )

    assert await updates.port.report(report_id) is None
    assert updates.emitted() == []


def _standing(kind: StandingKind, number: int, **facts: Any) -> StaffStanding:
    return StaffStanding(
        kind=kind, action_number=number, at=NOW + timedelta(minutes=number), **facts
    )


async def test_the_newest_staff_action_stands_and_neutral_wording_stays_once_set(
    reports: Store[Reports],
) -> None:
    submitted = factories.report_submitted()
    await reports.run(reports.port.add(submitted, "fingerprint"))
    closed = _standing(
        "closed", 2, outcome=Outcome.NO_FURTHER_ACTION, reason_code=NoFurtherActionReason.NO_CRIME
    )
    asked = _standing("information_requested", 1, question="Which way?", answer_by=NOW)

    await reports.port.record_standing(submitted.report_id, closed, neutral=False)
    await reports.port.record_standing(submitted.report_id, asked, neutral=True)  # late, older
    after_late = await reports.port.get(submitted.report_id)
    await reports.port.record_standing(submitted.report_id, _standing("reopened", 3), neutral=False)
    await reports.port.record_standing(submitted.report_id, closed, neutral=False)  # again
    after_reopening = await reports.port.get(submitted.report_id)

    assert after_late is not None
    assert (after_late.standing, after_late.neutral_wording) == (closed, True)
    assert after_reopening is not None
    assert after_reopening.standing == _standing("reopened", 3)
    assert after_reopening.neutral_wording is True
    assert reports.emitted() == ids(submitted)


async def test_a_staff_action_on_an_unknown_report_creates_nothing(
    reports: Store[Reports],
) -> None:
    report_id = uuid.uuid4()

    await reports.port.record_standing(report_id, _standing("reopened", 1), neutral=True)

    assert await reports.port.get(report_id) is None


async def test_an_update_keeps_when_information_was_last_added(
    intake: tuple[Store[Reports], Store[UpdateLog]],
) -> None:
    reports, updates = intake
    submitted = factories.report_submitted()
    await reports.run(reports.port.add(submitted, "fingerprint"))
    before = await reports.port.get(submitted.report_id)

    await updates.run(updates.port.append(submitted.report_id, _updated(submitted, "x"), None, "a"))
    after = await reports.port.get(submitted.report_id)

    assert before is not None
    assert before.last_update_at is None
    assert after is not None
    assert after.last_update_at == NOW
