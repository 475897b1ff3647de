"""Photograph the console for the README: `docs/console-report.png` (one report's view
with its timeline and the reply sent; its actions panel folded away, as it has a picture
of its own), `docs/console-queue.png` (the live queue), `docs/console-actions.png` (the
report's actions: a standard text edited in the reply editor, and its preview) and
`docs/console-closed-timeline.png` (the timeline of a report claimed, answered and closed
with its outcome).

Runs a console on the test stack (its Kafka, Mongo-wire server and Keycloak), publishes a
realistic morning of reports (`bench/console_journeys.py`), signs in as the demo operator
on Keycloak's login page, and photographs the pages in Debian's chromium. The operator
claims the featured report and previews a reply, never sending it.

    .venv/bin/python deploy/local/stack.py exec test -- .venv/bin/python -m bench.console_screenshot
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaProducer
from playwright.async_api import FloatRect, Page, ViewportSize, async_playwright, expect
from pymongo import AsyncMongoClient

from bench.console_journeys import closed, featured, morning
from services.console.app import create_app
from shared.events import ReportSubmitted
from shared.mongo import Document
from shared.topics import topic_for
from tests.conftest import _from_environment, console_settings, demo_password
from tests.integration.conftest import free_port, publish, served_on_free_port

DOCS = Path(__file__).resolve().parents[1] / "docs"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
WAIT_MS = 30_000
VIEWPORT: ViewportSize = {"width": 1400, "height": 900}
REPLY_TEXT = "Crime: an investigator is looking into it"
EDITED_LINE = "We have asked the library for its camera footage of the rack between 7.30 and 8.30."


async def _sign_in(page: Page, url: str, issuer: str) -> None:
    await page.goto(url + "/")
    await page.wait_for_selector("#kc-login", timeout=WAIT_MS)
    assert page.url.startswith(issuer)
    await page.fill("#username", "operator")
    await page.fill("#password", demo_password("operator"))
    await page.click("#kc-login")
    await page.wait_for_url(url + "/", timeout=WAIT_MS)


async def _claim(page: Page) -> None:
    await page.get_by_role("button", name="Claim this report").click()
    await expect(page.locator("#work")).to_contain_text("operator", timeout=WAIT_MS)


async def _down_to_reply(page: Page) -> FloatRect:
    """The page from its top to the end of the reply form (the other forms follow)."""
    bottom = await page.evaluate(
        "() => document.querySelector('form[data-action=send_reply]')"
        ".getBoundingClientRect().bottom + window.scrollY + 12"
    )
    return {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": float(bottom)}


async def _preview_a_reply(page: Page) -> None:
    """Pick a standard text, add a line of one's own, and preview it (nothing is sent)."""
    form = page.get_by_role("form", name="Send a reply")
    await form.get_by_label("Standard text", exact=True).select_option(label=REPLY_TEXT)
    await form.get_by_role("button", name="Use this text").click()
    message = form.get_by_label("Message", exact=True)
    await expect(message).not_to_have_value("", timeout=WAIT_MS)
    standard = await message.input_value()
    paragraphs = standard.split("\n\n")
    await message.fill("\n\n".join([*paragraphs[:2], EDITED_LINE, *paragraphs[2:]]))
    await form.get_by_role("button", name="Preview").click()
    await expect(form.get_by_role("region")).to_contain_text(EDITED_LINE, timeout=WAIT_MS)
    await message.evaluate("(editor) => { editor.scrollTop = 0; }")  # from "Dear ..."


async def photograph(url: str, issuer: str, report: ReportSubmitted, done: ReportSubmitted) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = await browser.new_page(viewport=VIEWPORT)
        await _sign_in(page, url, issuer)
        await page.wait_for_selector(f'#queue tr[data-report-id="{report.report_id}"]')
        await page.screenshot(path=str(DOCS / "console-queue.png"))
        await page.goto(f"{url}/reports/{report.report_id}")
        await page.wait_for_selector("#timeline li.reply.state-delivered")
        await expect(page.locator("#actions")).to_be_visible()
        # The actions panel has its own picture: folded away here, the report fits a page.
        await page.locator("#actions").evaluate("(panel) => { panel.hidden = true; }")
        await page.screenshot(path=str(DOCS / "console-report.png"), full_page=True)
        await page.reload()
        await page.wait_for_selector("#timeline li.reply.state-delivered")
        await _claim(page)
        await _preview_a_reply(page)
        await page.screenshot(
            path=str(DOCS / "console-actions.png"), full_page=True, clip=await _down_to_reply(page)
        )
        await page.goto(f"{url}/reports/{done.report_id}")
        await page.wait_for_selector("#timeline li.reply.state-delivered")
        await (
            page.locator("#timeline")
            .locator("xpath=..")
            .screenshot(path=str(DOCS / "console-closed-timeline.png"))
        )
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
    done, closing = closed(now)
    producer = AIOKafkaProducer(**servers.kafka_options(), acks="all")
    await producer.start()
    try:
        async with served_on_free_port(create_app(settings), port=port):
            events = [*morning(now, random.Random(16)), *journey, *closing]  # noqa: S311
            for event in events:
                await publish(producer, topic_for(event.event_type), event)
            await photograph(url, settings.oidc_issuer, report, done)
            print(await _one_view(servers.mongo_uri, database))
    finally:
        await producer.stop()


if __name__ == "__main__":
    asyncio.run(main())
