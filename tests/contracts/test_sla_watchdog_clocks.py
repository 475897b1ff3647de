"""The SLA watchdog's `Clocks`: facts joined once each (the newest grade, the first reply),
a target set only on the facts it was computed from, each threshold of a target announced
once, and a clock stopped once."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from services.sla_watchdog.adapters import MongoClocks
from services.sla_watchdog.domain import ClockState, SlaClock
from services.sla_watchdog.policy import Threshold
from services.sla_watchdog.ports import ClockFacts, Clocks
from shared.events import KeptBy, ReportSubmitted, SlaAtRisk, SlaMet, SlaTargetSet, SlaThresholdMark
from tests import factories
from tests.contracts.conftest import Backend, Store, ids
from tests.factories import NOW
from tests.fakes.sla_watchdog import FakeClocks

MARKS = [
    Threshold("50%", NOW + timedelta(hours=12)),
    Threshold("breach", NOW + timedelta(hours=24), True),
]
RETARGETED = [
    Threshold("50%", NOW + timedelta(hours=1)),
    Threshold("breach", NOW + timedelta(hours=2), True),
]


@pytest.fixture
async def clocks(backend: Backend) -> Store[Clocks]:
    if backend.database is None:
        fake = FakeClocks()
        return backend.of_fake(fake, fake)
    adapter = MongoClocks(backend.database, backend.publisher)
    await adapter.create_indexes()
    return backend.of_adapter(adapter)


def _told(
    submitted: ReportSubmitted, version: int, marks: list[Threshold], again: bool = False
) -> SlaTargetSet:
    return SlaTargetSet.caused_by(
        submitted,
        producer="sla_watchdog",
        occurred_at=NOW,
        discriminator=f"{version}:{marks[-1].at.isoformat()}" if again else str(version),
        started_at=NOW,
        due_at=marks[-1].at,
        target_version=version,
        thresholds=[SlaThresholdMark(name=m.name, at=m.at) for m in marks],
    )


async def _target(
    clocks: Store[Clocks], facts: ClockFacts, marks: list[Threshold], told: SlaTargetSet
) -> None:
    await clocks.run(clocks.port.set_target(told.report_id, facts, marks, told))


async def _started(clocks: Store[Clocks], submitted: ReportSubmitted) -> ClockFacts:
    facts = await clocks.port.remember_start(submitted)
    assert facts is not None
    await _target(clocks, facts, MARKS, _told(submitted, 0, MARKS))
    clock = await clocks.port.get(submitted.report_id)
    assert clock is not None
    return replace(facts, clock=clock)


def _at_risk(submitted: ReportSubmitted, version: int, name: str) -> SlaAtRisk:
    return SlaAtRisk.caused_by(
        submitted,
        producer="sla_watchdog",
        occurred_at=NOW,
        discriminator=f"{version}:{name}",
        threshold=name,
        due_at=MARKS[-1].at,
        grade=4,
    )


def _met(submitted: ReportSubmitted, stopped_at: timedelta) -> tuple[SlaClock, SlaMet]:
    clock = SlaClock(NOW, MARKS[-1].at, None, ClockState.MET, NOW + stopped_at)
    met = SlaMet.caused_by(
        submitted,
        producer="sla_watchdog",
        occurred_at=NOW,
        started_at=NOW,
        stopped_at=NOW + stopped_at,
        due_at=MARKS[-1].at,
        elapsed_seconds=stopped_at.total_seconds(),
        late=False,
    )
    return clock, met


async def test_a_start_is_remembered_once_and_facts_join_the_newest_grade_and_first_reply(
    clocks: Store[Clocks],
) -> None:
    submitted = factories.report_submitted()
    report_id = submitted.report_id
    newer = factories.report_classified(submitted, grade=1, sequence=2, discriminator="2")

    early = await clocks.port.remember_grade(newer)
    await clocks.port.remember_grade(factories.report_classified(submitted, grade=4))
    await clocks.port.remember_start(submitted)
    await clocks.port.remember_start(submitted)
    await clocks.port.remember_reply(report_id, NOW + timedelta(hours=1), KeptBy.STAFF_REPLY)
    await clocks.port.remember_reply(report_id, NOW + timedelta(hours=2), KeptBy.ACKNOWLEDGEMENT)
    facts = await clocks.port.remember_failure(report_id)

    assert early is not None
    assert (early.cause, early.started_at, early.grade) == (None, None, 1)
    assert facts is not None
    assert facts.cause is not None
    assert facts.cause.event_id == submitted.event_id
    assert (facts.started_at, facts.report_type, facts.force_code) == (NOW, "crime", "LP")
    assert (facts.grade, facts.grade_sequence, facts.route) == (1, 2, "crime_bureau")
    assert (facts.replied_at, facts.reply_failed, facts.clock) == (
        NOW + timedelta(hours=1),
        True,
        None,
    )
    assert facts == await clocks.port.facts(report_id)
    assert await clocks.port.facts(uuid.uuid4()) is None


async def test_the_running_clocks_are_listed_for_the_gauges_and_the_met_not(
    clocks: Store[Clocks],
) -> None:
    running, answered = factories.report_submitted(), factories.report_submitted()
    await _started(clocks, running)
    await _started(clocks, answered)
    await clocks.run(clocks.port.remember_start(factories.report_submitted()))  # no target yet
    stopped, met = _met(answered, timedelta(hours=3))
    await clocks.run(clocks.port.stop(answered.report_id, stopped, met))

    (listed,) = await clocks.port.open_clocks(10)

    assert listed == await clocks.port.get(running.report_id)
    assert listed.state is ClockState.RUNNING


async def test_a_target_starts_a_running_clock_on_the_agenda(clocks: Store[Clocks]) -> None:
    submitted = factories.report_submitted()

    facts = await _started(clocks, submitted)

    assert facts.clock == SlaClock(
        NOW, MARKS[-1].at, None, ClockState.RUNNING, thresholds=tuple(MARKS), target_version=0
    )
    assert await clocks.port.running() == [(submitted.report_id, MARKS[0].at)]
    assert await clocks.port.get(uuid.uuid4()) is None


async def test_each_threshold_of_a_target_is_announced_once(clocks: Store[Clocks]) -> None:
    submitted = factories.report_submitted()
    report_id = submitted.report_id
    facts = await _started(clocks, submitted)
    warning = _at_risk(submitted, 0, "50%")

    first = await clocks.run(clocks.port.announce(report_id, 0, "50%", warning))
    again = await clocks.run(clocks.port.announce(report_id, 0, "50%", warning))
    other_version = await clocks.run(clocks.port.announce(report_id, 1, "breach", warning))
    same_again = _told(submitted, 0, MARKS, again=True)
    await _target(clocks, facts, MARKS, same_again)  # the same target again
    clock = await clocks.port.get(report_id)

    assert (first, again, other_version) == (True, False, False)
    assert clock is not None
    assert clock.announced == frozenset({"50%"})
    assert clocks.emitted() == ids(_told(submitted, 0, MARKS), warning, same_again)
    assert await clocks.port.running() == [(report_id, MARKS[-1].at)]


async def test_a_new_grade_retargets_afresh_and_stale_facts_set_no_target(
    clocks: Store[Clocks],
) -> None:
    submitted = factories.report_submitted()
    report_id = submitted.report_id
    stale = await _started(clocks, submitted)
    await clocks.run(clocks.port.announce(report_id, 0, "50%", _at_risk(submitted, 0, "50%")))
    graded = await clocks.port.remember_grade(factories.report_classified(submitted, grade=1))
    assert graded is not None

    refused = _told(submitted, 0, RETARGETED, again=True)
    await _target(clocks, stale, RETARGETED, refused)  # read before the grade: refused
    unchanged = await clocks.port.get(report_id)
    await _target(clocks, graded, RETARGETED, _told(submitted, 1, RETARGETED))
    retargeted = await clocks.port.get(report_id)
    old_version = await clocks.run(
        clocks.port.announce(report_id, 0, "breach", _at_risk(submitted, 0, "breach"))
    )

    assert unchanged is not None
    assert (unchanged.target_version, unchanged.due_at) == (0, MARKS[-1].at)
    assert unchanged.announced == frozenset({"50%"})
    assert retargeted is not None
    assert (retargeted.target_version, retargeted.grade) == (1, 1)
    assert (retargeted.due_at, retargeted.announced) == (RETARGETED[-1].at, frozenset())
    assert old_version is False
    assert str(refused.event_id) not in clocks.emitted()
    assert clocks.emitted()[-1] == str(_told(submitted, 1, RETARGETED).event_id)
    told = SlaTargetSet.model_validate_json(clocks.published()[-1])
    assert told == _told(submitted, 1, RETARGETED)
    assert [(m.name, m.at) for m in told.thresholds] == [(m.name, m.at) for m in RETARGETED]


async def test_a_clock_stops_once_and_then_changes_no_more(clocks: Store[Clocks]) -> None:
    submitted = factories.report_submitted()
    report_id = submitted.report_id
    facts = await _started(clocks, submitted)
    stopped, met = _met(submitted, timedelta(hours=3))
    later, met_again = _met(submitted, timedelta(hours=5))

    await clocks.run(clocks.port.stop(report_id, stopped, met))
    await clocks.run(clocks.port.stop(report_id, later, met_again))
    await _target(clocks, facts, RETARGETED, _told(submitted, 0, RETARGETED, again=True))
    announced = await clocks.run(
        clocks.port.announce(report_id, 0, "50%", _at_risk(submitted, 0, "50%"))
    )
    clock = await clocks.port.get(report_id)

    assert clock is not None
    assert (clock.state, clock.stopped_at, clock.late) == (
        ClockState.MET,
        NOW + timedelta(hours=3),
        False,
    )
    assert (clock.due_at, clock.thresholds) == (MARKS[-1].at, tuple(MARKS))
    assert announced is False
    assert clocks.emitted() == ids(_told(submitted, 0, MARKS), met)
    assert await clocks.port.running() == []
    assert await clocks.port.open_clocks(10) == []


async def test_nothing_is_targeted_announced_or_stopped_for_an_unknown_report(
    clocks: Store[Clocks],
) -> None:
    submitted = factories.report_submitted()
    report_id = submitted.report_id
    facts = ClockFacts(None, NOW, None, None, None, 0, None, None, False, None)
    stopped, met = _met(submitted, timedelta(hours=1))

    await _target(clocks, facts, MARKS, _told(submitted, 0, MARKS))
    announced = await clocks.run(
        clocks.port.announce(report_id, 0, "50%", _at_risk(submitted, 0, "50%"))
    )
    await clocks.run(clocks.port.stop(report_id, stopped, met))

    assert announced is False
    assert await clocks.port.get(report_id) is None
    assert clocks.emitted() == []
