"""The console's API and pages, on fakes of its ports: each endpoint's answer, who is
refused (role, team), the access-log entry each look at personal data writes, and that no
entry holds what the reporter wrote or how to reach them."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from services.console.access import PublicAccess, RoleCheck
from services.console.api import queues_router, reports_router
from services.console.audit import AccessAction, AccessEntry
from services.console.audit_trail import query_digest
from services.console.pages import STATIC, STATIC_FILES, pages_router
from services.console.records import ClassificationRecord
from services.console.roles import Role, Staff
from services.console.search_api import search_router
from shared.http_limits import install_error_handlers
from tests.console_factories import DESCRIPTION, REPLY_BODY, reference, report_record, staff
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.console import FakeAccessLog, FakeAuthenticator, GivenRecords

KEY = "a-digest-key-of-at-least-thirty-two-bytes"
OPERATOR = staff(Role.OPERATOR, teams=("crime_bureau",), user="op")
OTHER_TEAM = staff(Role.OPERATOR, teams=("road_policing",), user="op2")
SUPERVISOR = staff(Role.SUPERVISOR, teams=(), user="sup")
VIEWER = staff(Role.VIEWER, teams=(), user="view")
AUDITOR = staff(Role.AUDITOR, teams=(), user="aud")
PERSONAL = (DESCRIPTION, REPLY_BODY, "Alex Example", "alex@example.co.uk", "7700900123", "Sam")


@dataclass
class Console:
    views: GivenRecords
    log: FakeAccessLog
    auth: FakeAuthenticator
    client: httpx.AsyncClient

    def as_(self, who: Staff | None) -> Console:
        self.auth.staff = who
        return self

    def actions(self) -> list[AccessAction]:
        return [entry.action for entry in self.log.recorded]


def routers(views: GivenRecords, log: FakeAccessLog) -> list[APIRouter]:
    clock = FrozenClock(NOW)
    return [
        queues_router(views, log, clock),
        reports_router(views, log, clock),
        search_router(views, log, clock, KEY),
        pages_router(),
    ]


def build_app(views: GivenRecords, log: FakeAccessLog, auth: FakeAuthenticator) -> FastAPI:
    app = FastAPI()
    app.state.authenticator = auth
    install_error_handlers(app)
    for router in routers(views, log):
        app.include_router(router)
    return app


@pytest.fixture
async def console() -> AsyncIterator[Console]:
    views, log, auth = GivenRecords(), FakeAccessLog(), FakeAuthenticator(OPERATOR)
    transport = httpx.ASGITransport(app=build_app(views, log, auth))
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield Console(views, log, auth, client)


def _routed(route: str, sequence: int, **overrides: Any) -> Any:
    base = report_record(reference=reference(sequence))
    assert base.classification is not None
    classification: ClassificationRecord = replace(base.classification, route=route)
    return replace(base, classification=classification, **overrides)


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
    mine, theirs = _routed("crime_bureau", 1), _routed("road_policing", 2)
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
    console.views.add(_routed("crime_bureau", 1), state="running")
    console.views.add(_routed("road_policing", 2, channel="phone"), state="breached")
    console.views.add(_routed("missing_persons", 3), state="at_risk")
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
    late = _routed("crime_bureau", 1)
    console.views.add(late, state="breached", open_alerts=1)
    console.views.add(_routed("crime_bureau", 2), state="met")
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
    console.views.add(_routed("crime_bureau", 1), state="breached")
    console.views.add(_routed("road_policing", 2), state="breached")
    console.views.add(_routed("road_policing", 3), state="met")

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


async def test_search_by_reference_finds_the_report(console: Console) -> None:
    record = report_record()
    console.views.add(record)

    answer = await console.as_(OPERATOR).client.get(f"/v1/search?reference={record.reference}")

    assert answer.status_code == 200
    assert answer.json()["report_id"] == str(record.report_id)
    [entry] = console.log.recorded
    assert (entry.action, entry.reference, entry.matches, entry.report_id) == (
        AccessAction.SEARCH_REFERENCE,
        record.reference,
        1,
        record.report_id,
    )


async def test_a_mistyped_reference_is_caught_and_the_existing_one_offered(
    console: Console,
) -> None:
    record = report_record(reference=reference(123))
    console.views.add(record)
    assert record.reference is not None
    typed = record.reference.replace("000123", "000124")

    answer = await console.as_(OPERATOR).client.get(f"/v1/search?reference={typed}")

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "reference"]
    assert answer.json()["suggestions"] == [record.reference]
    assert answer.headers["cache-control"] == "no-store"
    [entry] = console.log.recorded
    assert (entry.action, entry.reference, entry.matches) == (
        AccessAction.SEARCH_REFERENCE,
        typed,
        0,
    )


async def test_an_unknown_valid_reference_is_404_with_its_existing_neighbours(
    console: Console,
) -> None:
    neighbour = report_record(reference=reference(132))
    console.views.add(neighbour)

    answer = await console.as_(SUPERVISOR).client.get(f"/v1/search?reference={reference(123)}")

    assert answer.status_code == 404
    assert answer.json()["suggestions"] == [neighbour.reference]


async def test_search_by_report_id(console: Console) -> None:
    record = report_record()
    console.views.add(record)
    client = console.as_(OPERATOR).client

    found = await client.get(f"/v1/search?report_id={record.report_id}")
    missing = await client.get(f"/v1/search?report_id={uuid.uuid4()}")
    both = await client.get(f"/v1/search?report_id={record.report_id}&reference=x")
    bad = await client.get("/v1/search?report_id=not-a-uuid")

    assert (found.status_code, missing.status_code, both.status_code) == (200, 404, 422)
    assert bad.json()["detail"][0]["loc"][-1] == "report_id"
    assert [(e.action, e.matches) for e in console.log.recorded] == [
        (AccessAction.SEARCH_REPORT_ID, 1),
        (AccessAction.SEARCH_REPORT_ID, 0),
    ]


async def test_a_contact_search_is_logged_as_a_digest_and_a_count(console: Console) -> None:
    record = report_record()
    console.views.add(record)
    client = console.as_(SUPERVISOR).client

    by_email = await client.get("/v1/search/contact?email=Alex@Example.co.uk")
    by_phone = await client.get("/v1/search/contact", params={"phone": "07700 900123"})
    neither = await client.get("/v1/search/contact")

    assert [f["report_id"] for f in by_email.json()] == [str(record.report_id)]
    assert [f["report_id"] for f in by_phone.json()] == [str(record.report_id)]
    assert neither.status_code == 422
    first, second = console.log.recorded
    assert (first.action, first.matches) == (AccessAction.SEARCH_CONTACT, 1)
    assert first.query_digest == query_digest(KEY.encode(), email="alex@example.co.uk")
    assert second.query_digest == query_digest(KEY.encode(), phone="+447700900123")
    assert "alex" not in json.dumps(vars(first), default=str).lower()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "a@b"),
        ("email", "@@"),
        ("email", "x@y..z"),
        ("email", "a" * 250 + "@example.org"),
        ("phone", "+99912345678"),
        ("phone", "not a number"),
    ],
)
async def test_a_contact_search_for_no_address_or_number_is_422_before_any_query(
    console: Console, field: str, value: str
) -> None:
    answer = await console.as_(SUPERVISOR).client.get("/v1/search/contact", params={field: value})

    assert answer.status_code == 422, answer.text
    assert [p["loc"] for p in answer.json()["detail"]] == [["query", field]]
    assert value not in answer.text
    assert console.views.contact_queries == []
    assert console.log.recorded == []


async def test_a_contact_search_queries_and_digests_the_value_normalised_once(
    console: Console,
) -> None:
    client = console.as_(SUPERVISOR).client

    await client.get("/v1/search/contact", params={"email": " Alex@BÜCHER.example "})
    await client.get("/v1/search/contact", params={"phone": "+44 (0)7700 900123"})
    zeros = await client.get("/v1/search/contact", params={"phone": "0000000000"})

    assert zeros.json() == []  # a possible UK number, though none is stored: no 500
    assert console.views.contact_queries == [
        ("alex@xn--bcher-kva.example", None),
        (None, "+447700900123"),
        (None, "+44000000000"),
    ]
    by_email, by_phone, _ = console.log.recorded
    assert by_email.query_digest == query_digest(KEY.encode(), email="alex@bücher.example")
    assert by_phone.query_digest == query_digest(KEY.encode(), phone="07700900123")


async def test_each_search_names_the_reports_it_found_in_its_entry(console: Console) -> None:
    record, same_reporter = report_record(), _routed("road_policing", 7)
    console.views.add(record)
    console.views.add(replace(same_reporter, contact=record.contact))
    client = console.as_(SUPERVISOR).client

    await client.get("/v1/search/contact?email=alex@example.co.uk")
    await client.get(f"/v1/search?reference={record.reference}")
    await client.get(f"/v1/search?report_id={record.report_id}")
    await client.get(f"/v1/references/{record.reference}")
    await client.get("/v1/search/contact?email=nobody@example.org")

    contact, by_reference, by_id, looked_up, nothing = console.log.recorded
    assert set(contact.report_ids) == {record.report_id, same_reporter.report_id}
    assert contact.report_id is None
    assert by_reference.report_ids == by_id.report_ids == looked_up.report_ids
    assert by_id.report_ids == [record.report_id]
    assert nothing.report_ids == []


async def test_any_teams_operator_finds_a_report_but_sees_no_personal_data(
    console: Console,
) -> None:
    record = report_record()  # crime_bureau's
    console.views.add(record)
    client = console.as_(OTHER_TEAM).client

    by_reference = await client.get(f"/v1/search?reference={record.reference}")
    by_id = await client.get(f"/v1/search?report_id={record.report_id}")
    looked_up = await client.get(f"/v1/references/{record.reference}")
    opened = await client.get(f"/v1/reports/{record.report_id}")

    assert (by_reference.status_code, by_id.status_code, looked_up.status_code) == (200, 200, 200)
    fields = {"report_id", "reference", "report_type", "route", "received_at"}
    assert set(by_reference.json()) == set(by_id.json()) == fields
    assert set(looked_up.json()) == {
        "reference",
        "report_id",
        "report_type",
        "status",
        "received_at",
        "issued_at",
        "replied_at",
    }
    for answer in (by_reference, by_id, looked_up):
        assert not any(words in answer.text for words in PERSONAL)
    assert opened.status_code == 403


async def test_the_reference_lookup_answers_as_the_reference_issuer_did(console: Console) -> None:
    record = report_record()
    console.views.add(record)
    client = console.as_(OPERATOR).client

    answer = await client.get(f"/v1/references/{record.reference}")
    invalid = await client.get("/v1/references/LP-20261130-000123-X")
    unknown = await client.get(f"/v1/references/{reference(999)}")
    viewer = await console.as_(VIEWER).client.get(f"/v1/references/{record.reference}")

    assert answer.status_code == 200
    assert set(answer.json()) == {
        "reference",
        "report_id",
        "report_type",
        "status",
        "received_at",
        "issued_at",
        "replied_at",
    }
    assert answer.json()["status"] == "replied"
    assert (invalid.status_code, unknown.status_code, viewer.status_code) == (400, 404, 403)


async def test_no_entry_holds_what_the_reporter_wrote_or_how_to_reach_them(
    console: Console,
) -> None:
    record = report_record()
    console.views.add(record)
    sup = console.as_(SUPERVISOR).client
    for path in (
        f"/v1/reports/{record.report_id}",
        f"/v1/reports/{record.report_id}/contact",
        f"/v1/search?reference={record.reference}",
        "/v1/search/contact?email=alex@example.co.uk",
        "/v1/search/contact?phone=%2B447700900123",
        "/v1/queue.csv",
    ):
        assert (await sup.get(path)).status_code == 200, path

    assert len(console.log.recorded) == 6
    logged = json.dumps([vars(e) for e in console.log.recorded], default=str)
    for words in PERSONAL:
        assert words not in logged
    assert all(isinstance(e, AccessEntry) and e.at == NOW for e in console.log.recorded)


INLINE = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)


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
