"""The console's figures: the queue by time to breach (breached first, untimed and
anonymous after), compliance counting the overdue, percentiles by nearest rank."""

from __future__ import annotations

import uuid
from datetime import timedelta

from services.console.records import QueueRow, QueueState
from services.console.reporting import compliance, percentile, queue_order
from tests.factories import NOW


def _row(
    state: QueueState, due_in_min: int | None = None, replied_after_min: int | None = None
) -> QueueRow:
    return QueueRow(
        report_id=uuid.uuid4(),
        reference=None,
        report_type="crime",
        channel="web",
        force_code="LP",
        grade=3,
        route="crime_bureau",
        received_at=NOW,
        due_at=None if due_in_min is None else NOW + timedelta(minutes=due_in_min),
        state=state,
        warnings=[],
        open_alerts=0,
        met_at=None if replied_after_min is None else NOW + timedelta(minutes=replied_after_min),
    )


def test_the_queue_puts_the_most_overdue_first_and_leaves_out_the_answered() -> None:
    soon, overdue, later = _row("at_risk", 40), _row("breached", 10), _row("running", 90)
    new, anonymous = _row("new"), _row("no_clock")

    ordered = queue_order(
        [anonymous, soon, _row("met", 60, 5), new, overdue, later, _row("met_late", 1, 5)],
        NOW + timedelta(minutes=30),
    )

    assert ordered == [overdue, soon, later, new, anonymous]


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
