"""The console's read model: a report folded from its events in any order, once each; where
it stands in the queue as time passes; every event type of the contract consumed."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.console.domain import PROJECTED, fold, queue_row
from services.console.handlers import Projection
from services.console.routes import ROUTES
from shared.events import AccessRecorded, AlertKind, ContactMethod, Event, ReplyKind
from shared.events.staff import STAFF_EVENTS
from shared.routes import event_type_of
from shared.topics import TOPIC_BY_EVENT_TYPE, topic_for
from tests import alert_factories, factories
from tests.factories import NOW
from tests.fakes.console import FakeReportViews

SUBMITTED = factories.report_submitted()
FIRST = factories.report_classified(SUBMITTED, grade=3, rules_fired=["theft"])
REGRADED = factories.report_classified(
    SUBMITTED,
    grade=2,
    route="neighbourhood_policing",
    sequence=2,
    discriminator="2",
    rules_fired=["theft", "repeat_victim"],
    model_score=0.83,
    model_version="m1",
)
RAISED = alert_factories.alert_raised(SUBMITTED, at=NOW + timedelta(hours=13))
TARGET = factories.sla_target_set(SUBMITTED, version=2, due_in=timedelta(hours=1))
JOURNEY: list[Event] = [
    SUBMITTED,
    factories.report_updated(SUBMITTED),
    FIRST,
    REGRADED,
    factories.reference_issued(SUBMITTED, "LP-20261130-000001-G"),
    factories.sla_target_set(SUBMITTED, version=0),
    TARGET,
    factories.sla_at_risk(SUBMITTED, due_at=TARGET.due_at, threshold="50%", discriminator="2:50%"),
    factories.sla_at_risk(
        SUBMITTED, due_at=NOW + timedelta(hours=24), threshold="75%", discriminator="0:75%"
    ),
    factories.reply_failed(SUBMITTED, at=NOW + timedelta(minutes=1)),
    factories.reply_sent(SUBMITTED, at=NOW + timedelta(minutes=2)),
    factories.reply_delivered(SUBMITTED, at=NOW + timedelta(minutes=2)),
    RAISED,
    alert_factories.alert_escalated(RAISED, 1),
    alert_factories.alert_acknowledged(RAISED, by="Sgt Duty", at=NOW + timedelta(hours=14)),
    alert_factories.alert_resolved(RAISED, at=NOW + timedelta(hours=15)),
]


def test_the_journey_folds_into_the_record_staff_see() -> None:
    record = fold(JOURNEY)

    assert (record.reference, record.grade, record.route) == (
        "LP-20261130-000001-G",
        2,
        "neighbourhood_policing",
    )
    assert record.updates == ["I have remembered the bicycle's frame number."]
    assert record.contact is not None
    assert record.contact["email"] == "alex@example.org"
    sla = record.sla
    assert sla is not None
    assert (sla.due_at, sla.target_version, sla.warnings) == (TARGET.due_at, 2, ["50%"])
    assert sla.at_risk_from == NOW + timedelta(minutes=30)
    email, sms = sorted(record.replies, key=lambda r: r.channel or "")
    assert (email.state, email.subject, email.delivered_at) == (
        "delivered",
        "Your report LP-20261130-000001-G",
        NOW + timedelta(minutes=2),
    )
    assert email.body is not None
    assert "LP-20261130-000001-G" in email.body
    assert (sms.state, sms.failure) == ("failed", "provider says permanent-failure")
    (alert,) = record.alerts
    assert (alert.state, alert.step, alert.acknowledged_by) == ("resolved", 1, "Sgt Duty")
    assert alert.told == ["duty_inspector", "superintendent"]
    assert [entry.occurred_at for entry in record.timeline] == sorted(
        entry.occurred_at for entry in record.timeline
    )
    summaries = {entry.summary for entry in record.timeline}
    assert (
        "Regraded (assessment 2) 2, routed to neighbourhood_policing (rules: theft, "
        "repeat_victim; model 0.83)" in summaries
    )
    assert "Graded 3, routed to crime_bureau (rules: theft)" in summaries
    assert "Email reply delivered (acknowledgement)" in summaries


@settings(max_examples=150, deadline=None)
@given(st.permutations(JOURNEY), st.lists(st.sampled_from(JOURNEY), max_size=6))
def test_every_order_with_repeats_folds_to_the_same_record(
    order: list[Event], repeats: list[Event]
) -> None:
    assert fold([*order, *repeats]) == fold(JOURNEY)


def test_every_order_of_a_reply_and_its_outcomes_folds_alike() -> None:
    events = [
        factories.reply_sent(SUBMITTED, channel=ContactMethod.SMS),
        factories.reply_failed(SUBMITTED, channel=ContactMethod.SMS),
        factories.reply_sent(SUBMITTED, at=NOW + timedelta(minutes=1)),
        factories.reply_delivered(SUBMITTED, at=NOW + timedelta(minutes=1)),
        factories.reply_failed(SUBMITTED, channel=None, reply_kind=ReplyKind.HOLDING),
        SUBMITTED,
    ]
    folded = {repr(fold(order)) for order in itertools.permutations(events)}

    assert len(folded) == 1
    states = {(r.reply_kind, r.channel): r.state for r in fold(events).replies}
    assert states == {
        ("acknowledgement", "sms"): "failed",
        ("acknowledgement", "email"): "delivered",
        ("holding", None): "failed",
    }


def test_two_staff_replies_by_email_are_two_replies_each_with_its_words_and_fate() -> None:
    def staff_reply(request_id: uuid.UUID, at: datetime, body: str) -> Event:
        sent = factories.reply_sent(
            SUBMITTED, at=at, reply_kind=ReplyKind.STAFF_REPLY, request_id=request_id, body=body
        )  # the notifier's discriminator names the request: an event of its own
        return sent.model_copy(update={"event_id": uuid.uuid5(request_id, "ReplySent")})

    events = [
        SUBMITTED,
        staff_reply(uuid.uuid4(), NOW, "First words"),
        staff_reply(uuid.uuid4(), NOW + timedelta(hours=1), "Second words"),
        # An acknowledgement never sent: its failure is its only time.
        factories.reply_failed(SUBMITTED, at=NOW + timedelta(hours=2), channel=None, final=True),
    ]

    replies = {(r.reply_kind, r.body): r for r in fold(events).replies}

    assert set(replies) == {
        ("staff_reply", "First words"),
        ("staff_reply", "Second words"),
        ("acknowledgement", None),
    }
    assert replies[("staff_reply", "Second words")].sent_at == NOW + timedelta(hours=1)
    assert replies[("acknowledgement", None)].failed_at == NOW + timedelta(hours=2)


def test_the_queue_state_follows_the_clock_and_the_facts() -> None:
    submitted = factories.report_submitted()
    target = factories.sla_target_set(submitted, due_in=timedelta(hours=4))
    timed = [submitted, target]

    assert queue_row(fold([submitted]), NOW).state == "new"
    assert queue_row(fold(timed), NOW).state == "running"
    assert queue_row(fold(timed), NOW + timedelta(hours=2)).state == "at_risk"
    assert queue_row(fold(timed), NOW + timedelta(hours=4)).state == "breached"
    warned = [*timed, factories.sla_at_risk(submitted, due_at=target.due_at)]
    assert queue_row(fold(warned), NOW).state == "at_risk"
    broken = [*timed, factories.sla_breached(submitted, due_at=target.due_at)]
    assert queue_row(fold(broken), NOW).state == "breached"
    on_time = factories.sla_met(submitted, late=False)
    assert queue_row(fold([*broken, on_time]), NOW + timedelta(days=9)).state == "met"
    assert queue_row(fold([*timed, factories.sla_met(submitted)]), NOW).state == "met_late"
    anonymous = factories.report_submitted(contact=None)
    assert queue_row(fold([anonymous]), NOW).state == "no_clock"


def test_a_row_counts_open_alerts_and_shows_the_targets_grade_before_the_assessment() -> None:
    submitted = factories.report_submitted()
    raised = alert_factories.alert_raised(submitted)
    target = factories.sla_target_set(submitted, version=1, grade=1)

    row = queue_row(fold([submitted, target, raised]), NOW)

    assert (row.grade, row.route, row.open_alerts) == (1, None, 1)
    assert (
        queue_row(
            fold([submitted, raised, alert_factories.alert_resolved(raised)]), NOW
        ).open_alerts
        == 0
    )


def test_an_alerts_step_only_grows_and_resolved_is_final_whatever_the_order() -> None:
    """The cases the SLA watchdog's board of alerts once proved, now the console's (an
    alert has one acknowledgement event: its id is fixed, so a second is a redelivery)."""
    escalating = alert_factories.alert_raised(SUBMITTED, AlertKind.SLA_BREACHED, NOW)
    taken_on = alert_factories.alert_raised(
        SUBMITTED, AlertKind.SLA_AT_RISK, NOW + timedelta(minutes=1)
    )
    ended = alert_factories.alert_raised(
        SUBMITTED, AlertKind.REPLY_FAILED, NOW + timedelta(minutes=2)
    )
    events: list[Event] = [
        alert_factories.alert_escalated(escalating, 2),
        alert_factories.alert_escalated(escalating, 1),
        escalating,
        alert_factories.alert_acknowledged(taken_on, "Sgt Duty", NOW + timedelta(minutes=3)),
        taken_on,
        alert_factories.alert_resolved(ended),
        alert_factories.alert_acknowledged(ended, at=NOW + timedelta(minutes=5)),
        alert_factories.alert_escalated(ended, 1),
        ended,
    ]

    for order in (events, events[::-1]):
        first, second, third = fold(order).alerts
        assert (first.alert_id, first.state, first.step) == (escalating.alert_id, "open", 2)
        assert (second.state, second.acknowledged_by) == ("acknowledged", "Sgt Duty")
        assert (third.alert_id, third.state) == (ended.alert_id, "resolved")


def test_the_console_consumes_every_event_type_of_the_contract() -> None:
    def concrete(kind: type[Event]) -> set[type[Event]]:
        below = {k for sub in kind.__subclasses__() for k in concrete(sub)}
        has_type = "event_type" in kind.model_fields and event_type_of(kind) == kind.__name__
        return below | ({kind} if has_type else set())

    every_type = concrete(Event)
    about_reports = every_type - {AccessRecorded}  # not its own access log's entries

    assert {kind.__name__ for kind in every_type} == set(TOPIC_BY_EVENT_TYPE)
    # Its own staff events it projects too: at once, and again as they come back from Kafka.
    assert set(ROUTES.emits) == {AccessRecorded, *STAFF_EVENTS}
    assert set(ROUTES.routes) == {topic_for(kind.__name__) for kind in about_reports}
    assert set(PROJECTED) == about_reports


@pytest.mark.parametrize("event", JOURNEY, ids=lambda e: e.event_type)
async def test_each_event_is_projected_once_through_its_route(event: Event) -> None:
    views = FakeReportViews()
    dispatch = ROUTES.bind(Projection(views))

    for _ in range(2):
        await dispatch(topic_for(event.event_type), event.model_dump_json().encode())

    assert list(views.events[event.report_id]) == [event.event_id]
    assert await views.report(event.report_id) == fold([event])
