"""The console's staff commands against what the review of issue 17 found: a duplicate of
a report the caller may not open is refused like an unknown one; a subject is one line; a
closed report refuses a second close whatever the key; a reroute leaves the report in the
new team's queue, held by nobody."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shared.events import ReportSubmitted
from tests import factories
from tests.console_desk import OPERATOR, REPLY, Desk, open_desk

DUPLICATE = {"outcome": "duplicate", "reply": {**REPLY, "template": "outcome.duplicate"}}
CRIME_RECORDED = {
    "outcome": "crime_recorded",
    "crime_reference": "CR/1/26",
    "reply": {**REPLY, "template": "outcome.crime_recorded"},
}


@pytest.fixture
async def desk() -> AsyncIterator[Desk]:
    async with open_desk() as opened:
        yield opened


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
    """Else an operator learns that another team's reference exists (202 against 422) and
    links their report to it: the other team's report would list theirs as a repeat."""
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
    """Else the event carries it, and the notifier's EmailMessage raises ValueError (not a
    DeliveryError) while it holds the reply's claim."""
    report = await desk.report(factories.report_submitted())

    answer = await desk.post(report, "replies", {**REPLY, "subject": subject})

    assert answer.status_code == 422
    assert desk.events() == []


async def test_the_close_of_a_closed_report_is_409_whatever_the_key(desk: Desk) -> None:
    """Two closes with different keys: the second meets the closed state."""
    report = await desk.report(factories.report_submitted())
    first = await desk.post(report, "close", CRIME_RECORDED)
    second = await desk.post(report, "close", CRIME_RECORDED)
    assert (first.status_code, second.status_code) == (202, 409)


async def test_a_report_rerouted_to_another_team_is_not_left_with_the_old_teams_assignee(
    desk: Desk,
) -> None:
    """After a claim and a reroute, the report waits in the new team's unassigned queue, not
    'assigned' to an operator who may no longer act on it."""
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
    back = await desk.post(report, "claim")  # nor may the old team's operator claim it back
    assert back.status_code == 403


async def test_a_text_message_longer_than_notify_takes_is_refused(desk: Desk) -> None:
    """GOV.UK Notify refuses a text message over 918 characters (400, a permanent failure):
    a reporter reached only by text gets no longer one, and nothing is written."""
    report = await desk.report(factories.report_submitted(), email=None, preferred_channel="sms")

    answer = await desk.post(report, "replies", {**REPLY, "body": "x" * 2000})

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == "body"
    assert desk.events() == []
    fits = await desk.post(report, "replies", {**REPLY, "body": "x" * 900})
    assert fits.status_code == 202
