"""SLA policy maths: targets, business hours across bank holidays and clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from services.sla_watchdog.policy import (
    BusinessHours,
    Policy,
    add_business_time,
    target_for,
    thresholds,
)

DEFAULT = Policy()
ENGLAND = BusinessHours(nation="ENG")
SCOTLAND = BusinessHours(nation="SCT")
ENGLAND_ZONE = ZoneInfo("Europe/London")


def _utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_targets_by_grade_and_a_missing_person_is_always_grade_1() -> None:
    assert target_for(DEFAULT, 1, "crime") == timedelta(minutes=15)
    assert target_for(DEFAULT, 2, "crime") == timedelta(hours=1)
    assert target_for(DEFAULT, 4, "feedback") == timedelta(hours=24)
    assert target_for(DEFAULT, None, "crime") == timedelta(hours=24)
    assert target_for(DEFAULT, 4, "missing_person") == timedelta(minutes=15)


def test_a_type_override_wins_over_the_grade() -> None:
    policy = Policy(target_s_by_type={"fraud": 48 * 3600})

    assert target_for(policy, 2, "fraud") == timedelta(hours=48)


def test_calendar_thresholds_are_percentages_then_the_breach_in_order() -> None:
    started = _utc(2026, 11, 30, 9, 0)

    marks = thresholds(Policy(warn_before_s=(300,)), started, 1, "crime")

    assert [(m.name, m.at - started) for m in marks] == [
        ("50%", timedelta(minutes=7, seconds=30)),
        ("5m left", timedelta(minutes=10)),
        ("75%", timedelta(minutes=11, seconds=15)),
        ("90%", timedelta(minutes=13, seconds=30)),
        ("breach", timedelta(minutes=15)),
    ]
    assert marks[-1].breach


def test_business_hours_skip_the_easter_bank_holiday_weekend_in_england() -> None:
    thursday_4pm_bst = _utc(2026, 4, 2, 15, 0)

    due = add_business_time(thursday_4pm_bst, timedelta(hours=3), ENGLAND)

    # 1 h on Thursday; Good Friday, the weekend and Easter Monday are not worked.
    assert due == _utc(2026, 4, 7, 10, 0)  # Tuesday 11:00 BST


def test_scotland_works_easter_monday() -> None:
    thursday_4pm_bst = _utc(2026, 4, 2, 15, 0)

    due = add_business_time(thursday_4pm_bst, timedelta(hours=3), SCOTLAND)

    assert due == _utc(2026, 4, 6, 10, 0)  # Monday 11:00 BST: Easter Monday is worked


def test_business_hours_keep_true_working_hours_across_the_clock_change() -> None:
    friday_4pm_gmt = _utc(2026, 3, 27, 16, 0)  # clocks go forward on Sunday 29 March

    due = add_business_time(friday_4pm_gmt, timedelta(hours=2), ENGLAND)

    assert due == _utc(2026, 3, 30, 9, 0)  # Monday 10:00 BST: 1 h Friday, 1 h Monday


def test_a_start_outside_working_hours_waits_for_the_next_working_day() -> None:
    saturday_noon = _utc(2026, 11, 28, 12, 0)

    due = add_business_time(saturday_noon, timedelta(minutes=30), ENGLAND)

    assert due == _utc(2026, 11, 30, 9, 30)  # Monday 09:30 GMT


def test_business_hour_thresholds_fall_in_working_time() -> None:
    policy = Policy(business_hours_grades=frozenset({3}))
    started = _utc(2026, 4, 2, 15, 0)

    marks = thresholds(policy, started, 3, "crime")

    assert marks[-1].at == _utc(2026, 4, 9, 15, 0)
    for mark in marks:
        local = mark.at.astimezone(ENGLAND_ZONE)
        assert 9 <= local.hour <= 17
