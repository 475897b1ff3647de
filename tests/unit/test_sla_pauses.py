"""The reply clock waits on the reporter: paused by a request for information, resumed by
their answer, by `answer_by`, by the report's closing or by a stop, its target moved on by
the pause and told again; no threshold announced while paused; repeats change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TypeVar

from services.sla_watchdog.handlers import Watchdog
from services.sla_watchdog.policy import Policy
from shared.events import (
    Event,
    InformationRequested,
    KeptBy,
    ReportSubmitted,
    ReportUpdated,
    ResumedBecause,
    SlaAtRisk,
    SlaBreached,
    SlaMet,
    SlaPaused,
    SlaResumed,
    SlaTargetSet,
)
from tests import factories, staff_factories
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.sla_watchdog import FakeClocks

E = TypeVar("E", bound=Event)
HOUR = timedelta(hours=1)


def _watchdog(policy: Policy | None = None) -> tuple[Watchdog, FakeClocks, FrozenClock]:
    clocks, time = FakeClocks(), FrozenClock(NOW)
    return Watchdog(clocks, policy or Policy(), time), clocks, time


def _told(clocks: FakeClocks, kind: type[E]) -> list[E]:
    return [event for event in clocks.published if isinstance(event, kind)]


def _asked(submitted: ReportSubmitted, at: datetime, wait: timedelta) -> InformationRequested:
    return staff_factories.information_requested(submitted, at=at, answer_by=at + wait)


def _answered(submitted: ReportSubmitted, at: datetime, number: int = 1) -> ReportUpdated:
    return factories.report_updated(submitted, number).model_copy(update={"occurred_at": at})


async def _paused(
    watchdog: Watchdog, time: FrozenClock, submitted: ReportSubmitted, after: timedelta
) -> InformationRequested:
    """A clock started at NOW and paused `after` it, with five days to answer."""
    await watchdog.start_clock(submitted)
    time.advance(after - (time.now() - NOW))
    asked = _asked(submitted, time.now(), timedelta(days=5))
    await watchdog.pause_clock(asked)
    return asked


async def test_an_answer_resumes_the_clock_once_and_moves_its_target_on_by_the_pause() -> None:
    watchdog, clocks, time = _watchdog()
    submitted = factories.report_submitted()
    asked = await _paused(watchdog, time, submitted, 2 * HOUR)
    answer = _answered(submitted, NOW + 5 * HOUR)
    time.advance(3 * HOUR)

    await watchdog.resume_on_update(answer)
    await watchdog.resume_on_update(answer)  # redelivered

    (paused,) = _told(clocks, SlaPaused)
    assert (paused.paused_at, paused.resume_by) == (NOW + 2 * HOUR, asked.answer_by)
    assert paused.request_id == asked.message.request_id
    (resumed,) = _told(clocks, SlaResumed)
    assert resumed.because is ResumedBecause.REPORTER_ANSWERED
    assert (resumed.resumed_at, resumed.paused_seconds) == (NOW + 5 * HOUR, 3 * 3600)
    assert resumed.due_at == NOW + 27 * HOUR
    first, moved = _told(clocks, SlaTargetSet)
    assert (first.due_at, moved.due_at) == (NOW + 24 * HOUR, NOW + 27 * HOUR)
    assert moved.target_version == first.target_version
    assert [m.at for m in moved.thresholds] == [m.at for m in resumed.thresholds]
    clock = await clocks.get(submitted.report_id)
    assert clock is not None
    assert (clock.due_at, clock.paused) == (NOW + 27 * HOUR, False)


async def test_two_pauses_add_up_and_a_threshold_passed_between_them_stays_put() -> None:
    watchdog, clocks, time = _watchdog()
    submitted = factories.report_submitted()
    await _paused(watchdog, time, submitted, 2 * HOUR)
    await watchdog.resume_on_update(_answered(submitted, NOW + 5 * HOUR))
    time.advance(14 * HOUR)  # NOW + 16 h: the 50% (at 15 h) has passed
    await watchdog.tick()
    await watchdog.pause_clock(_asked(submitted, time.now(), timedelta(days=5)))
    time.advance(2 * HOUR)

    await watchdog.resume_on_update(_answered(submitted, time.now(), number=2))

    assert [e.threshold for e in _told(clocks, SlaAtRisk)] == ["50%"]
    assert len(_told(clocks, SlaPaused)) == 2
    first, second = _told(clocks, SlaResumed)
    assert (first.due_at, second.due_at) == (NOW + 27 * HOUR, NOW + 29 * HOUR)
    marks = {m.name: m.at for m in second.thresholds}
    assert marks["50%"] == NOW + 15 * HOUR
    assert marks["75%"] == NOW + 23 * HOUR  # 18 h of running time, 5 h paused
    assert [t.due_at for t in _told(clocks, SlaTargetSet)][-1] == NOW + 29 * HOUR


async def test_no_threshold_is_announced_while_paused_and_no_answer_resumes_at_answer_by() -> None:
    watchdog, clocks, time = _watchdog()
    submitted = factories.report_submitted()
    asked = await _paused(watchdog, time, submitted, HOUR)

    time.advance(timedelta(days=2))
    await watchdog.resync()
    await watchdog.tick()
    assert (_told(clocks, SlaAtRisk), _told(clocks, SlaBreached)) == ([], [])
    assert _told(clocks, SlaResumed) == []
    clock = await clocks.get(submitted.report_id)
    assert clock is not None
    assert clock.next_threshold_at() == asked.answer_by  # the agenda plans the resume

    time.advance(asked.answer_by + timedelta(minutes=1) - time.now())
    await watchdog.tick()
    await watchdog.tick()

    (resumed,) = _told(clocks, SlaResumed)
    assert resumed.because is ResumedBecause.NO_ANSWER
    assert resumed.resumed_at == asked.answer_by
    assert resumed.paused_seconds == timedelta(days=5).total_seconds()
    assert resumed.due_at == NOW + 24 * HOUR + timedelta(days=5)
    assert _told(clocks, SlaAtRisk) == []  # one hour has run of its 24


async def test_a_business_hours_clock_paused_over_the_weekend_moves_by_working_time() -> None:
    policy = Policy(business_hours_grades=frozenset({3}))
    watchdog, clocks, _ = _watchdog(policy)
    friday_10am = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    submitted = factories.report_submitted(received_at=friday_10am)
    await watchdog.retarget_clock(factories.report_classified(submitted, grade=3))
    await watchdog.start_clock(submitted)
    asked = _asked(submitted, datetime(2026, 12, 4, 16, 0, tzinfo=UTC), timedelta(days=5))
    await watchdog.pause_clock(asked)

    await watchdog.resume_on_update(_answered(submitted, datetime(2026, 12, 7, 11, 0, tzinfo=UTC)))

    first = _told(clocks, SlaTargetSet)[0]
    (resumed,) = _told(clocks, SlaResumed)
    assert first.due_at == datetime(2026, 12, 9, 10, 0, tzinfo=UTC)
    assert resumed.due_at == datetime(2026, 12, 9, 13, 0, tzinfo=UTC)  # 3 working hours on


async def test_a_repeated_or_second_request_pauses_once_and_a_resumed_one_never_again() -> None:
    watchdog, clocks, time = _watchdog()
    submitted = factories.report_submitted()
    asked = await _paused(watchdog, time, submitted, HOUR)

    await watchdog.pause_clock(asked)  # redelivered
    await watchdog.pause_clock(_asked(submitted, NOW + 2 * HOUR, timedelta(days=1)))
    await watchdog.resume_on_update(_answered(submitted, NOW + 30 * timedelta(minutes=1)))
    still_paused = await clocks.get(submitted.report_id)
    await watchdog.resume_on_update(_answered(submitted, NOW + 3 * HOUR, number=2))
    await watchdog.pause_clock(asked)  # redelivered after its resume

    assert still_paused is not None
    assert still_paused.paused  # the update before the pause was no answer
    assert len(_told(clocks, SlaPaused)) == 1
    assert len(_told(clocks, SlaResumed)) == 1
    clock = await clocks.get(submitted.report_id)
    assert clock is not None
    assert (clock.paused, clock.due_at) == (False, NOW + 26 * HOUR)


async def test_closing_the_report_resumes_the_clock_and_its_outcome_reply_stops_it() -> None:
    watchdog, clocks, time = _watchdog()
    submitted = factories.report_submitted()
    await _paused(watchdog, time, submitted, HOUR)
    closed = staff_factories.report_closed(submitted, 2, at=NOW + 4 * HOUR)

    await watchdog.resume_on_close(closed)
    await watchdog.resume_on_close(closed)

    (resumed,) = _told(clocks, SlaResumed)
    assert (resumed.because, resumed.paused_seconds) == (ResumedBecause.REPORT_CLOSED, 3 * 3600)
    assert _told(clocks, SlaMet) == []


async def test_a_contact_while_paused_resumes_then_stops_the_clock_without_the_pause() -> None:
    watchdog, clocks, time = _watchdog()
    submitted = factories.report_submitted()
    await _paused(watchdog, time, submitted, HOUR)
    contact = staff_factories.contact_recorded(submitted, 2, at=NOW + 3 * HOUR)

    await watchdog.stop_on_contact(contact)
    await watchdog.stop_on_contact(contact)

    kinds = [e.event_type for e in clocks.published]
    assert kinds == ["SlaTargetSet", "SlaPaused", "SlaResumed", "SlaTargetSet", "SlaMet"]
    (resumed,) = _told(clocks, SlaResumed)
    assert resumed.because is ResumedBecause.REPLY_PROMISE_KEPT
    (met,) = _told(clocks, SlaMet)
    assert (met.kept_by, met.stopped_at, met.late) == (
        KeptBy.CONTACT_RECORDED,
        NOW + 3 * HOUR,
        False,
    )
    assert (met.elapsed_seconds, met.paused_seconds) == (3600, 2 * 3600)
    assert met.due_at == NOW + 26 * HOUR


async def test_an_answer_that_overtook_its_request_resumes_the_clock_as_it_pauses() -> None:
    watchdog, clocks, _ = _watchdog()
    submitted = factories.report_submitted()
    await watchdog.start_clock(submitted)
    await watchdog.resume_on_update(_answered(submitted, NOW + 4 * HOUR))  # came first
    asked = _asked(submitted, NOW + HOUR, timedelta(days=5))

    await watchdog.pause_clock(asked)
    await watchdog.pause_clock(asked)

    assert len(_told(clocks, SlaPaused)) == 1
    (resumed,) = _told(clocks, SlaResumed)
    assert (resumed.resumed_at, resumed.paused_seconds) == (NOW + 4 * HOUR, 3 * 3600)
    assert resumed.due_at == NOW + 27 * HOUR


async def test_a_request_told_after_a_later_resume_pauses_no_time_already_paused() -> None:
    watchdog, clocks, time = _watchdog()
    submitted = factories.report_submitted()
    await _paused(watchdog, time, submitted, HOUR)
    await watchdog.resume_on_update(_answered(submitted, NOW + 4 * HOUR))
    earlier = _asked(submitted, NOW + 2 * HOUR, timedelta(days=5))  # by another topic

    await watchdog.pause_clock(earlier)
    await watchdog.resume_on_update(_answered(submitted, NOW + 5 * HOUR, number=2))

    first, second = _told(clocks, SlaPaused)
    assert (first.paused_at, second.paused_at) == (NOW + HOUR, NOW + 4 * HOUR)
    resumed = _told(clocks, SlaResumed)[-1]
    assert (resumed.paused_seconds, resumed.due_at) == (3600, NOW + 28 * HOUR)


async def test_a_request_for_information_that_arrives_after_the_close_pauses_nothing() -> None:
    """Staff events are on different topics: the watchdog may learn a close before the
    request it ended. That request must not pause a closed report's clock for `answer_by`
    (5 days) with no threshold firing meanwhile."""
    watchdog, clocks, time = _watchdog()
    submitted = factories.report_submitted()
    await watchdog.start_clock(submitted)
    asked = _asked(submitted, NOW + HOUR, timedelta(days=5))
    closed = staff_factories.report_closed(submitted, 2, at=NOW + 2 * HOUR)
    time.advance(3 * HOUR)

    await watchdog.resume_on_close(closed)  # action 2 first
    await watchdog.pause_clock(asked)  # then action 1

    assert _told(clocks, SlaPaused) == []


async def test_a_request_newer_than_the_close_pauses_as_one_after_a_reopening_does() -> None:
    """Closed (2), reopened (3), asked again (4): the close is older than the new request,
    so it pauses; the watchdog needs no ReportReopened (it may come later, on its topic)."""
    watchdog, clocks, time = _watchdog()
    submitted = factories.report_submitted()
    await watchdog.start_clock(submitted)
    time.advance(3 * HOUR)
    await watchdog.resume_on_close(staff_factories.report_closed(submitted, 2, at=NOW + HOUR))
    again = staff_factories.information_requested(
        submitted, 4, at=NOW + 2 * HOUR, answer_by=NOW + 5 * 24 * HOUR
    )

    await watchdog.pause_clock(again)

    (paused,) = _told(clocks, SlaPaused)
    assert paused.paused_at == again.occurred_at
