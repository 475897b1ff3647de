"""The console's report view and contact details, on fakes of its ports: who may open a
report, the access-log entry of each view and disclosure, refusals logged."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from services.console.audit import AccessAction
from tests.console_api_app import (
    AUDITOR,
    OPERATOR,
    OTHER_TEAM,
    SUPERVISOR,
    VIEWER,
    Console,
    open_console,
)
from tests.console_factories import DESCRIPTION, REPLY_BODY, report_record


@pytest.fixture
async def console() -> AsyncIterator[Console]:
    async with open_console() as opened:
        yield opened


async def test_the_report_view_is_logged_with_the_parts_shown(console: Console) -> None:
    record = report_record()
    console.views.add(record)

    answer = await console.as_(OPERATOR).client.get(f"/v1/reports/{record.report_id}")

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["description"] == DESCRIPTION
    assert body["replies"][0]["body"] == REPLY_BODY
    assert body["contact"]["email"] == "a•••@e•••.co.uk"
    [entry] = console.log.recorded
    assert entry.action is AccessAction.VIEW_REPORT
    assert (entry.report_id, entry.reference, entry.user_id, entry.roles) == (
        record.report_id,
        record.reference,
        "op",
        ["operator"],
    )
    assert entry.shown == body["shown"]
    assert "contact_masked" in entry.shown


async def test_another_teams_report_is_refused_and_the_refusal_logged(console: Console) -> None:
    record = report_record()
    console.views.add(record)

    answer = await console.as_(OTHER_TEAM).client.get(f"/v1/reports/{record.report_id}")
    contact = await console.client.get(f"/v1/reports/{record.report_id}/contact")

    assert (answer.status_code, contact.status_code) == (403, 403)
    assert DESCRIPTION not in answer.text
    assert [(e.action, e.report_id, e.detail) for e in console.log.recorded] == [
        (AccessAction.DENIED, record.report_id, "team")
    ] * 2


async def test_a_viewer_or_auditor_may_not_open_a_report(console: Console) -> None:
    record = report_record()
    console.views.add(record)

    for who in (VIEWER, AUDITOR):
        answer = await console.as_(who).client.get(f"/v1/reports/{record.report_id}")
        assert answer.status_code == 403
    assert console.log.recorded == []
    assert len(console.auth.refusals) == 2


async def test_an_unknown_report_is_404_and_nothing_logged(console: Console) -> None:
    answer = await console.as_(SUPERVISOR).client.get(f"/v1/reports/{uuid.uuid4()}")

    assert answer.status_code == 404
    assert console.log.recorded == []


async def test_revealing_the_contact_details_is_a_logged_disclosure(console: Console) -> None:
    record = report_record()
    console.views.add(record)
    anonymous = report_record(contact=None)
    console.views.add(anonymous)

    answer = await console.as_(SUPERVISOR).client.get(f"/v1/reports/{record.report_id}/contact")
    none = await console.client.get(f"/v1/reports/{anonymous.report_id}/contact")

    assert answer.status_code == 200
    assert answer.json()["email"] == "alex@example.co.uk"
    assert not answer.json()["masked"]
    assert none.status_code == 404
    [entry] = console.log.recorded
    assert (entry.action, entry.report_id, entry.shown) == (
        AccessAction.REVEAL_CONTACT,
        record.report_id,
        ["contact"],
    )
