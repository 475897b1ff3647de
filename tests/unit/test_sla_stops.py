"""What stops the reply clock (and what it says kept the promise), and how a regrade
retargets it: the grade staff set unless a later assessment is more urgent, their route."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from services.sla_watchdog.handlers import Watchdog
from services.sla_watchdog.policy import Policy
from shared.events import (
    ContactMethod,
    KeptBy,
    ReplyDelivered,
    ReplyKind,
    ReplySent,
    ReportClassified,
    ReportSubmitted,
    SlaMet,
    SlaTargetSet,
)
from shared.events.replies import PromiseKept, acknowledged_at, promise_kept
from tests import factories, staff_factories
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.sla_watchdog import FakeClocks

HOUR = timedelta(hours=1)


def _watchdog() -> tuple[Watchdog, FakeClocks]:
    clocks = FakeClocks()
    return Watchdog(clocks, Policy(), FrozenClock(NOW)), clocks


def _delivered(submitted: ReportSubmitted, kind: ReplyKind, at: datetime) -> ReplyDelivered:
    return ReplyDelivered.caused_by(
        submitted,
        producer="notifier",
        occurred_at=at,
        discriminator=kind.value,
        request_id=None if kind is ReplyKind.ACKNOWLEDGEMENT else uuid.uuid4(),
        reply_kind=kind,
        channel=ContactMethod.EMAIL,
        delivered_at=at,
    )


def _assessed(
    submitted: ReportSubmitted, grade: int, sequence: int, minutes: int
) -> ReportClassified:
    """A re-assessment `minutes` after receipt."""
    classified = factories.report_classified(
        submitted, grade=grade, sequence=sequence, discriminator=str(sequence)
    )
    return classified.model_copy(update={"occurred_at": NOW + timedelta(minutes=minutes)})


def _met(clocks: FakeClocks) -> list[SlaMet]:
    return [event for event in clocks.published if isinstance(event, SlaMet)]


def _targets(clocks: FakeClocks) -> list[SlaTargetSet]:
    return [event for event in clocks.published if isinstance(event, SlaTargetSet)]


@pytest.mark.parametrize(
    ("kind", "kept_by"),
    [
        (ReplyKind.ACKNOWLEDGEMENT, KeptBy.ACKNOWLEDGEMENT),
        (ReplyKind.STAFF_REPLY, KeptBy.STAFF_REPLY),
        (ReplyKind.OUTCOME, KeptBy.OUTCOME_REPLY),
    ],
)
async def test_a_delivered_reply_that_answers_stops_the_clock_once_saying_what_kept_it(
    kind: ReplyKind, kept_by: KeptBy
) -> None:
    watchdog, clocks = _watchdog()
    submitted = factories.report_submitted()
    await watchdog.start_clock(submitted)
    delivered = _delivered(submitted, kind, NOW + 2 * HOUR)

    await watchdog.stop_on_delivery(delivered)
    await watchdog.stop_on_delivery(delivered)
    await watchdog.stop_on_delivery(_delivered(submitted, ReplyKind.OUTCOME, NOW + 3 * HOUR))

    (met,) = _met(clocks)
    assert (met.kept_by, met.stopped_at, met.elapsed_seconds) == (kept_by, NOW + 2 * HOUR, 7200)
    assert (met.late, met.paused_seconds) == (False, 0)


async def test_a_request_for_information_or_an_unanswered_call_keeps_the_clock_running() -> None:
    watchdog, clocks = _watchdog()
    submitted = factories.report_submitted()
    await watchdog.start_clock(submitted)

    for kind in (ReplyKind.INFORMATION_REQUEST, ReplyKind.HOLDING):
        await watchdog.stop_on_delivery(_delivered(submitted, kind, NOW + HOUR))
    await watchdog.stop_on_contact(staff_factories.contact_recorded(submitted, reached=False))

    assert _met(clocks) == []
    clock = await clocks.get(submitted.report_id)
    assert clock is not None
    assert clock.stopped_at is None


async def test_a_contact_that_reached_the_reporter_stops_the_clock_at_the_contact() -> None:
    watchdog, clocks = _watchdog()
    submitted = factories.report_submitted()
    await watchdog.start_clock(submitted)
    contact = staff_factories.contact_recorded(submitted, at=NOW + 25 * HOUR)

    await watchdog.stop_on_contact(contact)
    await watchdog.stop_on_delivery(factories.reply_delivered(submitted, NOW + 26 * HOUR))

    (met,) = _met(clocks)
    assert (met.kept_by, met.stopped_at, met.late) == (
        KeptBy.CONTACT_RECORDED,
        NOW + 25 * HOUR,
        True,
    )


async def test_late_compares_the_stop_with_the_due_time_as_the_pause_moved_it() -> None:
    watchdog, clocks = _watchdog()
    submitted = factories.report_submitted()
    await watchdog.start_clock(submitted)
    asked = staff_factories.information_requested(submitted, at=NOW + HOUR)
    await watchdog.pause_clock(asked)
    await watchdog.resume_on_update(
        factories.report_updated(submitted).model_copy(update={"occurred_at": NOW + 5 * HOUR})
    )

    await watchdog.stop_on_delivery(_delivered(submitted, ReplyKind.STAFF_REPLY, NOW + 26 * HOUR))

    (met,) = _met(clocks)
    assert (met.due_at, met.late) == (NOW + 28 * HOUR, False)
    assert (met.elapsed_seconds, met.paused_seconds) == (22 * 3600, 4 * 3600)


async def test_a_regrade_retargets_to_its_grade_and_route_and_a_later_urgent_grade_wins() -> None:
    watchdog, clocks = _watchdog()
    submitted = factories.report_submitted()
    await watchdog.start_clock(submitted)
    await watchdog.retarget_clock(factories.report_classified(submitted, grade=3))
    regraded = staff_factories.report_regraded(
        submitted, 1, at=NOW + timedelta(minutes=10), grade=2, route="public_protection"
    )

    await watchdog.regrade_clock(regraded)
    await watchdog.regrade_clock(regraded)  # redelivered
    await watchdog.retarget_clock(_assessed(submitted, 1, sequence=2, minutes=20))
    await watchdog.retarget_clock(_assessed(submitted, 4, sequence=3, minutes=30))

    told = [(t.target_version, t.grade, t.route, t.due_at - NOW) for t in _targets(clocks)]
    assert told == [
        (0, None, None, 24 * HOUR),
        (1, 3, "crime_bureau", 24 * HOUR),
        (2, 2, "public_protection", HOUR),  # sequence 1 + regrade 1
        (3, 1, "public_protection", timedelta(minutes=15)),  # later and more urgent
        (4, 2, "public_protection", HOUR),  # later but calmer: the regrade holds
    ]


async def test_an_older_regrade_arriving_late_changes_nothing_and_pauses_still_count() -> None:
    watchdog, clocks = _watchdog()
    submitted = factories.report_submitted()
    await watchdog.start_clock(submitted)
    minutes = timedelta(minutes=1)
    await watchdog.pause_clock(
        staff_factories.information_requested(submitted, at=NOW + 10 * minutes)
    )
    await watchdog.resume_on_update(
        factories.report_updated(submitted).model_copy(update={"occurred_at": NOW + 40 * minutes})
    )

    await watchdog.regrade_clock(staff_factories.report_regraded(submitted, 3, grade=2))
    await watchdog.regrade_clock(staff_factories.report_regraded(submitted, 2, grade=4))

    last = _targets(clocks)[-1]
    assert (last.target_version, last.grade) == (3, 2)
    assert last.due_at == NOW + 90 * minutes  # one hour of running time, 30 minutes paused


def test_the_rule_of_which_reply_keeps_the_promise_and_when() -> None:
    submitted = factories.report_submitted()
    sent = factories.reply_sent(submitted, reply_kind=ReplyKind.OUTCOME, receipts_expected=False)
    awaiting_receipt = factories.reply_sent(submitted, reply_kind=ReplyKind.OUTCOME)
    asked = _delivered(submitted, ReplyKind.INFORMATION_REQUEST, NOW)

    assert promise_kept(sent) == PromiseKept(NOW, KeptBy.OUTCOME_REPLY)
    assert promise_kept(awaiting_receipt) is None
    assert promise_kept(asked) is None
    assert acknowledged_at(_delivered(submitted, ReplyKind.STAFF_REPLY, NOW)) is None
    assert acknowledged_at(factories.reply_delivered(submitted)) == NOW
    assert isinstance(sent, ReplySent)
