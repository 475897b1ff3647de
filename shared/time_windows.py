"""The edges of a reporting window (`?since=&until=`), as an API accepts them: aware, in
UTC, and inside dates whose arithmetic never overflows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

#: The dates a compliance window may span: far wider than any force's records, far enough
#: inside the calendar's edges that window arithmetic never overflows.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _within_calendar(value: datetime) -> datetime:
    try:
        in_utc = value.astimezone(UTC)
    except OverflowError:
        in_utc = EARLIEST - timedelta(days=1)
    if not EARLIEST <= in_utc < LATEST:
        raise ValueError(f"must be from {EARLIEST.date()} and before {LATEST.date()}")
    return in_utc


WindowEdge = Annotated[AwareDatetime, AfterValidator(_within_calendar)]
