"""Alerting's use cases on fakes: raised once, the ladder climbed with a frozen and a
jumping clock (every step once, in order, none skipped), stopped by an acknowledgement,
ended by the reply, and each page sent once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.alerting.domain import AlertState
from services.alerting.handlers import Alerting
from services.alerting.policy import AlertPolicy
from services.alerting.ports import PageInProgressError
from shared.events import (
    AcknowledgedVia,
    AlertEscalated,
    AlertKind,
    AlertRaised,
    AlertResolved,
    ReportSubmitted,
    ResolvedBecause,
    alert_id_of,
)
from tests import factories
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.alerting import (
    CountingMetrics,
    FakeAlerts,
    FakeNotices,
    FakeWatches,
    RecordingPager,
)

POLICY = AlertPolicy.model_validate(
    {
        "contacts": {
            "control-room": {"label": "Control room", "email": "cr@police.example"},
            "sergeant": {
                "label": "Duty sergeant",
                "email": "s@police.example",
                "sms": "+447700900001",
            },
            "inspector": {"label": "Duty inspector", "email": "i@police.example"},
        },
        "ladders": {
            "emergency": {
                "steps": [["control-room"], ["sergeant"], ["inspector"]],
                "escalate_after_minutes": {1: 5, 2: 10, 3: 15, 4: 15},
            }
        },
        "rules": [
            {"kinds": ["possible_emergency"], "ladder": "emergency"},
            {"kinds": ["sla_breached"], "route": "crime_bureau", "ladder": "emergency"},
        ],
    }
)


METRICS = CountingMetrics()


def _alerting() -> tuple[Alerting, FakeAlerts, RecordingPager, FrozenClock]:
    alerts, pager, time = FakeAlerts(), RecordingPager(), FrozenClock(NOW)
    METRICS.counts.clear()
    METRICS.acknowledge_seconds.clear()
    alerting = Alerting(
        alerts, POLICY, pager, METRICS, time, watches=FakeWatches(), notices=FakeNotices()
    )
    return alerting, alerts, pager, time


async def _emergency(alerting: Alerting) -> ReportSubmitted:
    submitted = factories.report_submitted()
    classified = factories.report_classified(
        submitted, grade=1, flags=["possible_emergency"], route="control_room"
    )
    await alerting.learn_classification(classified)
    return submitted


async def _page_published(alerting: Alerting, alerts: FakeAlerts) -> None:
    """Play the alert events back to the pager, as the service's own consumer does."""
    for event in list(alerts.published):
        if isinstance(event, AlertRaised):
            await alerting.page_raised(event)
        elif isinstance(event, AlertEscalated):
            await alerting.page_escalated(event)


def _steps(alerts: FakeAlerts) -> list[int]:
    return [
        0 if isinstance(e, AlertRaised) else e.step
        for e in alerts.published
        if isinstance(e, AlertRaised | AlertEscalated)
    ]


async def test_a_possible_emergency_raises_one_alert_and_pages_the_first_step() -> None:
    alerting, alerts, pager, _ = _alerting()
    submitted = await _emergency(alerting)
    await _emergency(alerting)  # another report
    classified_again = factories.report_classified(
        submitted, grade=1, flags=["possible_emergency"], route="control_room"
    )
    await alerting.learn_classification(classified_again)  # a redelivery

    await _page_published(alerting, alerts)

    raised = [e for e in alerts.published if isinstance(e, AlertRaised)]
    assert len(raised) == 2
    assert raised[0].alert_id == alert_id_of(submitted.report_id, AlertKind.POSSIBLE_EMERGENCY)
    assert raised[0].told == ["control-room"]
    assert raised[0].escalates_at == raised[0].occurred_at + timedelta(minutes=5)
    assert pager.told() == [(0, "control-room", "email")] * 2


async def test_the_ladder_climbs_at_the_configured_minute_with_a_frozen_clock() -> None:
    alerting, alerts, pager, time = _alerting()
    await _emergency(alerting)

    time.advance(timedelta(minutes=4, seconds=59))
    await _tick(alerting)
    assert _steps(alerts) == [0]

    time.advance(timedelta(seconds=1))  # 5 minutes: grade 1 waits 5
    await _tick(alerting)
    await _tick(alerting)
    assert _steps(alerts) == [0, 1]

    time.advance(timedelta(minutes=5))
    await _tick(alerting)
    time.advance(timedelta(hours=5))  # the top of the ladder: nothing more to tell
    await _tick(alerting)
    await _page_published(alerting, alerts)
    assert _steps(alerts) == [0, 1, 2]
    assert pager.told() == [
        (0, "control-room", "email"),
        (1, "sergeant", "email"),
        (1, "sergeant", "sms"),
        (2, "inspector", "email"),
    ]


async def test_a_clock_that_jumps_tells_every_skipped_step_once_in_order() -> None:
    alerting, alerts, _, time = _alerting()
    await _emergency(alerting)

    time.advance(timedelta(days=2))
    await _tick(alerting)
    await _tick(alerting)
    await alerting.resync()
    await _tick(alerting)

    assert _steps(alerts) == [0, 1, 2]


async def test_an_acknowledgement_stops_the_ladder_and_a_second_says_who_and_when() -> None:
    alerting, alerts, _, time = _alerting()
    submitted = await _emergency(alerting)
    alert_id = alert_id_of(submitted.report_id, AlertKind.POSSIBLE_EMERGENCY)
    time.advance(timedelta(minutes=2))

    first = await alerting.acknowledge(alert_id, "Sgt Patel", AcknowledgedVia.API)
    time.advance(timedelta(minutes=1))
    second = await alerting.acknowledge(alert_id, "Insp Jones", AcknowledgedVia.LINK)
    time.advance(timedelta(hours=1))
    await _tick(alerting)

    assert first is not None
    assert first.acknowledged_now
    assert second is not None
    assert not second.acknowledged_now
    ack = second.alert.acknowledgement
    assert ack is not None
    assert ack.by == "Sgt Patel"
    assert ack.at == NOW + timedelta(minutes=2)
    assert _steps(alerts) == [0]
    assert METRICS.acknowledge_seconds == [120.0]
    unknown = alert_id_of(submitted.event_id, AlertKind.UNASSIGNED)
    assert await alerting.acknowledge(unknown, "x", AcknowledgedVia.API) is None


async def test_a_delivered_reply_resolves_a_breach_alert_but_not_a_possible_emergency() -> None:
    alerting, alerts, _, time = _alerting()
    submitted = await _emergency(alerting)
    breach = factories.sla_breached(submitted)
    await alerting.raise_breach(breach)
    met = factories.sla_met(submitted)
    await alerting.resolve_on_reply(met)
    await alerting.raise_breach(breach)  # redelivered after the reply: stays resolved

    states = {a.kind: a.state for a in alerts.alerts.values()}
    assert states == {
        AlertKind.SLA_BREACHED: AlertState.RESOLVED,
        AlertKind.POSSIBLE_EMERGENCY: AlertState.OPEN,
    }
    time.advance(timedelta(hours=1))
    await _tick(alerting)
    escalated = [e for e in alerts.published if isinstance(e, AlertEscalated)]
    assert {e.kind for e in escalated} == {AlertKind.POSSIBLE_EMERGENCY}


async def test_no_rule_no_alert() -> None:
    alerting, alerts, _, _ = _alerting()
    submitted = factories.report_submitted()
    breach = factories.sla_breached(submitted, grade=4, route="road_policing", force_code=None)
    await alerting.raise_breach(breach)
    assert alerts.alerts == {}


async def test_each_page_is_sent_once_and_a_held_one_is_retried_not_repeated() -> None:
    alerting, alerts, pager, _ = _alerting()
    await _emergency(alerting)
    await _page_published(alerting, alerts)
    await _page_published(alerting, alerts)  # redelivered
    assert len(pager.sent) == 1

    (key,) = alerts.pages
    alerts.pages[key] = "sending"  # another instance holds it
    raised = next(e for e in alerts.published if isinstance(e, AlertRaised))
    with pytest.raises(PageInProgressError):
        await alerting.page_raised(raised)


async def test_a_failed_page_is_recorded_and_counted_and_the_others_still_go() -> None:
    alerting, alerts, pager, time = _alerting()
    pager.failing["sms"] = True
    await _emergency(alerting)
    time.advance(timedelta(minutes=5))
    await _tick(alerting)
    await _page_published(alerting, alerts)

    assert pager.told() == [(0, "control-room", "email"), (1, "sergeant", "email")]
    assert sorted(alerts.pages.values()) == ["failed_permanent", "sent", "sent"]
    assert METRICS.counts["paged:sms:failed_permanent"] == 1


async def _tick(alerting: Alerting) -> None:
    for alert_id in alerting.due():
        await alerting.check(alert_id)


async def test_a_page_that_failed_for_now_is_tried_again_with_backoff_until_sent_once() -> None:
    alerting, alerts, pager, time = _alerting()
    pager.failing["email"] = False  # the mail relay is down, for now
    await _emergency(alerting)
    await _page_published(alerting, alerts)

    time.advance(timedelta(seconds=14))
    await _tick(alerting)
    assert pager.sent == []
    time.advance(timedelta(seconds=1))  # the first retry, 15 s after the failure
    await _tick(alerting)
    del pager.failing["email"]  # the relay is back
    time.advance(timedelta(seconds=29))
    await _tick(alerting)
    assert pager.sent == []  # the second wait is 30 s
    time.advance(timedelta(seconds=1))
    await _tick(alerting)
    await _tick(alerting)
    await _page_published(alerting, alerts)  # a redelivery changes nothing

    assert pager.told() == [(0, "control-room", "email")]
    assert METRICS.counts["paged:email:failed_temporary"] == 2
    assert METRICS.counts["paged:email:sent"] == 1
    assert _steps(alerts) == [0]  # still within the first five minutes


async def test_a_failed_page_is_not_tried_again_once_the_alert_is_acknowledged() -> None:
    alerting, alerts, pager, time = _alerting()
    pager.failing["email"] = False
    submitted = await _emergency(alerting)
    await _page_published(alerting, alerts)
    alert_id = alert_id_of(submitted.report_id, AlertKind.POSSIBLE_EMERGENCY)
    await alerting.acknowledge(alert_id, "Sgt Patel", AcknowledgedVia.API)
    del pager.failing["email"]

    time.advance(timedelta(minutes=10))
    await alerting.resync()
    await _tick(alerting)

    assert pager.sent == []


async def test_a_breach_alert_takes_over_from_the_at_risk_one_and_a_late_reference_fills_in() -> (
    None
):
    policy = POLICY.model_copy(
        update={
            "rules": [
                *POLICY.rules,
                *AlertPolicy.model_validate(
                    {
                        "contacts": POLICY.contacts,
                        "ladders": POLICY.ladders,
                        "rules": [
                            {"kinds": ["possible_emergency", "sla_at_risk"], "ladder": "emergency"}
                        ],
                    }
                ).rules,
            ]
        }
    )
    alerts, time = FakeAlerts(), FrozenClock(NOW)
    alerting = Alerting(
        alerts,
        policy,
        RecordingPager(),
        METRICS,
        time,
        watches=FakeWatches(),
        notices=FakeNotices(),
    )
    submitted = factories.report_submitted()
    at_risk = factories.sla_at_risk(submitted)
    breach = factories.sla_breached(submitted)

    await alerting.raise_at_risk(at_risk)
    await alerting.learn_reference(factories.reference_issued(submitted, "LP-20261130-000009-X"))
    await alerting.raise_breach(breach)
    time.advance(timedelta(hours=1))
    await _tick(alerting)

    warning = alerts.alerts[alert_id_of(submitted.report_id, AlertKind.SLA_AT_RISK)]
    broken = alerts.alerts[alert_id_of(submitted.report_id, AlertKind.SLA_BREACHED)]
    assert warning.state is AlertState.RESOLVED
    assert warning.reference == "LP-20261130-000009-X"  # issued after it was raised
    assert broken.reference == "LP-20261130-000009-X"
    escalated = {e.kind for e in alerts.published if isinstance(e, AlertEscalated)}
    assert escalated == {AlertKind.SLA_BREACHED}
    resolved = [e for e in alerts.published if isinstance(e, AlertResolved)]
    assert [e.because for e in resolved] == [ResolvedBecause.SUPERSEDED]
