"""SLA policy maths, pure: targets per grade and report type, in calendar time or business
hours (with each UK nation's bank holidays), and the warning thresholds before a breach.

Business time is walked day by day in the force's time zone, so a target that crosses a
bank-holiday weekend skips it, and one that crosses a clock change keeps true working hours.
"""

from __future__ import annotations

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


def thresholds(
    policy: Policy, started: datetime, grade: int | None, report_type: str | None
) -> list[Threshold]:
    """Every warning and the breach of a clock started at `started`, in time order."""
    target = target_for(policy, grade, report_type)
    if _uses_business_hours(policy, grade, report_type):

        def after(elapsed: timedelta) -> datetime:
            return add_business_time(started, elapsed, policy.business_hours)
    else:

        def after(elapsed: timedelta) -> datetime:
            return started + elapsed

    due = after(target)
    marks = [Threshold(f"{p}%", after(target * p / 100)) for p in policy.warn_at_percent]
    marks += [
        Threshold(f"{s // 60}m left", after(target - timedelta(seconds=s)))
        for s in policy.warn_before_s
        if timedelta(seconds=s) < target
    ]
    ordered = sorted(marks, key=lambda threshold: threshold.at)
    return [*ordered, Threshold("breach", due, breach=True)]
