"""Operations views: states, the queue by time to breach, compliance counting the overdue."""

from __future__ import annotations

import uuid
from datetime import timedelta

from services.sla_watchdog.reporting import ClockRow, compliance, percentile, queue
from tests.factories import NOW


def _row(due_in_min: int, replied_after_min: int | None = None, warned: bool = False) -> ClockRow:
    stopped = None if replied_after_min is None else NOW + timedelta(minutes=replied_after_min)
    return ClockRow(
        uuid.uuid4(),
        "crime",
        "web",
        "LP",
        3,
        "crime_bureau",
        NOW,
        NOW + timedelta(minutes=due_in_min),
        stopped,
        ("50%",) if warned else (),
    )


def test_states_as_operations_see_them() -> None:
    later = NOW + timedelta(minutes=30)

    assert _row(60).state(later) == "running"
    assert _row(60, warned=True).state(later) == "at_risk"
    assert _row(10).state(later) == "breached"
    assert _row(60, replied_after_min=20).state(later) == "met"
    assert _row(10, replied_after_min=20).state(later) == "met_late"


def test_the_queue_puts_the_most_urgent_first_and_leaves_out_the_met() -> None:
    soon, overdue, later = _row(40), _row(10), _row(90)

    ordered = queue(
        [soon, _row(60, replied_after_min=5), overdue, later], NOW + timedelta(minutes=30)
    )

    assert ordered == [overdue, soon, later]


def test_compliance_counts_open_overdue_items_as_late() -> None:
    rows = [_row(60, 10), _row(60, 20), _row(10, 30), _row(5), _row(600)]

    result = compliance(rows, NOW + timedelta(minutes=45))

    assert (result.on_time, result.late, result.open_overdue, result.open_in_time) == (2, 1, 1, 1)
    assert result.rate == 0.5
    assert result.p50_reply_s == 20 * 60
    assert result.p90_reply_s == 30 * 60


def test_percentiles_by_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([5.0], 90) == 5.0
    assert percentile([float(n) for n in range(1, 11)], 90) == 9.0
