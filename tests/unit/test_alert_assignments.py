"""Who has a report, on fakes: an at-risk report nobody claims raises the unassigned alert
after the policy's minutes (not when claimed in time); a claim resolves it, a hand-back
makes it unassigned again, a close resolves every alert and stops the timer; staff events
count by `action_number`, whatever their order. The assignee (or their team) is told once
per ReportAssigned, with none of the reporter's personal data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from services.alerting.assignments import NoticeFailedError
from services.alerting.domain import AlertState, NoticeFacts, unassigned_alert_id
from services.alerting.handlers import Alerting
from services.alerting.messages import notice_message
from services.alerting.policy import AlertPolicy
from shared.events import (
    AlertKind,
    AlertRaised,
    AlertResolved,
    Assignee,
    ReportAssigned,
    ReportSubmitted,
    ResolvedBecause,
    StaffActor,
    alert_id_of,
)
from tests import factories, staff_factories
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
            "crime-bureau": {"label": "Crime bureau", "email": "cb@police.example"},
            "sergeant": {"label": "Duty sergeant", "email": "s@police.example"},
        },
        "ladders": {
            "emergency": {
                "steps": [["control-room"]],
                "escalate_after_minutes": {1: 5, 2: 10, 3: 15, 4: 15},
            },
            "bureau": {
                "steps": [["crime-bureau"], ["sergeant"]],
                "escalate_after_minutes": {1: 10, 2: 10, 3: 30, 4: 30},
            },
        },
        "rules": [
            {"kinds": ["possible_emergency"], "ladder": "emergency"},
            {"kinds": ["sla_at_risk", "unassigned"], "route": "crime_bureau", "ladder": "bureau"},
        ],
        "staff": {"a.patel": {"email": "a.patel@police.example", "sms": "+447700900001"}},
        "unassigned_after_minutes": {1: 15, 2: 15, 3: 30, 4: 60},
    }
)
PATEL = StaffActor(user_id="sub-patel", username="a.patel", role="operator")
STRANGER = Assignee(user_id="sub-new", username="new.starter")


class Desk:
    """Alerting on fakes, with a frozen clock and its own ticks."""

    def __init__(self) -> None:
        self.alerts, self.pager, self.time = FakeAlerts(), RecordingPager(), FrozenClock(NOW)
        self.watches, self.notices = FakeWatches(), FakeNotices()
        self.alerting = Alerting(
            self.alerts,
            POLICY,
            self.pager,
            CountingMetrics(),
            self.time,
            watches=self.watches,
            notices=self.notices,
        )

    async def tick(self) -> None:
        for agenda in (self.alerting, self.alerting.assignments):
            for key in agenda.due():
                await agenda.check(key)

    async def after(self, minutes: float) -> None:
        self.time.advance(timedelta(minutes=minutes))
        await self.tick()

    def state(self, submitted: ReportSubmitted, assignment: int = 0) -> AlertState | None:
        alert = self.alerts.alerts.get(unassigned_alert_id(submitted.report_id, assignment))
        return None if alert is None else alert.state

    def resolved(self) -> list[tuple[AlertKind, ResolvedBecause]]:
        return [(e.kind, e.because) for e in self.alerts.published if isinstance(e, AlertResolved)]


def given_to(
    submitted: ReportSubmitted, number: int, assignee: Assignee | None, minutes: float = 0
) -> ReportAssigned:
    """A supervisor's assignment to a colleague (or, with none, back to the queue)."""
    return staff_factories.staff_event(
        ReportAssigned,
        submitted,
        number,
        actor=staff_factories.SUPERVISOR,
        at=NOW + timedelta(minutes=minutes),
        team="crime_bureau",
        assignee=assignee,
        claimed=False,
        report_type=submitted.report_type,
    )


async def at_risk(desk: Desk, submitted: ReportSubmitted) -> None:
    await desk.alerting.raise_at_risk(factories.sla_at_risk(submitted, grade=1))


async def test_an_at_risk_report_nobody_claims_raises_the_unassigned_alert_after_its_minutes() -> (
    None
):
    desk, submitted = Desk(), factories.report_submitted()
    await at_risk(desk, submitted)
    await at_risk(desk, submitted)  # redelivered

    await desk.after(14)
    assert desk.state(submitted) is None
    await desk.after(1)  # grade 1: 15 minutes
    await desk.alerting.assignments.resync()
    await desk.after(60)

    assert desk.state(submitted) is AlertState.OPEN
    raised = [e for e in desk.alerts.published if isinstance(e, AlertRaised)]
    unassigned = [e for e in raised if e.kind is AlertKind.UNASSIGNED]
    assert len(unassigned) == 1
    assert unassigned[0].alert_id == alert_id_of(submitted.report_id, AlertKind.UNASSIGNED)
    assert unassigned[0].told == ["crime-bureau"]
    assert unassigned[0].route == "crime_bureau"


async def test_a_report_claimed_in_time_raises_no_unassigned_alert_whatever_the_order() -> None:
    desk, early, late = Desk(), factories.report_submitted(), factories.report_submitted()
    await desk.alerting.learn_assignment(staff_factories.report_claimed(early, 1, actor=PATEL))
    await at_risk(desk, early)  # the claim arrived first
    await at_risk(desk, late)
    await desk.after(10)
    await desk.alerting.learn_assignment(staff_factories.report_claimed(late, 1, actor=PATEL))

    await desk.after(120)

    assert desk.state(early) is None
    assert desk.state(late) is None


async def test_a_claim_resolves_the_alert_and_a_hand_back_makes_the_report_unassigned_again() -> (
    None
):
    desk, submitted = Desk(), factories.report_submitted()
    await at_risk(desk, submitted)
    await desk.after(15)
    claim = staff_factories.report_claimed(
        submitted, 1, actor=PATEL, at=NOW + timedelta(minutes=20)
    )
    handback = given_to(submitted, 2, None, minutes=30)

    await desk.alerting.learn_assignment(handback)  # the hand-back arrives before the claim
    await desk.alerting.learn_assignment(claim)  # older: it resolves nothing
    assert desk.state(submitted) is AlertState.OPEN
    await desk.alerting.learn_assignment(
        staff_factories.report_claimed(submitted, 3, actor=PATEL, at=NOW + timedelta(minutes=31))
    )
    assert desk.state(submitted) is AlertState.RESOLVED
    await desk.alerting.learn_assignment(given_to(submitted, 4, None, minutes=40))
    await desk.after(39)  # 54 minutes: the second hand-back was 14 minutes ago
    assert desk.state(submitted, 4) is None
    await desk.after(1)

    assert desk.state(submitted, 4) is AlertState.OPEN
    assert desk.resolved() == [(AlertKind.UNASSIGNED, ResolvedBecause.ASSIGNED)]


async def test_a_close_resolves_every_open_alert_and_stops_the_unassigned_timer() -> None:
    desk, submitted, other = Desk(), factories.report_submitted(), factories.report_submitted()
    classified = factories.report_classified(
        submitted, grade=1, flags=["possible_emergency"], route="crime_bureau"
    )
    await desk.alerting.learn_classification(classified)
    await at_risk(desk, submitted)
    await at_risk(desk, other)
    await desk.after(10)
    await desk.alerting.close_report(staff_factories.report_closed(other, 1))  # in time
    await desk.alerting.raise_at_risk(factories.sla_at_risk(other, grade=1))  # late, redelivered
    await desk.after(6)
    assert desk.state(submitted) is AlertState.OPEN
    await desk.alerting.close_report(staff_factories.report_closed(submitted, 1))

    await desk.after(120)

    assert {a.state for a in desk.alerts.alerts.values()} == {AlertState.RESOLVED}
    assert sorted(desk.resolved()) == sorted(
        [
            (AlertKind.POSSIBLE_EMERGENCY, ResolvedBecause.REPORT_CLOSED),
            (AlertKind.SLA_AT_RISK, ResolvedBecause.REPORT_CLOSED),
            (AlertKind.UNASSIGNED, ResolvedBecause.REPORT_CLOSED),
            (AlertKind.SLA_AT_RISK, ResolvedBecause.REPORT_CLOSED),
        ]
    )
    assert desk.state(other) is None


async def test_the_assignee_is_told_once_on_their_own_channels_not_when_they_claim() -> None:
    desk, submitted = Desk(), factories.report_submitted()
    await desk.alerting.learn_reference(factories.reference_issued(submitted, "LP-1"))
    given = given_to(submitted, 2, Assignee(user_id="sub-patel", username="a.patel"))

    await desk.alerting.learn_assignment(staff_factories.report_claimed(submitted, 1, actor=PATEL))
    await desk.alerting.learn_assignment(given)
    await desk.alerting.learn_assignment(given)  # redelivered

    told = [(n.recipient, n.to_staff, n.channel) for n in desk.pager.notices]
    assert told == [("a.patel", True, "email"), ("a.patel", True, "sms")]
    facts = desk.pager.notices[0].facts
    assert (facts.reference, facts.report_type, facts.assigned_by) == (
        "LP-1",
        submitted.report_type,
        "supervisor",
    )


async def test_staff_the_policy_cannot_reach_and_a_report_back_in_its_queue_tell_the_team() -> None:
    desk, submitted = Desk(), factories.report_submitted()
    await desk.alerting.learn_assignment(given_to(submitted, 1, STRANGER))
    await desk.alerting.learn_assignment(given_to(submitted, 2, None))

    told = [(n.recipient, n.to_staff, n.channel) for n in desk.pager.notices]
    assert told == [("crime-bureau", False, "email")] * 2
    first, second = (n.facts for n in desk.pager.notices)
    assert first.assignee_unknown
    assert "no way to reach new.starter" in notice_message(first, "https://c/r").text
    assert second.assignee is None
    assert "Back in the crime_bureau queue" in notice_message(second, "https://c/r").subject


async def test_a_notice_that_failed_for_now_is_sent_once_on_the_redelivery() -> None:
    desk, submitted = Desk(), factories.report_submitted()
    given = given_to(submitted, 1, Assignee(user_id="sub-patel", username="a.patel"))
    desk.pager.failing["sms"] = False

    with pytest.raises(NoticeFailedError):
        await desk.alerting.learn_assignment(given)
    del desk.pager.failing["sms"]
    await desk.alerting.learn_assignment(given)
    await desk.alerting.learn_assignment(given)

    assert [n.channel for n in desk.pager.notices] == ["email", "sms"]


def test_a_notice_carries_none_of_the_reporters_personal_data() -> None:
    submitted = factories.report_submitted()
    assert submitted.contact is not None
    personal = [
        submitted.contact.name,
        submitted.contact.email,
        submitted.contact.phone,
        submitted.description,
    ]
    facts = NoticeFacts(
        submitted.report_id, "LP-20261130-000001-7", "crime", 2, "crime_bureau", "sgt", "a.patel"
    )

    message = notice_message(facts, "https://console.example/reports/1")

    for words in (
        message.subject,
        message.text,
        message.sms_text,
        json.dumps(message.webhook_body),
    ):
        assert "LP-20261130-000001-7" in words
        for value in personal:
            assert not value or value not in words
    assert message.webhook_body["links"] == {"report": "https://console.example/reports/1"}


def test_the_policy_refuses_unreachable_staff_and_incomplete_minutes_and_defaults_to_15() -> None:
    base = POLICY.model_dump(mode="json", exclude={"staff", "unassigned_after_minutes"})
    assert AlertPolicy.model_validate(base).unassigned_after(3) == timedelta(minutes=15)
    with pytest.raises(ValueError, match="a member of staff needs an email or an sms"):
        AlertPolicy.model_validate(base | {"staff": {"a.patel": {}}})
    with pytest.raises(ValueError, match="unassigned_after_minutes needs grades 1, 2, 3 and 4"):
        AlertPolicy.model_validate(base | {"unassigned_after_minutes": {1: 5}})
    assert POLICY.team_contacts("LP", "crime_bureau", 2) == [("crime-bureau", ["email"])]
    assert POLICY.team_contacts("LP", "road_policing", 2) == []
