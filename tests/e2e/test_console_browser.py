"""The console in a real headless browser (Debian's chromium via Playwright), signed in
through the test stack's Keycloak login page: each role lands on its page; the operator
finds a report by its reference and reads its timeline and the exact reply sent; the
viewer sees the queue but no personal data and cannot open the report; the auditor reads
the access log of those views, which holds none of the reporter's words; an anonymous
visitor is sent to sign in; sign-out ends the session. Every page runs under the strict
Content-Security-Policy without a violation."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from playwright.async_api import (
    BrowserContext,
)
from pymongo import AsyncMongoClient

from services.console.app import create_app
from shared.events import Event, ReportSubmitted
from shared.mongo import Document
from shared.references import format_reference
from shared.topics import topic_for
from tests import factories
from tests.conftest import Servers, console_settings
from tests.e2e.browser import WAIT_MS, Watched, assert_strict_csp_kept, sign_in
from tests.integration.conftest import eventually, free_port, publish, served_on_free_port

pytestmark = pytest.mark.e2e


@dataclass
class Console:
    url: str
    issuer: str
    database: str
    report: ReportSubmitted
    reference: str
    canary: str
    reply_subject: str
    reply_body: str


def _journey(canary: str, reference: str) -> tuple[ReportSubmitted, list[Event]]:
    received = datetime.now(UTC) - timedelta(minutes=20)
    contact = factories.contact(name=f"Alex {canary}", email=f"{canary.lower()}@example.org")
    submitted = factories.report_submitted(
        received_at=received,
        occurred_at=received,
        description=f"My bicycle was taken from the library rack. {canary}",
        contact=contact,
    )
    body = f"Thank you for your report {reference}. We will reply within 24 hours."
    return submitted, [
        submitted,
        factories.report_classified(submitted, grade=3, route="crime_bureau"),
        factories.reference_issued(submitted, reference),
        factories.sla_target_set(submitted, version=1, due_in=timedelta(hours=24), grade=3),
        factories.reply_sent(
            submitted,
            at=received + timedelta(minutes=1),
            subject=f"Your report {reference}",
            body=body,
        ),
        factories.reply_delivered(submitted, at=received + timedelta(minutes=2)),
    ]


@pytest.fixture(scope="module")
async def console(servers: Servers) -> AsyncIterator[Console]:
    """A console on a loopback port, its read model holding one report's journey."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database = f"console_browser_{uuid.uuid4().hex[:12]}"
    settings = console_settings(servers, database, public_url=url)
    canary = f"CANARY{uuid.uuid4().hex[:10].upper()}"
    reference = format_reference("LP", datetime.now(UTC).date(), int(uuid.uuid4().int % 900_000))
    submitted, events = _journey(canary, reference)
    producer = AIOKafkaProducer(**servers.kafka_options(), acks="all")
    await producer.start()
    try:
        async with served_on_free_port(create_app(settings), port=port):
            for event in events:
                await publish(producer, topic_for(event.event_type), event)
            await _folded(servers, database, submitted, len(events))
            reply = events[4]
            yield Console(
                url, settings.oidc_issuer, database, submitted, reference, canary,
                str(getattr(reply, "subject", "")), str(getattr(reply, "body", "")),
            )  # fmt: skip
    finally:
        await producer.stop()


async def _folded(servers: Servers, database: str, report: ReportSubmitted, count: int) -> None:
    client: AsyncMongoClient[Document] = AsyncMongoClient(servers.mongo_uri, tz_aware=True)
    try:

        async def all_in() -> bool:
            stored = await client[database]["reports"].find_one({"_id": str(report.report_id)})
            return stored is not None and len(stored["events"]) == count

        await eventually(all_in, what="the report's events in the console's read model")
    finally:
        await client.close()


@pytest.mark.parametrize(
    ("username", "home", "roles"),
    [
        ("viewer", "/", "viewer"),
        ("operator", "/", "operator"),
        ("supervisor", "/", "supervisor"),
        ("auditor", "/access-log", "auditor"),
    ],
)
async def test_each_role_signs_in_through_the_providers_login_page(
    console: Console,
    context: tuple[BrowserContext, Watched],
    username: str,
    home: str,
    roles: str,
) -> None:
    _, watched = context
    page = await sign_in(console, context, username, home)
    who = await page.inner_text("#who")
    shown_links = await page.locator("header nav a:visible").all_inner_texts()
    assert who == f"{username} ({roles})"
    assert (
        shown_links
        == {
            "viewer": ["Queue"],
            "operator": ["Queue", "Search"],
            "supervisor": ["Queue", "Search"],
            "auditor": ["Access log"],
        }[username]
    )
    await assert_strict_csp_kept(page, watched)
    assert watched.errors == []


async def test_the_operator_finds_the_report_by_reference_and_reads_the_reply_sent(
    console: Console, context: tuple[BrowserContext, Watched]
) -> None:
    _, watched = context
    page = await sign_in(console, context, "operator", "/search")
    await page.fill("#by-reference input[name=reference]", console.reference.lower())
    await page.click("#by-reference button[type=submit]")
    await page.wait_for_url(f"{console.url}/reports/{console.report.report_id}", timeout=WAIT_MS)
    reply = page.locator("#timeline li.reply.state-delivered")
    await reply.wait_for(timeout=WAIT_MS)
    title = await page.inner_text("#title")
    description = await page.inner_text("#description")
    reply_lines = await reply.locator("div").all_inner_texts()
    reply_heading = await reply.locator("strong").inner_text()
    events = await page.locator("#timeline li[data-event-id]").count()
    contact = await page.inner_text("#contact")
    await assert_strict_csp_kept(page, watched)

    assert title == console.reference
    assert console.canary in description
    assert reply_heading.endswith("by email: delivered")
    assert f"Subject: {console.reply_subject}" in reply_lines
    assert console.reply_body in reply_lines  # the exact text sent, as its own block
    assert events == 6  # every event of the journey, in the timeline
    assert console.canary not in contact  # masked until asked for
    assert watched.errors == []


async def test_the_viewer_sees_the_queue_row_but_no_personal_data_and_cannot_open_it(
    console: Console, context: tuple[BrowserContext, Watched]
) -> None:
    _, watched = context
    page = await sign_in(console, context, "viewer", "/")
    row = page.locator(f'#queue tr[data-report-id="{console.report.report_id}"]')
    await row.wait_for(timeout=WAIT_MS)
    cells = await row.locator("td").all_inner_texts()
    links_in_row = await row.locator("a").count()
    whole_page = await page.content()
    await assert_strict_csp_kept(page, watched)
    report_path = f"/reports/{console.report.report_id}"
    report_page = await page.request.get(console.url + report_path)
    report_api = await page.request.get(f"{console.url}/v1{report_path}")
    contact_api = await page.request.get(f"{console.url}/v1{report_path}/contact")

    assert (cells[0], cells[3], cells[4]) == (console.reference, "3", "crime bureau")
    assert links_in_row == 0
    assert console.canary not in whole_page
    assert console.canary.lower() not in whole_page
    assert (report_page.status, report_api.status, contact_api.status) == (403, 403, 403)
    assert watched.errors == []


async def test_an_anonymous_visitor_is_sent_to_the_providers_sign_in_page(
    console: Console, context: tuple[BrowserContext, Watched]
) -> None:
    browser_context, _ = context
    page = await browser_context.new_page()
    await page.goto(f"{console.url}/reports/{console.report.report_id}")
    await page.wait_for_selector("#kc-login", timeout=WAIT_MS)
    api = await page.request.get(f"{console.url}/v1/reports/{console.report.report_id}")

    assert page.url.startswith(console.issuer + "/protocol/openid-connect/auth")
    assert console.canary not in await page.content()
    assert api.status == 401


async def test_sign_out_ends_the_session(
    console: Console, context: tuple[BrowserContext, Watched]
) -> None:
    browser_context, watched = context
    page = await sign_in(console, context, "operator", "/")
    cookies = {c["name"]: c["value"] for c in await browser_context.cookies(console.url)}
    forged = await page.request.post(f"{console.url}/auth/logout", max_redirects=0)
    still_in = await page.request.get(f"{console.url}/auth/me")
    await page.click("#sign-out button")
    await page.wait_for_url(f"{console.url}/auth/signed-out", timeout=WAIT_MS)
    await page.goto(console.url + "/")
    await page.wait_for_selector("#kc-login", timeout=WAIT_MS)
    async with httpx.AsyncClient(base_url=console.url, cookies=cookies) as old_cookie:
        after = await old_cookie.get("/auth/me")

    assert forged.status == 403  # a sign-out without the session's CSRF token
    assert still_in.status == 200
    assert page.url.startswith(console.issuer + "/protocol/openid-connect/auth")
    assert after.status_code == 401
    assert [e for e in watched.errors if "status of 401" not in e] == []


async def test_the_auditor_reads_each_view_in_the_access_log_and_none_of_the_reporters_words(
    console: Console, context: tuple[BrowserContext, Watched], servers: Servers
) -> None:
    _, watched = context
    operator = await sign_in(console, context, "operator", "/search")
    await operator.goto(f"{console.url}/reports/{console.report.report_id}")
    await operator.locator("#timeline li.reply").wait_for(timeout=WAIT_MS)
    await operator.click("#reveal")
    await operator.wait_for_function(
        "(canary) => document.getElementById('contact').textContent.includes(canary)",
        arg=console.canary,
        timeout=WAIT_MS,
    )
    await operator.click("#sign-out button")
    await operator.wait_for_url(f"{console.url}/auth/signed-out", timeout=WAIT_MS)
    auditor = await sign_in(console, context, "auditor", "/access-log")
    await auditor.fill("#filter input[name=report_id]", str(console.report.report_id))
    await auditor.click("#filter button[type=submit]")
    await auditor.wait_for_function(
        "() => document.querySelectorAll('#entries tbody tr').length >= 2", timeout=WAIT_MS
    )
    shown = await auditor.locator("#entries tbody tr td:nth-child(2)").all_inner_texts()
    await assert_strict_csp_kept(auditor, watched)
    answer = await auditor.request.get(
        f"{console.url}/v1/access-log", params={"report_id": str(console.report.report_id)}
    )
    stored = await _access_log(servers, console.database)

    assert {"view report", "reveal contact"} <= set(shown)
    entries = (await answer.json())["entries"]
    actions = {(e["action"], e["username"]) for e in entries}
    assert {("view_report", "operator"), ("reveal_contact", "operator")} <= actions
    assert ("search_reference", "operator") in {(e["action"], e["username"]) for e in stored}
    assert ("denied", "viewer") in {(e["action"], e["username"]) for e in stored}
    for text in (str(stored), await answer.text()):
        assert console.canary not in text
        assert console.canary.lower() not in text
        assert "bicycle" not in text
    assert watched.errors == []


async def _access_log(servers: Servers, database: str) -> list[Document]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(servers.mongo_uri, tz_aware=True)
    try:
        return await client[database]["access_log"].find({}).to_list(None)
    finally:
        await client.close()
