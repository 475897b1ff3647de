"""The console's figures: the queue by time to breach (breached first, then running clocks,
then paused ones, then those with no running clock, oldest first; closed ones left out),
compliance counting the overdue, percentiles by nearest rank."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from services.console.records import QueueRow, QueueState
from services.console.reporting import compliance, percentile, queue_order
from tests.factories import NOW


def _row(
    state: QueueState,
    due_in_min: int | None = None,
    replied_after_min: int | None = None,
    **work: Any,
) -> QueueRow:
    return QueueRow(
        report_id=uuid.uuid4(),
        reference=None,
        report_type="crime",
        channel="web",
        force_code="LP",
        grade=3,
        route="crime_bureau",
        received_at=work.pop("received_at", NOW),
        due_at=None if due_in_min is None else NOW + timedelta(minutes=due_in_min),
        state=state,
        warnings=[],
        open_alerts=0,
        met_at=None if replied_after_min is None else NOW + timedelta(minutes=replied_after_min),
        **work,
    )


def _received(minutes_ago: int) -> datetime:
    return NOW - timedelta(minutes=minutes_ago)


def test_the_queue_runs_by_time_to_breach_and_keeps_answered_reports_until_closed() -> None:
    soon, overdue, later = _row("at_risk", 40), _row("breached", 10), _row("running", 90)
    paused_sooner = _row("running", 35, paused=True)
    paused_later = _row("at_risk", 300, paused=True)
    new = _row("new", received_at=_received(10))
    anonymous = _row("no_clock", received_at=_received(30))
    answered = _row("met", 60, 5, received_at=_received(20))
    closed = _row("met_late", 1, 5, work_state="closed")

    ordered = queue_order(
        [anonymous, paused_later, soon, answered, new, overdue, closed, later, paused_sooner],
        NOW + timedelta(minutes=30),
    )

    assert ordered == [overdue, soon, later, paused_sooner, paused_later, anonymous, answered, new]


def test_compliance_counts_open_overdue_reports_as_late() -> None:
    rows = [
        _row("met", 60, 10),
        _row("met", 60, 20),
        _row("met_late", 10, 30),
        _row("breached", 5),
        _row("running", 600),
        _row("new"),
        _row("no_clock"),
    ]

    result = compliance(rows)

    assert (result.on_time, result.late, result.open_overdue, result.open_in_time) == (2, 1, 1, 2)
    assert result.rate == 0.5
    assert result.p50_reply_s == 20 * 60
    assert result.p90_reply_s == 30 * 60
    assert compliance([]).rate is None


def test_percentiles_by_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([5.0], 90) == 5.0
    assert percentile([float(n) for n in range(1, 11)], 90) == 9.0
