"""Which day a reference belongs to: the UK calendar day the report was received."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def reference_day(received_at: datetime, time_zone: ZoneInfo) -> date:
    """The local calendar date of `received_at`; a report at 00:30 BST belongs to that day."""
    return received_at.astimezone(time_zone).date()
