"""Photograph the console for the README: `docs/console-report.png` (one report's view with
its timeline and the reply sent) and `docs/console-queue.png` (the live queue).

Runs a console on the test stack (its Kafka, Mongo-wire server and Keycloak), publishes a
realistic morning of reports and one report's whole journey, signs in as the demo operator
on Keycloak's login page, and photographs the pages in Debian's chromium.

    .venv/bin/python deploy/local/stack.py exec test -- .venv/bin/python -m bench.console_screenshot
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiokafka import AIOKafkaProducer
from playwright.async_api import Page, async_playwright
from pymongo import AsyncMongoClient

from services.console.app import create_app
from shared.events import ContactMethod, Event, ReportSubmitted, ReportType, ThriveDimension
from shared.mongo import Document
from shared.references import format_reference
from shared.topics import topic_for
from tests import factories
from tests.conftest import _from_environment, console_settings, demo_password
from tests.integration.conftest import free_port, publish, served_on_free_port

DOCS = Path(__file__).resolve().parents[1] / "docs"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
DESCRIPTION = (
    "When I came out of the library at about 8.15 this morning my bicycle had gone from the "
    "rack by the entrance. It was locked with a D-lock, which is also gone. It is a dark blue "
    "Trek FX 2 with a child seat on the back. The library has a camera over the door."
)
REPLY = (
    "Dear Sam Taylor,\n\nThank you for reporting the theft of your bicycle. Your reference "
    "is {reference}; please quote it if you contact us.\n\nThe crime bureau will review "
    "your report and the library's camera footage, and will write to you within 3 days.\n\n"
    "If you see someone with your bicycle, do not approach them: call 999 if it is "
    "happening now, or 101 otherwise.\n\nLakeshire Police"
)
TEAMS = ["crime_bureau", "road_policing", "neighbourhood_policing", "lost_property"]


def _reference(sequence: int) -> str:
    return format_reference("LP", datetime.now(UTC).date(), sequence)


def featured(now: datetime) -> tuple[ReportSubmitted, list[Event]]:
    """The report the README shows: a bicycle theft, graded, acknowledged and updated."""
    received = now - timedelta(minutes=47)
    contact = factories.contact(name="Sam Taylor", email="sam.taylor@example.org")
    submitted = factories.report_submitted(
        received_at=received,
        occurred_at=received,
        description=DESCRIPTION,
        contact=contact,
        answers={"item_value": "650", "when_noticed": "08:15", "suspect_seen": "no"},
    )
    reference = _reference(128)
    thrive = {
        "threat": ThriveDimension(level="low", rules=["no-ongoing-threat"]),
        "harm": ThriveDimension(level="medium", rules=["property-over-500"]),
        "investigation": ThriveDimension(level="medium", rules=["cctv-mentioned"]),
    }
    classified = factories.report_classified(
        submitted, grade=3, route="crime_bureau", flags=["cctv_available"], thrive=thrive,
        rules_fired=["theft-of-pedal-cycle", "cctv-mentioned", "property-over-500"],
        model_version="triage-2026.11", model_score=0.04, next_steps="crime_review",
    )  # fmt: skip
    sent_at = received + timedelta(minutes=2)
    sent = factories.reply_sent(
        submitted, at=sent_at, subject=f"Your report {reference}",
        body=REPLY.format(reference=reference), channel=ContactMethod.EMAIL,
    )  # fmt: skip
    updated = factories.report_updated(submitted, information="The frame number is WTU123K4567X.")
    return submitted, [
        submitted,
        factories.reference_issued(submitted, reference),
        factories.sla_target_set(submitted, version=0, due_in=timedelta(hours=72)),
        classified,
        factories.sla_target_set(submitted, version=1, due_in=timedelta(hours=72), grade=3),
        sent,
        factories.reply_delivered(submitted, at=sent_at + timedelta(seconds=40)),
        updated,
    ]


def morning(now: datetime, rng: random.Random) -> list[Event]:
    """Other reports of the morning, for the queue: mixed types, grades and teams."""
    events: list[Event] = []
    for sequence in range(100, 124):
        received = now - timedelta(minutes=rng.randint(5, 420))
        kind = rng.choice(list(ReportType))
        report = factories.report_submitted(
            report_type=kind, received_at=received, occurred_at=received,
            channel=rng.choice(["web", "web", "phone", "partner"]),
        )  # fmt: skip
        grade = rng.choices([2, 3, 4], weights=[2, 6, 4])[0]
        due = {2: timedelta(hours=4), 3: timedelta(hours=24), 4: timedelta(hours=72)}[grade]
        classified = factories.report_classified(report, grade=grade, route=rng.choice(TEAMS))
        target = factories.sla_target_set(report, version=1, due_in=due, grade=grade)
        events += [report, factories.reference_issued(report, _reference(sequence)), classified]
        events.append(target)
    return events


async def _sign_in(page: Page, url: str, issuer: str) -> None:
    await page.goto(url + "/")
    await page.wait_for_selector("#kc-login", timeout=30_000)
    assert page.url.startswith(issuer)
    await page.fill("#username", "operator")
    await page.fill("#password", demo_password("operator"))
    await page.click("#kc-login")
    await page.wait_for_url(url + "/", timeout=30_000)


async def photograph(url: str, issuer: str, report: ReportSubmitted) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await _sign_in(page, url, issuer)
        await page.wait_for_selector(f'#queue tr[data-report-id="{report.report_id}"]')
        await page.screenshot(path=str(DOCS / "console-queue.png"))
        await page.goto(f"{url}/reports/{report.report_id}")
        await page.wait_for_selector("#timeline li.reply.state-delivered")
        await page.screenshot(path=str(DOCS / "console-report.png"), full_page=True)
        await browser.close()


async def _one_view(mongo_uri: str, database: str) -> str:
    """The access log's entry for the report view photographed."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(mongo_uri, tz_aware=True)
    try:
        entry = await client[database]["access_log"].find_one({"action": "view_report"})
        return json.dumps(entry, default=str, indent=2)
    finally:
        await client.close()


async def main() -> None:
    servers = _from_environment()
    if servers is None:
        raise SystemExit("run on the test stack: stack.py exec test -- python -m ...")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database = f"screenshot_{uuid.uuid4().hex[:8]}"
    settings = console_settings(servers, database, public_url=url)
    now = datetime.now(UTC)
    report, journey = featured(now)
    producer = AIOKafkaProducer(**servers.kafka_options(), acks="all")
    await producer.start()
    try:
        async with served_on_free_port(create_app(settings), port=port):
            for event in [*morning(now, random.Random(16)), *journey]:  # noqa: S311 - a picture
                await publish(producer, topic_for(event.event_type), event)
            await photograph(url, settings.oidc_issuer, report)
            print(await _one_view(servers.mongo_uri, database))
    finally:
        await producer.stop()


if __name__ == "__main__":
    asyncio.run(main())
