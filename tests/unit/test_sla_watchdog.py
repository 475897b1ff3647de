"""SLA watchdog: clocks, thresholds once each in order, stops, retargets, the agenda."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from services.sla_watchdog.domain import ClockState, SlaClock
from services.sla_watchdog.handlers import Watchdog
from services.sla_watchdog.policy import Policy, Threshold, thresholds
from shared.events import ContactMethod, ReplyFailed, ReplyKind, SlaTargetSet
from shared.schedule import Schedule
from tests import factories
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.sla_watchdog import FakeClocks


def _watchdog() -> tuple[Watchdog, FakeClocks, FrozenClock]:
    clocks, time = FakeClocks(), FrozenClock(NOW)
    return Watchdog(clocks, Policy(), time), clocks, time


def _announced(clocks: FakeClocks) -> list[str]:
    return [
        e.model_dump().get("threshold", "breach") if e.event_type != "SlaMet" else "met"
        for e in clocks.published
        if e.event_type in {"SlaAtRisk", "SlaBreached", "SlaMet"}
    ]


async def test_a_clock_starts_at_receipt_with_the_default_target() -> None:
    watchdog, clocks, _ = _watchdog()
    submitted = factories.report_submitted()

    await watchdog.start_clock(submitted)

    clock = await clocks.get(submitted.report_id)
    assert clock is not None
    assert clock.state is ClockState.RUNNING
    assert clock.due_at == submitted.received_at + timedelta(hours=24)


async def test_a_frozen_clock_announces_each_threshold_once_as_time_passes() -> None:
    watchdog, clocks, time = _watchdog()
    submitted = factories.report_submitted()
    await watchdog.retarget_clock(factories.report_classified(submitted, grade=1))
    await watchdog.start_clock(submitted)

    for minutes in (7, 8, 8, 12, 14, 15, 20):
        time.advance(timedelta(minutes=minutes) - (time.now() - NOW))
        await watchdog.tick()
        await watchdog.tick()

    assert _announced(clocks) == ["50%", "75%", "90%", "breach"]


async def test_a_jump_forward_announces_every_missed_threshold_in_order_then_the_breach() -> None:
    watchdog, clocks, time = _watchdog()
    submitted = factories.report_submitted()
    await watchdog.start_clock(submitted)

    time.advance(timedelta(days=3))
    await watchdog.tick()
    await watchdog.resync()
    await watchdog.tick()

    assert _announced(clocks) == ["50%", "75%", "90%", "breach"]


async def test_a_grade_retargets_whichever_arrives_first_and_starts_thresholds_afresh() -> None:
    watchdog, clocks, time = _watchdog()
    submitted = factories.report_submitted()
    await watchdog.start_clock(submitted)
    time.advance(timedelta(hours=13))
    await watchdog.tick()

    await watchdog.retarget_clock(factories.report_classified(submitted, grade=2, sequence=2))

    clock = await clocks.get(submitted.report_id)
    assert clock is not None
    assert clock.due_at == submitted.received_at + timedelta(hours=1)
    assert _announced(clocks) == ["50%", "50%", "75%", "90%", "breach"]


async def test_the_delivered_acknowledgement_stops_the_clock_once_and_nothing_follows() -> None:
    watchdog, clocks, time = _watchdog()
    submitted = factories.report_submitted()
    await watchdog.start_clock(submitted)
    delivered = factories.reply_delivered(submitted, at=NOW + timedelta(minutes=5))

    for _ in range(3):
        await watchdog.stop_on_delivery(delivered)
    time.advance(timedelta(days=2))
    await watchdog.resync()
    await watchdog.tick()

    target, met = clocks.published
    assert target.event_type == "SlaTargetSet"
    assert met.event_type == "SlaMet"
    assert met.model_dump()["elapsed_seconds"] == 300
    assert met.model_dump()["late"] is False


async def test_a_final_reply_failure_keeps_the_clock_running_and_marks_it_at_risk_once() -> None:
    watchdog, clocks, _ = _watchdog()
    submitted = factories.report_submitted()
    await watchdog.start_clock(submitted)
    failed = ReplyFailed.caused_by(
        submitted,
        producer="notifier",
        occurred_at=NOW,
        reply_kind=ReplyKind.ACKNOWLEDGEMENT,
        channel=ContactMethod.EMAIL,
        permanent=True,
        final=True,
        reason="bounced",
    )

    await watchdog.note_failure(failed)
    await watchdog.note_failure(failed)

    assert _announced(clocks) == ["reply failed"]
    clock = await clocks.get(submitted.report_id)
    assert clock is not None
    assert clock.state is ClockState.RUNNING


async def test_an_anonymous_report_has_no_clock() -> None:
    watchdog, clocks, _ = _watchdog()
    submitted = factories.report_submitted(contact=None)

    await watchdog.start_clock(submitted)

    assert await clocks.get(submitted.report_id) is None


def test_the_agenda_hands_out_only_what_is_due_and_keeps_one_entry_per_clock() -> None:
    schedule = Schedule()
    first, second = factories.report_submitted().report_id, factories.report_submitted().report_id

    schedule.plan(first, NOW + timedelta(minutes=5))
    schedule.plan(first, NOW + timedelta(minutes=1))  # replanned earlier
    schedule.plan(second, NOW + timedelta(hours=1))

    assert schedule.pop_due(NOW) == []
    assert schedule.pop_due(NOW + timedelta(minutes=10)) == [first]
    assert len(schedule) == 1


def test_a_clock_knows_its_target_to_the_stored_millisecond() -> None:
    marks = thresholds(Policy(), NOW + timedelta(microseconds=123_456), 3, "crime")
    stored = tuple(
        Threshold(m.name, m.at.replace(microsecond=m.at.microsecond // 1000 * 1000), m.breach)
        for m in marks
    )
    clock = SlaClock(NOW, stored[-1].at, 3, ClockState.RUNNING, thresholds=stored)

    assert clock.has_target(0, marks)
    assert not clock.has_target(1, marks)  # a newer classification: a new target
    later = thresholds(Policy(), NOW + timedelta(seconds=1), 3, "crime")
    assert not clock.has_target(0, later)
    assert not clock.has_target(0, marks[:-1])


def test_a_running_clock_stands_at_risk_once_warned_and_breached_once_due() -> None:
    clock = SlaClock(NOW, NOW + timedelta(hours=1), 3, ClockState.RUNNING)
    warned = replace(clock, announced=frozenset({"50%"}))
    failed = replace(clock, announced=frozenset({"reply failed"}))

    assert clock.standing(NOW + timedelta(minutes=30)) == "running"
    assert warned.standing(NOW + timedelta(minutes=30)) == "at_risk"
    assert failed.standing(NOW) == "at_risk"
    assert clock.standing(NOW + timedelta(hours=1)) == "breached"


async def test_each_target_version_is_told_once_with_its_thresholds() -> None:
    watchdog, clocks, _ = _watchdog()
    submitted = factories.report_submitted()
    classified = factories.report_classified(submitted, grade=1)

    for _ in range(2):
        await watchdog.start_clock(submitted)
        await watchdog.retarget_clock(classified)

    told = [e for e in clocks.published if isinstance(e, SlaTargetSet)]
    assert [(e.target_version, e.grade, e.route) for e in told] == [
        (0, None, None),
        (1, 1, "crime_bureau"),
    ]
    assert told[1].due_at == NOW + timedelta(minutes=15)
    assert [m.name for m in told[1].thresholds] == ["50%", "75%", "90%", "breach"]
    assert told[1].started_at == submitted.received_at
    assert (
        told[1].event_id
        == SlaTargetSet.caused_by(
            submitted,
            producer="sla_watchdog",
            occurred_at=NOW,
            discriminator="1",
            started_at=NOW,
            due_at=NOW,
            target_version=1,
        ).event_id
    )
