"""The console's `StaffActionStore` and `StaffDirectory`: a command is kept once, as the
report's next action number, with its one event (the outbox's); an append at a count that
moved on, or of a command already there, writes nothing; the directory answers who works
in a team."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from services.console.ports import (
    ActionAnswer,
    StaffActionStore,
    StaffDirectory,
    StaffMember,
    StoredCommand,
)
from services.console.staff_store import MongoStaffActionStore, MongoStaffDirectory
from tests import factories, staff_factories
from tests.contracts.conftest import Backend, Store
from tests.factories import NOW
from tests.fakes.console_staff import FakeStaffActionStore, FakeStaffDirectory


@pytest.fixture
async def store(backend: Backend) -> Store[StaffActionStore]:
    if backend.database is None:
        fake = FakeStaffActionStore()
        return backend.of_fake(fake, fake)
    return backend.of_adapter(MongoStaffActionStore(backend.database, backend.publisher))


@pytest.fixture
async def directory(backend: Backend) -> StaffDirectory:
    if backend.database is None:
        return FakeStaffDirectory()
    adapter = MongoStaffDirectory(backend.database)
    await adapter.create_indexes()
    return adapter


def _command(report_id: uuid.UUID, number: int, digest: str = "d") -> StoredCommand:
    event = staff_factories.note_added(factories.report_submitted(report_id=report_id), number)
    answer = ActionAnswer(event.event_id, event.event_type, number, "open")
    return StoredCommand(event, digest, answer)


async def test_commands_are_kept_in_order_each_with_its_one_event(
    store: Store[StaffActionStore],
) -> None:
    report_id = uuid.uuid4()
    first, second = _command(report_id, 1, "first"), _command(report_id, 2, "second")

    assert await store.run(store.port.append(report_id, 0, first))
    assert await store.run(store.port.append(report_id, 1, second))

    kept = await store.port.load(report_id)
    assert kept.count == 2
    assert kept.commands[first.event.event_id] == first
    assert kept.commands[second.event.event_id].request_digest == "second"
    assert store.emitted() == [str(first.event.event_id), str(second.event.event_id)]


async def test_a_stale_count_or_a_repeat_writes_nothing(store: Store[StaffActionStore]) -> None:
    report_id = uuid.uuid4()
    first, rival = _command(report_id, 1), _command(report_id, 1)
    assert await store.run(store.port.append(report_id, 0, first))

    assert not await store.run(store.port.append(report_id, 0, rival))  # number 1 is taken
    assert not await store.run(store.port.append(report_id, 1, first))  # already there
    later = _command(report_id, 2)
    assert not await store.run(store.port.append(report_id, 5, later))  # a count never read

    kept = await store.port.load(report_id)
    assert (kept.count, list(kept.commands)) == (1, [first.event.event_id])
    assert store.emitted() == [str(first.event.event_id)]


async def test_a_report_with_no_command_has_an_empty_log(store: Store[StaffActionStore]) -> None:
    kept = await store.port.load(uuid.uuid4())
    assert (kept.count, dict(kept.commands)) == (0, {})


async def test_the_directory_answers_who_works_in_a_team(directory: StaffDirectory) -> None:
    seen = NOW.replace(microsecond=0)
    members = [
        StaffMember("u-b", "bea", ("operator",), ("crime_bureau",), seen),
        StaffMember("u-a", "ann", ("operator",), ("road_policing",), seen),
        StaffMember("u-s", "sam", ("supervisor",), (), seen),
        StaffMember("u-v", "vic", ("viewer",), ("crime_bureau",), seen),
    ]
    for member in members:
        await directory.remember(member)
    again = StaffMember("u-b", "bea", ("operator",), ("crime_bureau",), seen + timedelta(hours=1))
    await directory.remember(again)

    crime = await directory.of_team("crime_bureau")
    everyone = await directory.of_team(None)

    assert [m.user_id for m in crime] == ["u-b", "u-s"]
    assert [m.user_id for m in everyone] == ["u-a", "u-b", "u-s"]
    assert await directory.member("u-b") == again
    assert await directory.member("nobody") is None
