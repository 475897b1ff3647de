"""Alerting's watch of a report against staff events in any order (by `action_number`):
a reroute leaves the report unassigned in the new team's queue, its wait starting then;
a reopening watches a closed report again, unless a later close stands."""

from __future__ import annotations

from datetime import timedelta

from services.alerting.routes import ROUTES
from shared.events import AlertKind, ResolvedBecause
from shared.topics import topic_for
from tests import factories, staff_factories
from tests.factories import NOW
from tests.unit.test_alert_assignments import PATEL, Desk, at_risk


async def test_alerting_watches_a_rerouted_report_as_unassigned_for_its_new_team() -> None:
    """Claimed in crime_bureau, then rerouted to road_policing: else the watch keeps the
    old assignee, and the new team is never told that nobody there has it."""
    desk, submitted = Desk(), factories.report_submitted()
    await desk.alerting.learn_assignment(staff_factories.report_claimed(submitted, 1, actor=PATEL))
    rerouted = staff_factories.report_regraded(
        submitted, 2, grade=1, route="road_policing", previous_route="crime_bureau"
    )
    await desk.alerting.assignments.learn_regrade(rerouted)
    await at_risk(desk, submitted)

    watch = await desk.watches.watch(submitted.report_id)
    assert watch is not None
    assert (watch.team, watch.assignee) == ("road_policing", None)


async def test_the_unassigned_wait_of_a_rerouted_report_starts_at_the_reroute() -> None:
    """The reroute, learnt before the older claim, stands; the alert comes its minutes
    after the reroute, and a regrade within the team moves nobody."""
    desk, submitted = Desk(), factories.report_submitted()
    await at_risk(desk, submitted)
    rerouted = staff_factories.report_regraded(
        submitted, 2, grade=1, route="road_policing", at=NOW + timedelta(minutes=10)
    )
    await desk.alerting.learn_regrade(rerouted)
    await desk.alerting.learn_assignment(staff_factories.report_claimed(submitted, 1, actor=PATEL))
    await desk.alerting.learn_regrade(staff_factories.report_regraded(submitted, 3, grade=1))

    await desk.after(20)
    assert desk.state(submitted, 2) is None
    await desk.after(6)
    assert desk.state(submitted, 2) is not None


def test_alerting_learns_a_reopening() -> None:
    """Else a close sets the watch closed for good, and a reopened report never raises the
    unassigned alert again."""
    assert topic_for("ReportReopened") in ROUTES.topics.consumes


async def test_closed_means_the_newest_close_is_newer_than_the_newest_reopening() -> None:
    desk, submitted = Desk(), factories.report_submitted()
    await at_risk(desk, submitted)
    reopened = staff_factories.report_reopened(submitted, 3)
    await desk.alerting.reopen_report(reopened)
    await desk.alerting.close_report(staff_factories.report_closed(submitted, 2))  # late
    await desk.alerting.reopen_report(reopened)  # twice

    watch = await desk.watches.watch(submitted.report_id)
    assert watch is not None
    assert not watch.closed
    assert (AlertKind.SLA_AT_RISK, ResolvedBecause.REPORT_CLOSED) not in desk.resolved()

    await desk.alerting.close_report(staff_factories.report_closed(submitted, 4))

    watch = await desk.watches.watch(submitted.report_id)
    assert watch is not None
    assert watch.closed
    assert (AlertKind.SLA_AT_RISK, ResolvedBecause.REPORT_CLOSED) in desk.resolved()


async def test_a_reopened_report_nobody_claims_raises_the_unassigned_alert() -> None:
    desk, submitted = Desk(), factories.report_submitted()
    await at_risk(desk, submitted)
    await desk.alerting.close_report(staff_factories.report_closed(submitted, 1))
    await desk.after(20)
    assert desk.state(submitted) is None

    await desk.alerting.reopen_report(staff_factories.report_reopened(submitted, 2))
    await desk.tick()

    assert desk.state(submitted) is not None
