"""SLA watchdog: targets per grade, one SlaMet, anonymous reports untimed."""

from __future__ import annotations

from datetime import timedelta

from services.sla_watchdog.domain import ClockState, TargetPolicy
from services.sla_watchdog.handlers import Watchdog
from tests import factories
from tests.factories import NOW
from tests.fakes import FakeClocks, FrozenClock

POLICY = TargetPolicy(
    default=timedelta(hours=24),
    by_grade={1: timedelta(minutes=15), 2: timedelta(hours=1)},
)


def _watchdog() -> tuple[Watchdog, FakeClocks]:
    clocks = FakeClocks()
    return Watchdog(clocks, POLICY, FrozenClock(NOW)), clocks


async def test_a_clock_starts_at_receipt_with_the_default_target() -> None:
    watchdog, clocks = _watchdog()
    submitted = factories.report_submitted()

    await watchdog.start_clock(submitted)

    clock = await clocks.get(submitted.report_id)
    assert clock is not None
    assert clock.state is ClockState.RUNNING
    assert clock.due_at == submitted.received_at + timedelta(hours=24)


async def test_a_grade_retargets_the_running_clock_whichever_arrives_first() -> None:
    watchdog, clocks = _watchdog()
    submitted = factories.report_submitted()

    await watchdog.retarget_clock(factories.report_classified(submitted, grade=1))
    await watchdog.start_clock(submitted)

    clock = await clocks.get(submitted.report_id)
    assert clock is not None
    assert clock.due_at == submitted.received_at + timedelta(minutes=15)


async def test_the_delivered_acknowledgement_stops_the_clock_once() -> None:
    watchdog, clocks = _watchdog()
    submitted = factories.report_submitted()
    delivered = factories.reply_delivered(submitted, at=NOW + timedelta(minutes=5))

    await watchdog.start_clock(submitted)
    for _ in range(3):
        await watchdog.stop_on_reply(delivered)

    (met,) = clocks.published
    assert met.event_type == "SlaMet"
    dumped = met.model_dump()
    assert dumped["elapsed_seconds"] == 300
    assert dumped["late"] is False


async def test_a_reply_before_the_submission_still_stops_the_clock_late_if_late() -> None:
    watchdog, clocks = _watchdog()
    submitted = factories.report_submitted()

    await watchdog.retarget_clock(factories.report_classified(submitted, grade=1))
    await watchdog.stop_on_reply(factories.reply_delivered(submitted, at=NOW + timedelta(hours=1)))
    await watchdog.start_clock(submitted)

    (met,) = clocks.published
    assert met.model_dump()["late"] is True


async def test_an_anonymous_report_has_no_clock() -> None:
    watchdog, clocks = _watchdog()
    submitted = factories.report_submitted(contact=None)

    await watchdog.start_clock(submitted)

    assert await clocks.get(submitted.report_id) is None
