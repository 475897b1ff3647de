"""The console's `AccessLog`: each entry stored once with its one `AccessRecorded` event,
read back as recorded, newest first, narrowed by user, report and action."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from services.console.audit import AccessAction, AccessEntry
from services.console.audit_store import MongoAccessLog
from services.console.audit_trail import access_recorded
from services.console.ports import AccessLog
from tests.contracts.conftest import Backend, Store, ids
from tests.factories import NOW
from tests.fakes.console import FakeAccessLog

OPERATOR = ("kc-operator-1", "o.jones", ["operator"])
SUPERVISOR = ("kc-supervisor-1", "s.patel", ["supervisor"])


@pytest.fixture
async def access_log(backend: Backend) -> Store[AccessLog]:
    if backend.database is None:
        fake = FakeAccessLog()
        return backend.of_fake(fake, fake)
    adapter = MongoAccessLog(backend.database, backend.publisher)
    await adapter.create_indexes()
    return backend.of_adapter(adapter)


def entry(
    action: AccessAction,
    who: tuple[str, str, list[str]] | None = OPERATOR,
    report_id: uuid.UUID | None = None,
    minutes: int = 0,
    **fields: object,
) -> AccessEntry:
    user_id, username, roles = who or (None, None, [])
    return AccessEntry(
        entry_id=uuid.uuid4(),
        at=NOW + timedelta(minutes=minutes, microseconds=123),  # kept to the millisecond
        action=action,
        user_id=user_id,
        username=username,
        roles=roles,
        report_id=report_id,
        **fields,  # type: ignore[arg-type]
    )


async def test_an_entry_is_recorded_once_with_its_one_event(
    access_log: Store[AccessLog],
) -> None:
    report_id = uuid.uuid4()
    viewed = entry(
        AccessAction.VIEW_REPORT,
        report_id=report_id,
        reference="LP-20261130-000001-7",
        shown=["description", "answers", "contact"],
    )

    await access_log.run(access_log.port.record(viewed))
    await access_log.run(access_log.port.record(viewed))

    (stored,) = await access_log.port.entries(None, None, 10)
    assert stored.entry_id == viewed.entry_id
    assert stored.at == NOW  # microseconds dropped, as Mongo keeps time
    assert (stored.reference, stored.shown) == (viewed.reference, viewed.shown)
    assert access_log.emitted() == ids(access_recorded(stored))


async def test_entries_come_newest_first_narrowed_by_user_report_and_action(
    access_log: Store[AccessLog],
) -> None:
    report_a, report_b = uuid.uuid4(), uuid.uuid4()
    signed_in = entry(AccessAction.SIGN_IN, minutes=0)
    viewed_a = entry(AccessAction.VIEW_REPORT, report_id=report_a, minutes=1)
    searched = entry(
        AccessAction.SEARCH_CONTACT, SUPERVISOR, minutes=2, matches=2, query_digest="ab12"
    )
    viewed_b = entry(AccessAction.VIEW_REPORT, SUPERVISOR, report_id=report_b, minutes=3)
    exported = entry(AccessAction.EXPORT, SUPERVISOR, report_id=report_a, minutes=4)
    failed = entry(AccessAction.SIGN_IN_FAILED, None, minutes=5, detail="state_mismatch")
    for each in (signed_in, viewed_a, searched, viewed_b, exported, failed):
        await access_log.run(access_log.port.record(each))

    def listed(found: list[AccessEntry]) -> list[uuid.UUID]:
        return [each.entry_id for each in found]

    everything = await access_log.port.entries(None, None, 100)
    by_operator = await access_log.port.entries("kc-operator-1", None, 100)
    about_a = await access_log.port.entries(None, report_a, 100)
    supervisor_on_a = await access_log.port.entries("kc-supervisor-1", report_a, 100)
    views = await access_log.port.entries(None, None, 100, action=AccessAction.VIEW_REPORT)
    newest_two = await access_log.port.entries(None, None, 2)

    order = [failed, exported, viewed_b, searched, viewed_a, signed_in]
    assert listed(everything) == [each.entry_id for each in order]
    assert listed(by_operator) == [viewed_a.entry_id, signed_in.entry_id]
    assert listed(about_a) == [exported.entry_id, viewed_a.entry_id]
    assert listed(supervisor_on_a) == [exported.entry_id]
    assert listed(views) == [viewed_b.entry_id, viewed_a.entry_id]
    assert listed(newest_two) == [failed.entry_id, exported.entry_id]
    assert everything[0].user_id is None
    assert everything[0].detail == "state_mismatch"
    assert everything[3].query_digest == "ab12"
    assert everything[3].matches == 2
    assert len(access_log.emitted()) == len(order)


async def test_nothing_is_listed_for_a_user_or_report_with_no_entries(
    access_log: Store[AccessLog],
) -> None:
    await access_log.run(access_log.port.record(entry(AccessAction.SIGN_IN)))

    assert await access_log.port.entries("kc-nobody", None, 10) == []
    assert await access_log.port.entries(None, uuid.uuid4(), 10) == []
    assert await access_log.port.entries(None, None, 0) == []


async def test_the_entries_about_a_report_include_the_searches_that_found_it(
    access_log: Store[AccessLog],
) -> None:
    report_a, report_b = uuid.uuid4(), uuid.uuid4()
    viewed_a = entry(AccessAction.VIEW_REPORT, report_id=report_a, minutes=0)
    found_both = entry(
        AccessAction.SEARCH_CONTACT,
        SUPERVISOR,
        minutes=1,
        matches=2,
        query_digest="cd34",
        report_ids=[report_b, report_a],
    )
    found_b = entry(
        AccessAction.SEARCH_REFERENCE, report_id=report_b, minutes=2, report_ids=[report_b]
    )
    for each in (viewed_a, found_both, found_b):
        await access_log.run(access_log.port.record(each))

    about_a = await access_log.port.entries(None, report_a, 100)
    about_b = await access_log.port.entries(None, report_b, 100)
    supervisor_on_a = await access_log.port.entries("kc-supervisor-1", report_a, 100)

    assert [each.entry_id for each in about_a] == [found_both.entry_id, viewed_a.entry_id]
    assert [each.entry_id for each in about_b] == [found_b.entry_id, found_both.entry_id]
    assert [each.entry_id for each in supervisor_on_a] == [found_both.entry_id]
    assert about_a[0].report_ids == [report_b, report_a]
    assert about_a[1].report_ids == []
    recorded = (viewed_a, found_both, found_b)
    assert access_log.emitted() == ids(*(access_recorded(each) for each in recorded))
