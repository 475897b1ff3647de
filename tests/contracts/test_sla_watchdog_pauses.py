"""The SLA watchdog's `Clocks`, on pauses and regrades: a running clock pauses once per
request and never twice at once, a resume closes that pause once in the write of the moved
target, facts read before a resume set no target, the newest regrade stands, and a close newer
than a request refuses its pause (the newest close stands)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from services.sla_watchdog.policy import Threshold
from services.sla_watchdog.ports import ClockFacts, Clocks, OpenPause, Resumption
from shared.events import CauseRef, KeptBy, ReportSubmitted, ResumedBecause, SlaResumed
from tests import factories, staff_factories
from tests.contracts.conftest import Store, ids
from tests.contracts.test_sla_watchdog_clocks import (
    MARKS,
    _started,
    _told,
    clocks,
)
from tests.factories import NOW

__all__ = ["clocks"]  # the fixture, shared with the clocks' own contract

HOUR = timedelta(hours=1)
MOVED = [Threshold(m.name, m.at + 2 * HOUR, m.breach) for m in MARKS]


def _pause(submitted: ReportSubmitted, after: timedelta = HOUR) -> OpenPause:
    asked = staff_factories.information_requested(submitted, at=NOW + after)
    return OpenPause(asked.message.request_id, NOW + after, asked.answer_by, CauseRef.of(asked))


def _resumption(pause: OpenPause, wait: timedelta = 2 * HOUR) -> Resumption:
    closed = (pause.paused_at, pause.paused_at + wait)
    resumed = SlaResumed.caused_by(
        pause.cause,
        producer="sla_watchdog",
        occurred_at=closed[1],
        resumed_at=closed[1],
        because=ResumedBecause.REPORTER_ANSWERED,
        paused_seconds=wait.total_seconds(),
        due_at=MOVED[-1].at,
    )
    return Resumption(pause.request_id, closed, resumed)


async def _read(clocks: Store[Clocks], submitted: ReportSubmitted) -> ClockFacts:
    facts = await clocks.port.facts(submitted.report_id)
    assert facts is not None
    return facts


async def test_a_running_clock_pauses_once_per_request_and_never_twice_at_once(
    clocks: Store[Clocks],
) -> None:
    submitted = factories.report_submitted()
    report_id = submitted.report_id
    await _started(clocks, submitted)
    pause, other = _pause(submitted), _pause(submitted, 2 * HOUR)
    told = staff_factories.sla_paused(staff_factories.information_requested(submitted))

    first = await clocks.run(clocks.port.pause(report_id, pause, told, 1))
    again = await clocks.run(clocks.port.pause(report_id, pause, told, 1))
    meanwhile = await clocks.run(clocks.port.pause(report_id, other, told, 2))
    facts = await _read(clocks, submitted)

    assert (first, again, meanwhile) == (True, False, False)
    assert facts.pause == pause
    assert facts.clock is not None
    assert (facts.clock.paused, facts.clock.due_thresholds(NOW + 30 * HOUR)) == (True, [])
    assert await clocks.port.running() == [(report_id, pause.resume_by)]
    assert clocks.emitted() == ids(_told(submitted, 0, MARKS), told)


async def test_a_resume_closes_its_pause_once_with_the_moved_target_in_the_same_write(
    clocks: Store[Clocks],
) -> None:
    submitted = factories.report_submitted()
    report_id = submitted.report_id
    await _started(clocks, submitted)
    pause = _pause(submitted)
    told = staff_factories.sla_paused(staff_factories.information_requested(submitted))
    await clocks.run(clocks.port.pause(report_id, pause, told, 1))
    paused = await _read(clocks, submitted)
    resumption, moved = _resumption(pause), _told(submitted, 0, MOVED, again=True)

    resumed = await clocks.run(clocks.port.set_target(report_id, paused, MOVED, moved, resumption))
    twice = await clocks.run(clocks.port.set_target(report_id, paused, MOVED, moved, resumption))
    after = await _read(clocks, submitted)
    again = await clocks.run(clocks.port.pause(report_id, pause, told, 1))  # the same request

    assert (resumed, twice, again) == (True, False, False)
    assert (after.pause, after.pauses) == (None, (resumption.pause,))
    assert after.clock is not None
    assert (after.clock.paused, after.clock.due_at) == (False, MOVED[-1].at)
    assert clocks.emitted()[-2:] == ids(resumption.resumed, moved)


async def test_facts_read_before_a_resume_set_no_target(clocks: Store[Clocks]) -> None:
    submitted = factories.report_submitted()
    report_id = submitted.report_id
    before = await _started(clocks, submitted)
    pause = _pause(submitted)
    told = staff_factories.sla_paused(staff_factories.information_requested(submitted))
    await clocks.run(clocks.port.pause(report_id, pause, told, 1))
    paused = await _read(clocks, submitted)
    await clocks.run(
        clocks.port.set_target(
            report_id, paused, MOVED, _told(submitted, 0, MOVED, True), _resumption(pause)
        )
    )
    stale = replace(before, pause=None, pauses=())

    written = await clocks.run(
        clocks.port.set_target(report_id, stale, MARKS, _told(submitted, 0, MARKS, True))
    )

    clock = await clocks.port.get(report_id)
    assert written is False
    assert clock is not None
    assert clock.due_at == MOVED[-1].at


async def test_the_newest_regrade_stands_and_the_first_stop_with_what_kept_it(
    clocks: Store[Clocks],
) -> None:
    submitted = factories.report_submitted()
    report_id = submitted.report_id
    await clocks.port.remember_start(submitted)
    await clocks.port.remember_grade(factories.report_classified(submitted, grade=3))
    newest = staff_factories.report_regraded(submitted, 4, grade=1, route="public_protection")

    await clocks.port.remember_regrade(newest)
    await clocks.port.remember_regrade(staff_factories.report_regraded(submitted, 2, grade=4))
    await clocks.port.remember_reply(report_id, NOW + HOUR, KeptBy.CONTACT_RECORDED)
    facts = await clocks.port.remember_reply(report_id, NOW + 2 * HOUR, KeptBy.STAFF_REPLY)

    assert facts is not None
    assert facts.override is not None
    assert (facts.override.grade, facts.override.action_number) == (1, 4)
    assert (facts.target_version, facts.handled_grade, facts.handled_route) == (
        5,
        1,
        "public_protection",
    )
    assert (facts.replied_at, facts.kept_by) == (NOW + HOUR, KeptBy.CONTACT_RECORDED)
    assert facts.graded_at == NOW


async def test_the_newest_update_stands(clocks: Store[Clocks]) -> None:
    submitted = factories.report_submitted()
    newest = factories.report_updated(submitted, 3)

    await clocks.port.remember_update(newest)
    facts = await clocks.port.remember_update(factories.report_updated(submitted, 2))

    assert facts is not None
    assert facts.updated_at == newest.occurred_at


async def test_a_close_newer_than_the_request_refuses_its_pause_and_the_newest_close_stands(
    clocks: Store[Clocks],
) -> None:
    submitted = factories.report_submitted()
    report_id = submitted.report_id
    await _started(clocks, submitted)
    told = staff_factories.sla_paused(staff_factories.information_requested(submitted))

    newest = await clocks.port.remember_close(report_id, 3)
    older = await clocks.port.remember_close(report_id, 2)  # learnt late: 3 stands
    ended = await clocks.run(clocks.port.pause(report_id, _pause(submitted), told, 2))
    asked_again = _pause(submitted, 2 * HOUR)
    later = await clocks.run(clocks.port.pause(report_id, asked_again, told, 4))

    assert newest is not None
    assert older is not None
    assert (newest.closed_action, older.closed_action) == (3, 3)
    assert (ended, later) == (False, True)
    assert (await _read(clocks, submitted)).pause == asked_again
