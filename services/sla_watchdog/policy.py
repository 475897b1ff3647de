"""SLA policy maths, pure: targets per grade and report type, in calendar time or business
hours (with each UK nation's bank holidays), and the warning thresholds before a breach.

Business time is walked day by day in the force's time zone, so a target that crosses a
bank-holiday weekend skips it, and one that crosses a clock change keeps true working hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from pydantic import BaseModel, ConfigDict, Field

#: The longest a business-time walk may look ahead, against configuration mistakes.
MAX_DAYS = 3660


class BusinessHours(BaseModel):
    """When the work that stops a business-hours clock happens."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: time = time(9, 0)
    end: time = time(17, 0)
    weekdays: frozenset[int] = Field(default=frozenset({0, 1, 2, 3, 4}), description="Mon=0")
    nation: str = Field(
        default="ENG", description="UK subdivision for bank holidays: ENG, WLS, SCT, NIR."
    )
    time_zone: str = "Europe/London"


class Policy(BaseModel):
    """Targets and warnings of one force (or the default for all)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target_s_by_grade: dict[int, int] = Field(
        default_factory=lambda: {1: 15 * 60, 2: 60 * 60, 3: 24 * 3600, 4: 24 * 3600}
    )
    target_s_by_type: dict[str, int] = Field(
        default_factory=dict, description="Overrides the grade's target for a report type."
    )
    grade_by_type: dict[str, int] = Field(
        default_factory=lambda: {"missing_person": 1},
        description="Types that always have a grade's target, whatever they were graded.",
    )
    default_target_s: int = Field(default=24 * 3600, description="Before a report is graded.")
    business_hours_grades: frozenset[int] = Field(
        default=frozenset(), description="Grades whose clock runs in business hours only."
    )
    business_hours: BusinessHours = Field(default_factory=BusinessHours)
    warn_at_percent: tuple[int, ...] = (50, 75, 90)
    warn_before_s: tuple[int, ...] = Field(
        default=(), description="Warnings at absolute times before the target, e.g. 1800."
    )


@dataclass(frozen=True)
class Threshold:
    """A moment on a clock: a warning, or the breach itself."""

    name: str
    at: datetime
    breach: bool = False


@cache
def _holidays(nation: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv=nation, years=year))


def _working_window(day: date, hours: BusinessHours) -> tuple[datetime, datetime] | None:
    if day.weekday() not in hours.weekdays or day in _holidays(hours.nation, day.year):
        return None
    zone = ZoneInfo(hours.time_zone)
    return datetime.combine(day, hours.start, zone), datetime.combine(day, hours.end, zone)


def add_business_time(start: datetime, duration: timedelta, hours: BusinessHours) -> datetime:
    """The moment `duration` of working time after `start` has passed."""
    remaining = duration
    day = start.astimezone(ZoneInfo(hours.time_zone)).date()
    for _ in range(MAX_DAYS):
        window = _working_window(day, hours)
        if window is not None:
            opens, closes = window
            begin = max(opens, start)
            if begin < closes:
                if begin + remaining <= closes:
                    return begin + remaining
                remaining -= closes - begin
        day += timedelta(days=1)
    raise ValueError("business hours never add up to the target: check the configuration")


def target_for(policy: Policy, grade: int | None, report_type: str | None) -> timedelta:
    """How long the reply may take for this grade and type."""
    if report_type in policy.target_s_by_type:
        return timedelta(seconds=policy.target_s_by_type[report_type])
    forced = policy.grade_by_type.get(report_type or "")
    effective = forced if forced is not None else grade
    if effective is None:
        return timedelta(seconds=policy.default_target_s)
    return timedelta(seconds=policy.target_s_by_grade.get(effective, policy.default_target_s))


def _uses_business_hours(policy: Policy, grade: int | None, report_type: str | None) -> bool:
    forced = policy.grade_by_type.get(report_type or "")
    effective = forced if forced is not None else grade
    return effective in policy.business_hours_grades


#: A closed pause of a clock: when it paused and when it resumed.
Pause = tuple[datetime, datetime]


def business_time_between(start: datetime, end: datetime, hours: BusinessHours) -> timedelta:
    """The working time from `start` to `end` (none if `end` is not later)."""
    total, zone = timedelta(), ZoneInfo(hours.time_zone)
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        window = _working_window(day, hours)
        if window is not None:
            overlap = min(window[1], end) - max(window[0], start)
            total += max(overlap, timedelta())
        day += timedelta(days=1)
    return total


class _Timeline:
    """The clock's own time: calendar or business time, that stands still while paused."""

    def __init__(self, hours: BusinessHours | None, pauses: Sequence[Pause]) -> None:
        self.hours, self.pauses = hours, sorted(pauses)

    def _add(self, start: datetime, duration: timedelta) -> datetime:
        if self.hours is None:
            return start + duration
        return add_business_time(start, duration, self.hours)

    def _between(self, start: datetime, end: datetime) -> timedelta:
        if self.hours is None:
            return max(end - start, timedelta())
        return business_time_between(start, end, self.hours)

    def after(self, started: datetime, elapsed: timedelta) -> datetime:
        """The moment `elapsed` of the clock's time has passed since `started`: the time
        left when a pause begins is added again from its resume, so a moment before a
        pause stays where it was, and every one after moves on by the pause."""
        at, left = started, elapsed
        for paused_at, resumed_at in self.pauses:
            if resumed_at <= at:
                continue  # before the clock started, or inside an earlier pause
            reached = self._add(at, left)
            if reached <= paused_at:
                return reached
            left -= self._between(at, paused_at)
            at = resumed_at
        return self._add(at, left)


def thresholds(
    policy: Policy,
    started: datetime,
    grade: int | None,
    report_type: str | None,
    pauses: Sequence[Pause] = (),
) -> list[Threshold]:
    """Every warning and the breach of a clock started at `started` and paused for
    `pauses`, in time order."""
    target = target_for(policy, grade, report_type)
    business = _uses_business_hours(policy, grade, report_type)
    timeline = _Timeline(policy.business_hours if business else None, pauses)

    def after(elapsed: timedelta) -> datetime:
        return timeline.after(started, elapsed)

    due = after(target)
    marks = [Threshold(f"{p}%", after(target * p / 100)) for p in policy.warn_at_percent]
    marks += [
        Threshold(f"{s // 60}m left", after(target - timedelta(seconds=s)))
        for s in policy.warn_before_s
        if timedelta(seconds=s) < target
    ]
    ordered = sorted(marks, key=lambda threshold: threshold.at)
    return [*ordered, Threshold("breach", due, breach=True)]
