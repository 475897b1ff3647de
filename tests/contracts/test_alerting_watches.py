"""Alerting's `Watches` and `Notices`: the earliest risk stands, the newest assignment and
route by `action_number` stand whatever the order, a close and the alerts raised are
remembered, closed while the newest close is newer than the newest reopening, only
watches still waiting are listed; each notice page claimed by one sender,
released for a retry, and finished once."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from services.alerting.ports import Assignment, Claim, Notices, Watches
from services.alerting.staff_store import MongoNotices, MongoWatches
from shared.events import CauseRef
from tests import factories
from tests.contracts.conftest import Backend
from tests.factories import NOW
from tests.fakes.alerting import FakeNotices, FakeWatches


@pytest.fixture
def watches(backend: Backend) -> Watches:
    return FakeWatches() if backend.database is None else MongoWatches(backend.database)


@pytest.fixture
def notices(backend: Backend) -> Notices:
    if backend.database is None:
        return FakeNotices()
    return MongoNotices(backend.database, lease_s=60)


def _cause() -> CauseRef:
    return CauseRef.of(factories.report_submitted())


async def test_the_earliest_risk_stands(watches: Watches) -> None:
    report_id, first, later = uuid.uuid4(), _cause(), _cause()
    await watches.at_risk(report_id, NOW + timedelta(hours=1), 2, "crime_bureau", later)
    await watches.at_risk(report_id, NOW, 1, "control_room", first)
    stands = await watches.at_risk(report_id, NOW + timedelta(hours=2), 3, "x", later)

    assert (stands.at_risk_at, stands.at_risk_grade, stands.at_risk_route) == (
        NOW,
        1,
        "control_room",
    )
    assert stands.at_risk_cause == first
    assert await watches.watch(report_id) == stands
    assert await watches.watch(uuid.uuid4()) is None


async def test_the_newest_assignment_and_route_stand_whatever_the_order(
    watches: Watches,
) -> None:
    report_id, handback = uuid.uuid4(), _cause()
    later = NOW + timedelta(minutes=5)
    await watches.assigned(report_id, Assignment(3, None, "crime_bureau", later, handback))
    stale = await watches.assigned(report_id, Assignment(1, "a.patel", "old_team", NOW, _cause()))
    await watches.regraded(report_id, 2, 2, "road_policing")  # older than the assignment
    regraded = await watches.regraded(report_id, 4, 1, "control_room")

    assert (stale.assignment, stale.assignee, stale.team) == (3, None, "crime_bureau")
    assert (stale.unclaimed_since, stale.unclaimed_cause) == (later, handback)
    assert (regraded.team, regraded.regraded_grade, regraded.assignment) == ("control_room", 1, 3)
    claimed = await watches.assigned(report_id, Assignment(5, "a.patel", "x", later, _cause()))
    assert (claimed.assignee, claimed.unclaimed_since, claimed.team) == ("a.patel", None, "x")


async def test_only_open_unclaimed_watches_at_risk_are_waiting(watches: Watches) -> None:
    waiting, claimed, closed, calm = (uuid.uuid4() for _ in range(4))
    for report_id in (waiting, claimed, closed):
        await watches.at_risk(report_id, NOW, 1, "crime_bureau", _cause())
    await watches.assigned(claimed, Assignment(1, "a.patel", "crime_bureau", NOW, _cause()))
    await watches.assigned(calm, Assignment(1, None, "crime_bureau", NOW, _cause()))
    await watches.closed(closed, 2)
    await watches.alerted_after(waiting, 0)
    await watches.alerted_after(waiting, 0)

    listed = {w.report_id: w for w in await watches.waiting()}

    assert waiting in listed
    assert {claimed, closed, calm} & set(listed) == set()
    assert listed[waiting].raised_after == frozenset({0})
    stored = await watches.watch(closed)
    assert stored is not None
    assert stored.closed


async def test_closed_is_the_newest_close_newer_than_the_newest_reopening(
    watches: Watches,
) -> None:
    report_id = uuid.uuid4()
    await watches.at_risk(report_id, NOW, 1, "crime_bureau", _cause())
    reopened = await watches.reopened(report_id, 3)
    stale = await watches.closed(report_id, 2)  # older than the reopening, learnt after it
    again = await watches.reopened(report_id, 3)
    older = await watches.reopened(report_id, 1)
    listed = {w.report_id for w in await watches.waiting()}
    closed = await watches.closed(report_id, 4)

    assert [w.closed for w in (reopened, stale, again, older)] == [False] * 4
    assert (older.close_action, older.reopen_action) == (2, 3)
    assert report_id in listed  # reopened: waiting again
    assert (closed.closed, closed.close_action) == (True, 4)
    assert report_id not in {w.report_id for w in await watches.waiting()}


async def test_a_notice_page_is_claimed_once_released_for_a_retry_and_finished_once(
    notices: Notices,
) -> None:
    notice_id = uuid.uuid4()
    assert await notices.claim(notice_id, "assignee-email", NOW) is Claim.CLAIMED
    assert await notices.claim(notice_id, "assignee-email", NOW) is Claim.HELD
    assert await notices.claim(notice_id, "assignee-sms", NOW) is Claim.CLAIMED
    await notices.release(notice_id, "assignee-email")
    assert await notices.claim(notice_id, "assignee-email", NOW) is Claim.CLAIMED
    await notices.finish(notice_id, "assignee-email", "sent")
    await notices.release(notice_id, "assignee-email")  # finished: a stale release is ignored

    assert await notices.claim(notice_id, "assignee-email", NOW) is Claim.FINISHED
    assert await notices.claim(uuid.uuid4(), "assignee-email", NOW) is Claim.CLAIMED
