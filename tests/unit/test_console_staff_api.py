"""The staff commands through the console's API, on fakes of its ports: each answers 202
with its event, once under a retry with the same key; 428 without a key, 409 for the same
key with another request or a state that refuses it, 403 for who, 422 naming the field;
the read model shows the action at once; queues per person; the staff directory."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from services.console.audit import AccessAction
from services.console.ports import StaffMember
from services.console.roles import Role, Staff
from shared.events import (
    InformationRequested,
    ReportAssigned,
    ReportClosed,
    StaffAction,
)
from tests import factories
from tests.console_desk import OPERATOR, REPLY, Desk, open_desk
from tests.console_factories import staff
from tests.factories import NOW

COLLEAGUE = staff(Role.OPERATOR, teams=("crime_bureau",), user="op3")
OTHER_TEAM = staff(Role.OPERATOR, teams=("road_policing",), user="op2")
SUPERVISOR = staff(Role.SUPERVISOR, teams=(), user="sup")
VIEWER = staff(Role.VIEWER, teams=("crime_bureau",), user="view")
AUDITOR = staff(Role.AUDITOR, teams=(), user="aud")
ASK = {
    **REPLY,
    "template": "crime.more_information",
    "question": "Which way did they go?",
    "body": "Please answer here: {status_link}",
}
CRIME_RECORDED = {
    "outcome": "crime_recorded",
    "crime_reference": "CR/1/26",
    "reply": {**REPLY, "template": "outcome.crime_recorded"},
}


@pytest.fixture
async def desk() -> AsyncIterator[Desk]:
    async with open_desk() as opened:
        yield opened


async def test_a_claim_answers_its_event_and_the_next_read_shows_it(desk: Desk) -> None:
    report = await desk.report(factories.report_submitted())

    answer = await desk.post(report, "claim")

    assert answer.status_code == 202
    body = answer.json()
    assert body["event_type"] == "ReportAssigned"
    assert (body["action_number"], body["state"]) == (1, "assigned")
    (event,) = desk.events(ReportAssigned)
    assert str(event.event_id) == body["event_id"]
    assert event.actor.user_id == "op"
    view = (await desk.client.get(f"/v1/reports/{report.report_id}")).json()
    assert (view["work"]["state"], view["work"]["assignee_id"]) == ("assigned", "op")
    assert AccessAction.CLAIM in [entry.action for entry in desk.log.recorded]


async def test_a_retry_with_the_same_key_answers_the_same_and_writes_nothing(desk: Desk) -> None:
    report = await desk.report(factories.report_submitted())
    note = {"text": "Checked the CCTV log."}

    first = await desk.post(report, "notes", note, key="key-1")
    again = await desk.post(report, "notes", note, key="key-1")
    other = await desk.post(report, "notes", {"text": "Something else."}, key="key-1")

    assert first.json() == again.json()
    assert len(desk.events()) == 1
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()["detail"]


async def test_a_command_without_a_key_answers_428(desk: Desk) -> None:
    report = await desk.report(factories.report_submitted())

    answer = await desk.client.post(f"/v1/reports/{report.report_id}/claim")

    assert answer.status_code == 428
    assert desk.events() == []


@pytest.mark.parametrize("who", [VIEWER, AUDITOR, OTHER_TEAM])
async def test_those_who_may_not_act_are_refused_and_logged(desk: Desk, who: Staff) -> None:
    report = await desk.report(factories.report_submitted())

    answer = await desk.as_(who).post(report, "notes", {"text": "a note"})

    assert answer.status_code == 403
    assert desk.events() == []
    if who is OTHER_TEAM:  # the role check of `allow` notes its own refusals
        assert [entry.action for entry in desk.log.recorded] == [AccessAction.DENIED]


async def test_reopening_is_a_supervisors_and_only_of_a_closed_report(desk: Desk) -> None:
    report = await desk.report(factories.report_submitted())

    assert (await desk.post(report, "reopen", {"reason": "new evidence"})).status_code == 403
    assert (await desk.as_(SUPERVISOR).post(report, "reopen", {"reason": "new"})).status_code == 409
    assert (await desk.post(report, "close", CRIME_RECORDED)).status_code == 202
    assert (await desk.post(report, "notes", {"text": "after closing"})).status_code == 202
    assert (await desk.post(report, "claim")).status_code == 409
    reopened = await desk.post(report, "reopen", {"reason": "new evidence"})

    assert reopened.status_code == 202
    assert [e.action_number for e in desk.events(StaffAction)] == [1, 2, 3]
    assert reopened.json()["state"] == "open"


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        (
            "close",
            {"outcome": "crime_recorded", "reply": CRIME_RECORDED["reply"]},
            "crime_reference",
        ),
        ("close", {"outcome": "crime_recorded", "crime_reference": "CR/1"}, "reply"),
        ("close", {**CRIME_RECORDED, "reply": {**REPLY, "template": "x"}}, "template"),
        ("replies", {**REPLY, "template": "crime.more_information"}, "template"),
        ("replies", {**REPLY, "neutral": False}, "neutral"),
        ("information-requests", {**ASK, "body": "no link"}, "body"),
        ("regrade", {"grade": 2, "route": "nowhere", "reason": "why"}, "route"),
        ("regrade", {"grade": 3, "route": "crime_bureau", "reason": "why"}, "grade"),
        ("assign", {"assignee_user_id": "nobody"}, "assignee_user_id"),
        (
            "contacts",
            {"way": "phone_call", "reached": True, "contacted_at": "2030-01-01T00:00:00Z"},
            "contacted_at",
        ),
        (
            "close",
            {
                "outcome": "duplicate",
                "duplicate_of": "LP-20261130-999999-7",
                "reply": {**REPLY, "template": "outcome.duplicate"},
            },
            "duplicate_of",
        ),
    ],
)
async def test_bad_input_answers_422_naming_the_field(
    desk: Desk, action: str, body: dict[str, Any], field: str
) -> None:
    report = await desk.report(factories.report_submitted())

    answer = await desk.post(report, action, body)

    assert answer.status_code == 422
    assert field in [part for problem in answer.json()["detail"] for part in problem["loc"]]
    assert desk.events() == []


async def test_a_duplicate_names_another_report_never_its_own(desk: Desk) -> None:
    original = await desk.report(factories.report_submitted())
    repeat = await desk.report(factories.report_submitted())
    own = (await desk.views.report(repeat.report_id)).reference  # type: ignore[union-attr]
    other = (await desk.views.report(original.report_id)).reference  # type: ignore[union-attr]
    close = {"outcome": "duplicate", "reply": {**REPLY, "template": "outcome.duplicate"}}

    itself = await desk.post(repeat, "close", {**close, "duplicate_of": own})
    closed = await desk.post(repeat, "close", {**close, "duplicate_of": other})

    assert itself.status_code == 422
    assert closed.status_code == 202
    (event,) = desk.events(ReportClosed)
    assert event.duplicate_of_report_id == original.report_id
    linked = await desk.views.report(original.report_id)
    assert linked is not None
    assert linked.work.duplicates == [repeat.report_id]


async def test_a_request_for_information_waits_and_its_wording_is_the_servers(desk: Desk) -> None:
    report = await desk.report(factories.report_submitted(), safe_times="after 6pm")

    asked = await desk.post(report, "information-requests", ASK)
    again = await desk.post(report, "information-requests", ASK)

    assert asked.json()["state"] == "awaiting_information"
    assert again.status_code == 409
    (event,) = desk.events(InformationRequested)
    assert event.answer_by == NOW + timedelta(days=5)
    assert event.message.neutral  # limited safe times: neutral wording, decided here
    assert event.message.request_id == uuid.uuid5(event.event_id, "message")


async def test_an_anonymous_report_gets_no_message_and_closes_without_a_reply(
    desk: Desk,
) -> None:
    report = await desk.report(factories.report_submitted(contact=None))

    assert (await desk.post(report, "replies", REPLY)).status_code == 409
    closed = await desk.post(report, "close", {"outcome": "information_only"})

    assert closed.status_code == 202


async def test_an_operator_may_only_make_a_report_more_urgent(desk: Desk) -> None:
    report = await desk.report(factories.report_submitted())
    calmer = {"grade": 4, "route": "crime_bureau", "reason": "nothing urgent"}

    assert (await desk.post(report, "regrade", calmer)).status_code == 403
    assert (await desk.as_(SUPERVISOR).post(report, "regrade", calmer)).status_code == 202
    record = await desk.views.report(report.report_id)
    assert record is not None
    assert (record.grade, record.classification.grade) == (4, 3)  # type: ignore[union-attr]


async def test_queues_per_person_and_the_directory(desk: Desk) -> None:
    mine = await desk.report(factories.report_submitted())
    theirs = await desk.report(factories.report_submitted())
    nobodys = await desk.report(factories.report_submitted())
    await desk.as_(COLLEAGUE).post(theirs, "claim")  # the colleague is remembered as they act
    await desk.as_(OPERATOR).post(mine, "claim")

    async def queue(assignee: str) -> list[str]:
        answer = await desk.client.get("/v1/queue", params={"assignee": assignee})
        return [item["report_id"] for item in answer.json()]

    assert await queue("me") == [str(mine.report_id)]
    assert await queue("op3") == [str(theirs.report_id)]
    assert await queue("none") == [str(nobodys.report_id)]
    team = (await desk.client.get("/v1/staff", params={"team": "crime_bureau"})).json()
    assert [member["user_id"] for member in team] == ["op", "op3"]
    given = await desk.post(nobodys, "assign", {"assignee_user_id": "op3"})
    assert given.json()["state"] == "assigned"
    assert sorted(await queue("op3")) == sorted([str(theirs.report_id), str(nobodys.report_id)])
    back = await desk.post(nobodys, "assign", {"assignee_user_id": None})
    assert back.json()["state"] == "open"
    staff_of = "/v1/staff"
    assert (await desk.client.get(staff_of, params={"team": "road_policing"})).status_code == 403
    assert (await desk.client.get(staff_of)).status_code == 422  # a team is always named
    viewer = desk.as_(VIEWER).client
    assert (await viewer.get(staff_of, params={"team": "crime_bureau"})).status_code == 403


async def test_a_closed_report_leaves_the_queue_and_the_export_names_what_it_held(
    desk: Desk,
) -> None:
    open_one = await desk.report(factories.report_submitted())
    closed_one = await desk.report(factories.report_submitted())
    await desk.post(closed_one, "close", CRIME_RECORDED)

    export = await desk.as_(SUPERVISOR).client.get("/v1/queue.csv")

    header, *rows = export.text.strip().splitlines()
    assert {"work_state", "assignee_id", "paused"} <= set(header.split(","))
    assert len(rows) == 1
    assert str(open_one.report_id) in rows[0]
    (entry,) = [e for e in desk.log.recorded if e.action == AccessAction.EXPORT]
    assert entry.report_ids == [open_one.report_id]


async def test_two_commands_racing_for_one_number_both_land_in_order(desk: Desk) -> None:
    report = await desk.report(factories.report_submitted())
    store, racer = desk.store, desk.store.append
    raced = False

    async def append_after_a_rival(report_id: uuid.UUID, seen: int, command: Any) -> bool:
        nonlocal raced
        if not raced:  # a rival's note takes this number first
            raced = True
            desk.as_(COLLEAGUE)
            assert (await desk.post(report, "notes", {"text": "rival"})).status_code == 202
            desk.as_(OPERATOR)
        return await racer(report_id, seen, command)

    store.append = append_after_a_rival  # type: ignore[method-assign]
    answer = await desk.post(report, "notes", {"text": "mine"})

    assert answer.json()["action_number"] == 2
    numbered = [(e.actor.user_id, e.action_number) for e in desk.events(StaffAction)]
    assert numbered == [("op3", 1), ("op", 2)]
    assert store.refused == 1


def test_the_directory_keeps_no_secret() -> None:
    assert set(StaffMember.__dataclass_fields__) == {
        "user_id",
        "username",
        "roles",
        "teams",
        "last_seen",
    }
