"""Review of issue 17 (staff actions): each test here shows a finding of the review and
fails until it is fixed (see the review report for the fix)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from shared.events import ReportSubmitted
from tests import factories
from tests.unit.test_console_staff_api import (  # noqa: F401 - the fixture
    CRIME_RECORDED,
    OPERATOR,
    REPLY,
    Desk,
    desk,
)

DUPLICATE = {"outcome": "duplicate", "reply": {**REPLY, "template": "outcome.duplicate"}}


async def _report_of(desk: Desk, route: str) -> tuple[ReportSubmitted, str]:
    submitted = factories.report_submitted()
    reference = f"LP-20261130-{len(desk.views.events) + 1:06d}-7"
    for event in (
        submitted,
        factories.report_classified(submitted, route=route),
        factories.reference_issued(submitted, reference),
        factories.sla_target_set(submitted, 1),
    ):
        await desk.views.apply(event)
    return submitted, reference


async def test_a_duplicate_of_a_report_the_caller_may_not_open_is_refused_like_an_unknown_one(
    desk: Desk,
) -> None:
    """An operator learns that another team's reference exists (202 against 422) and links
    their report to it: the other team's report then lists theirs as a repeat."""
    mine = await desk.report(factories.report_submitted())
    _, theirs = await _report_of(desk, "road_policing")

    unknown = await desk.post(mine, "close", {**DUPLICATE, "duplicate_of": "LP-20261130-999999-7"})
    hidden = await desk.post(mine, "close", {**DUPLICATE, "duplicate_of": theirs})

    assert unknown.status_code == 422
    assert (hidden.status_code, hidden.json()) == (422, unknown.json())


@pytest.mark.parametrize("subject", ["Your report\r\nBcc: someone@example.org", "a\nb", "a\x00b"])
async def test_a_subject_with_a_line_break_or_control_character_is_refused(
    desk: Desk, subject: str
) -> None:
    """The console takes it (202) and the event carries it; the notifier's EmailMessage
    then raises ValueError (not a DeliveryError) while it holds the reply's claim."""
    report = await desk.report(factories.report_submitted())

    answer = await desk.post(report, "replies", {**REPLY, "subject": subject})

    assert answer.status_code == 422
    assert desk.events() == []


def test_the_notifiers_email_refuses_such_a_subject_with_a_plain_value_error() -> None:
    """What the notifier meets with such a subject: no injection (the default policy
    refuses it), but an unexpected error, retried and dead-lettered, the reply never sent
    and never told as failed."""
    message = EmailMessage()
    with pytest.raises(ValueError, match="linefeed or carriage return"):
        message["Subject"] = "Your report\r\nBcc: someone@example.org"


async def test_a_text_message_longer_than_notify_takes_is_refused(desk: Desk) -> None:
    """GOV.UK Notify refuses a text message over 918 characters (400, a permanent failure):
    the console takes a 5000-character body for a reporter reached only by text."""
    report = await desk.report(factories.report_submitted(), email=None, preferred_channel="sms")

    answer = await desk.post(report, "replies", {**REPLY, "body": "x" * 2000})

    assert answer.status_code == 422
    assert desk.events() == []


async def test_a_report_rerouted_to_another_team_is_not_left_with_the_old_teams_assignee(
    desk: Desk,
) -> None:
    """After a claim and a reroute, the report stays 'assigned' to an operator who may no
    longer act on it; the new team's unassigned queue and alerting's unassigned alert
    (which wait for no assignee) never see it."""
    report = await desk.report(factories.report_submitted())
    assert (await desk.post(report, "claim")).status_code == 202
    reroute = {"grade": 2, "route": "road_policing", "reason": "a collision, not a crime"}
    assert (await desk.post(report, "regrade", reroute)).status_code == 202

    record = await desk.views.report(report.report_id)
    assert record is not None
    assert record.route == "road_policing"
    assert OPERATOR.user_id == "op"
    assert (await desk.post(report, "notes", {"text": "still mine?"})).status_code == 403
    assert (record.work.state, record.work.assignee_id) == ("open", None)


async def test_the_close_of_a_closed_report_is_409_whatever_the_key(desk: Desk) -> None:
    """Control (passes): two closes with different keys; the second meets the closed state."""
    report = await desk.report(factories.report_submitted())
    first = await desk.post(report, "close", CRIME_RECORDED)
    second = await desk.post(report, "close", CRIME_RECORDED)
    assert (first.status_code, second.status_code) == (202, 409)


async def test_a_request_for_information_that_arrives_after_the_close_pauses_nothing() -> None:
    """The staff events are on different topics, so the watchdog may learn a close before
    the request for information it ended: the late request then pauses a closed report's
    clock for `answer_by` (5 days), and no threshold fires meanwhile (an outcome reply that
    fails leaves it silent)."""
    from datetime import timedelta

    from services.sla_watchdog.handlers import Watchdog
    from services.sla_watchdog.policy import Policy
    from shared.events import SlaPaused
    from tests import staff_factories
    from tests.factories import NOW
    from tests.fakes import FrozenClock
    from tests.fakes.sla_watchdog import FakeClocks

    clocks, time = FakeClocks(), FrozenClock(NOW)
    watchdog = Watchdog(clocks, Policy(), time)
    submitted = factories.report_submitted()
    await watchdog.start_clock(submitted)
    asked = staff_factories.information_requested(
        submitted, at=NOW + timedelta(hours=1), answer_by=NOW + timedelta(days=5)
    )
    closed = staff_factories.report_closed(submitted, 2, at=NOW + timedelta(hours=2))
    time.advance(timedelta(hours=3))

    await watchdog.resume_on_close(closed)  # action 2 first
    await watchdog.pause_clock(asked)  # then action 1

    assert [e for e in clocks.published if isinstance(e, SlaPaused)] == []


async def test_alerting_watches_a_rerouted_report_as_unassigned_for_its_new_team() -> None:
    """Claimed in crime_bureau, then rerouted to road_policing: the watch keeps the old
    assignee, so the new team is never told that nobody there has it."""
    from tests import staff_factories
    from tests.unit.test_alert_assignments import PATEL, at_risk
    from tests.unit.test_alert_assignments import Desk as AlertDesk

    desk, submitted = AlertDesk(), factories.report_submitted()
    await desk.alerting.learn_assignment(staff_factories.report_claimed(submitted, 1, actor=PATEL))
    rerouted = staff_factories.report_regraded(
        submitted, 2, grade=1, route="road_policing", previous_route="crime_bureau"
    )
    await desk.alerting.assignments.learn_regrade(rerouted)
    await at_risk(desk, submitted)

    watch = await desk.watches.watch(submitted.report_id)
    assert watch is not None
    assert (watch.team, watch.assignee) == ("road_policing", None)


def test_alerting_learns_a_reopening() -> None:
    """ReportClosed sets the watch `closed` for good (unguarded) and alerting does not
    consume ReportReopened: a reopened report never raises the unassigned alert again."""
    from services.alerting.routes import ROUTES
    from shared.topics import topic_for

    assert topic_for("ReportReopened") in ROUTES.topics.consumes


async def test_the_notifier_sends_a_staff_message_neutrally_when_it_knows_contact_must_be_safe() -> (
    None
):
    """The notifier trusts the event's `neutral` alone for staff messages, while its own
    replies follow `neutral_wording_required` on the facts it holds: a classification that
    adds the safe-contact flag after the console decided (a later assessment) leaves the
    message going from the force's own sender."""
    from services.notifier.domain import Sender
    from shared.events import SAFE_CONTACT_FLAG
    from tests.fakes.notifier import FakeReplyChannel
    from tests.unit.test_notifier_staff import _notifier, _submitted

    email = FakeReplyChannel()
    notifier, _ = _notifier(email)
    submitted = await _submitted(notifier)
    await notifier.record_classification(
        factories.report_classified(submitted, flags=[SAFE_CONTACT_FLAG])
    )
    for sent in list(email.sent):
        email.sent.remove(sent)  # the automatic reply, if any

    await notifier.record_reply_request(staff_factories_reply(submitted))

    (reply,) = email.sent
    assert reply.sender is Sender.NEUTRAL


def staff_factories_reply(submitted: ReportSubmitted):  # type: ignore[no-untyped-def]
    from tests import staff_factories

    return staff_factories.reply_requested(submitted)
