"""The console's queues, figures, board of alerts and pages, on fakes of its ports: each
endpoint's answer, who is refused (role, team), the export's access-log entry, and the
pages' shells and static files."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import pytest
from fastapi.routing import APIRoute

from services.console.access import PublicAccess, RoleCheck
from services.console.audit import AccessAction
from services.console.pages import STATIC, STATIC_FILES
from services.console.roles import Staff
from tests.console_api_app import (
    AUDITOR,
    OPERATOR,
    OTHER_TEAM,
    PERSONAL,
    SUPERVISOR,
    VIEWER,
    Console,
    open_console,
    routed,
    routers,
)
from tests.console_factories import report_record
from tests.factories import NOW
from tests.fakes.console import FakeAccessLog, GivenRecords

INLINE = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)


@pytest.fixture
async def console() -> AsyncIterator[Console]:
    async with open_console() as opened:
        yield opened


async def test_the_queue_shows_references_and_no_personal_data(console: Console) -> None:
    record = report_record()
    console.views.add(record, state="at_risk", open_alerts=1)

    answer = await console.as_(VIEWER).client.get("/v1/queue")

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    [item] = answer.json()
    assert (item["reference"], item["state"], item["openable"]) == (
        record.reference,
        "at_risk",
        False,
    )
    assert item["seconds_to_breach"] == 3600.0
    assert not any(words in answer.text for words in PERSONAL)
    assert console.log.recorded == []


async def test_an_operator_sees_their_teams_queue_a_supervisor_every_team(console: Console) -> None:
    mine, theirs = routed("crime_bureau", 1), routed("road_policing", 2)
    console.views.add(mine)
    console.views.add(theirs)

    operator = (await console.as_(OPERATOR).client.get("/v1/queue")).json()
    supervisor = (await console.as_(SUPERVISOR).client.get("/v1/queue")).json()
    asked = await console.as_(OPERATOR).client.get("/v1/queue?team=road_policing")

    assert [i["reference"] for i in operator] == [mine.reference]
    assert operator[0]["openable"]
    assert {i["reference"] for i in supervisor} == {mine.reference, theirs.reference}
    assert asked.json() == []


async def test_the_queue_filters_are_repeatable(console: Console) -> None:
    console.views.add(routed("crime_bureau", 1), state="running")
    console.views.add(routed("road_policing", 2, channel="phone"), state="breached")
    console.views.add(routed("missing_persons", 3), state="at_risk")
    client = console.as_(SUPERVISOR).client

    teams = await client.get("/v1/queue?team=crime_bureau&team=road_policing")
    states = await client.get("/v1/queue?state=breached&state=at_risk&grade=3&type=crime")
    channel = await client.get("/v1/queue?channel=phone")

    assert {i["route"] for i in teams.json()} == {"crime_bureau", "road_policing"}
    assert {i["state"] for i in states.json()} == {"breached", "at_risk"}
    assert [i["route"] for i in channel.json()] == ["road_policing"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("team=nowhere", "team"),
        ("grade=7", "grade"),
        ("type=burglary", "type"),
        ("channel=fax", "channel"),
        ("state=lost", "state"),
    ],
)
async def test_a_bad_filter_is_refused_naming_it(console: Console, query: str, field: str) -> None:
    answer = await console.as_(VIEWER).client.get(f"/v1/queue?{query}")

    assert answer.status_code == 422
    assert [p["loc"][:2] for p in answer.json()["detail"]] == [["query", field]]


async def test_refused_without_sign_in_or_with_a_role_too_low(console: Console) -> None:
    assert (await console.as_(None).client.get("/v1/queue")).status_code == 401
    assert (await console.as_(AUDITOR).client.get("/v1/queue")).status_code == 403
    assert (await console.as_(VIEWER).client.get("/v1/queue.csv")).status_code == 403
    assert (
        await console.as_(OPERATOR).client.get("/v1/search/contact?email=a@b.c")
    ).status_code == 403
    assert console.auth.refusals == [("aud", "role"), ("view", "role"), ("op", "role")]


async def test_the_csv_export_is_logged_and_inert(console: Console) -> None:
    console.views.add(report_record(report_type='=HYPERLINK("http://evil")'))

    answer = await console.as_(SUPERVISOR).client.get("/v1/queue.csv?grade=3")

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["cache-control"] == "no-store"
    assert "'=HYPERLINK" in answer.text
    [entry] = console.log.recorded
    assert (entry.action, entry.matches, entry.shown, entry.user_id) == (
        AccessAction.EXPORT,
        1,
        ["queue"],
        "sup",
    )
    assert entry.at == NOW


async def test_breaches_compliance_and_the_alerts_board(console: Console) -> None:
    late = routed("crime_bureau", 1)
    console.views.add(late, state="breached", open_alerts=1)
    console.views.add(routed("crime_bureau", 2), state="met")
    client = console.as_(VIEWER).client

    breaches = (await client.get("/v1/breaches")).json()
    figures = (await client.get("/v1/compliance")).json()
    alerts = (await client.get("/v1/alerts")).json()

    assert [b["reference"] for b in breaches] == [late.reference]
    assert (figures["on_time"], figures["open_overdue"], figures["compliance"]) == (1, 1, 0.5)
    assert [(a["reference"], a["state"], a["kind"]) for a in alerts] == [
        (late.reference, "open", "sla_at_risk")
    ]
    assert (await console.as_(OTHER_TEAM).client.get("/v1/alerts")).json() == []


async def test_an_operators_figures_are_their_own_teams_as_their_queue_is(
    console: Console,
) -> None:
    console.views.add(routed("crime_bureau", 1), state="breached")
    console.views.add(routed("road_policing", 2), state="breached")
    console.views.add(routed("road_policing", 3), state="met")

    def overdue_and_on_time(figures: dict[str, int]) -> tuple[int, int]:
        return figures["open_overdue"], figures["on_time"]

    mine = (await console.as_(OPERATOR).client.get("/v1/compliance")).json()
    everyone = (await console.as_(VIEWER).client.get("/v1/compliance")).json()
    my_breaches = (await console.as_(OPERATOR).client.get("/v1/breaches")).json()

    assert overdue_and_on_time(mine) == (1, 0) == (len(my_breaches), 0)
    assert overdue_and_on_time(everyone) == (2, 1)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=2026-11-30T10:00:00Z&until=2026-11-30T09:00:00Z", "since"),
        ("since=1999-01-01T00:00:00Z", "since"),
        ("until=2026-11-30T09:00:00", "until"),
    ],
)
async def test_a_bad_window_is_refused_naming_it(console: Console, query: str, field: str) -> None:
    answer = await console.as_(VIEWER).client.get(f"/v1/compliance?{query}")

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == field


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/", VIEWER),
        (f"/reports/{uuid.uuid4()}", OPERATOR),
        ("/search", SUPERVISOR),
        ("/access-log", AUDITOR),
    ],
)
async def test_the_pages_are_shells_with_no_inline_script(
    console: Console, path: str, who: Staff
) -> None:
    answer = await console.as_(who).client.get(path)

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert "/static/console.js" in answer.text
    assert INLINE.search(answer.text) is None


async def test_pages_refuse_who_may_not_use_them(console: Console) -> None:
    assert (await console.as_(VIEWER).client.get(f"/reports/{uuid.uuid4()}")).status_code == 403
    assert (await console.as_(OPERATOR).client.get("/access-log")).status_code == 403
    assert (await console.as_(AUDITOR).client.get("/")).status_code == 403
    assert (await console.as_(None).client.get("/search")).status_code == 401


async def test_the_static_files_are_public_and_only_those_listed(console: Console) -> None:
    client = console.as_(None).client

    script = await client.get("/static/report.js")
    style = await client.get("/static/console.css")

    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "innerHTML" not in script.text
    assert style.headers["content-type"].startswith("text/css")
    assert (await client.get("/static/report.html")).status_code == 404
    assert (await client.get("/static/..%2Fapi.py")).status_code == 404


def test_every_route_names_who_may_call_it() -> None:
    every = [
        route for router in routers(GivenRecords(), FakeAccessLog()) for route in router.routes
    ]
    routes = [r for r in every if isinstance(r, APIRoute)]

    assert len(routes) >= 15
    for route in routes:
        calls = [d.call for d in route.dependant.dependencies]
        assert any(isinstance(c, RoleCheck | PublicAccess) for c in calls), route.path


def test_no_static_script_writes_html() -> None:
    for name in STATIC_FILES:
        text = (STATIC / name).read_text(encoding="utf-8")
        assert "innerHTML" not in text
        assert "insertAdjacentHTML" not in text
        assert "document.write" not in text
