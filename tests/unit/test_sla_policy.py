"""SLA policy maths: targets, business hours across bank holidays and clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from services.sla_watchdog.policy import (
    BusinessHours,
    Policy,
    add_business_time,
    business_time_between,
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


BUSINESS_GRADE_3 = Policy(business_hours_grades=frozenset({3}), warn_at_percent=(50,))


def test_a_calendar_pause_moves_what_falls_after_it_and_not_what_fell_before() -> None:
    started = _utc(2026, 11, 30, 9, 0)
    pause = (started + timedelta(hours=13), started + timedelta(hours=16))

    marks = thresholds(Policy(), started, 3, "crime", [pause])

    assert [(m.name, m.at - started) for m in marks] == [
        ("50%", timedelta(hours=12)),  # passed before the pause: stays
        ("75%", timedelta(hours=21)),
        ("90%", timedelta(hours=24, minutes=36)),
        ("breach", timedelta(hours=27)),
    ]


def test_two_calendar_pauses_add_up_and_their_order_of_telling_does_not_matter() -> None:
    started = _utc(2026, 11, 30, 9, 0)
    first = (started + timedelta(hours=1), started + timedelta(hours=3))
    second = (started + timedelta(hours=5), started + timedelta(hours=10))

    in_order = thresholds(Policy(), started, 3, "crime", [first, second])
    told_backwards = thresholds(Policy(), started, 3, "crime", [second, first])

    assert in_order[-1].at == started + timedelta(hours=24 + 2 + 5)
    assert in_order == told_backwards


def test_a_business_hours_pause_over_a_weekend_moves_by_the_business_time_it_took() -> None:
    friday_10am = _utc(2026, 12, 4, 10, 0)  # 24 working hours: due Wednesday 10:00
    friday_4pm_to_monday_11am = (_utc(2026, 12, 4, 16, 0), _utc(2026, 12, 7, 11, 0))

    unpaused = thresholds(BUSINESS_GRADE_3, friday_10am, 3, "crime")
    paused = thresholds(BUSINESS_GRADE_3, friday_10am, 3, "crime", [friday_4pm_to_monday_11am])

    assert unpaused[-1].at == _utc(2026, 12, 9, 10, 0)
    # 18 working hours were left at the pause, added again from Monday 11:00: 1 h of Friday
    # and 2 h of Monday were paused, not the 67 hours on the wall clock.
    assert paused[-1].at == _utc(2026, 12, 9, 13, 0)


def test_bank_holidays_inside_a_business_hours_pause_are_not_counted() -> None:
    wednesday_10am = _utc(2026, 12, 23, 10, 0)
    christmas_eve_4pm_to_tuesday_11am = (_utc(2026, 12, 24, 16, 0), _utc(2026, 12, 29, 11, 0))

    unpaused = thresholds(BUSINESS_GRADE_3, wednesday_10am, 3, "crime")
    paused = thresholds(
        BUSINESS_GRADE_3, wednesday_10am, 3, "crime", [christmas_eve_4pm_to_tuesday_11am]
    )

    # Christmas Day, the weekend and the Boxing Day holiday (Monday 28th) are not worked.
    assert unpaused[-1].at == _utc(2026, 12, 30, 10, 0)
    assert paused[-1].at == _utc(2026, 12, 30, 13, 0)
    assert business_time_between(*christmas_eve_4pm_to_tuesday_11am, ENGLAND) == timedelta(hours=3)
