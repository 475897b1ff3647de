"""The operations dashboard in a real headless browser (Debian's chromium via Playwright):
it loads, shows an at-risk report, and updates by itself when the report breaches."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from playwright.async_api import Browser, async_playwright

from services.sla_watchdog.app import create_app
from services.sla_watchdog.settings import SlaWatchdogSettings
from shared import topics
from shared.events import AlertKind
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.conftest import Servers
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.integration.conftest import publish, served_on_free_port

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_INSTALLED = CHROMIUM.exists()
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM_INSTALLED:
        pytest.fail("the dashboard test needs Debian's chromium: `make test` installs it")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
        )
        yield launched
        await launched.close()


@pytest.fixture
async def producer(servers: Servers) -> AsyncIterator[AIOKafkaProducer]:
    kafka = AIOKafkaProducer(**servers.kafka_options(), acks="all")
    await kafka.start()
    yield kafka
    await kafka.stop()


async def test_the_dashboard_shows_an_at_risk_report_and_updates_when_it_breaches(
    servers: Servers, browser: Browser, producer: AIOKafkaProducer
) -> None:
    settings = SlaWatchdogSettings(
        kafka=KafkaSettings(bootstrap_servers=servers.kafka_bootstrap),
        mongo=MongoSettings(uri=servers.mongo_uri),
        database=f"dashboard_{uuid.uuid4().hex[:12]}",
        tick_interval_s=0.1,
    )
    time = FrozenClock(NOW)
    report = factories.report_submitted()
    row = f'#queue tr[data-report-id="{report.report_id}"]'

    async with served_on_free_port(create_app(settings, time)) as port:
        await publish(
            producer, topics.REPORT_CLASSIFIED, factories.report_classified(report, grade=1)
        )
        await publish(producer, topics.REPORT_SUBMITTED, report)
        page = await browser.new_page()
        await page.goto(f"http://127.0.0.1:{port}/")
        await page.wait_for_selector(row, timeout=30_000)
        time.advance(timedelta(minutes=8))  # past 50% of a 15-minute target
        await page.wait_for_selector(f"{row}.state-at_risk", timeout=30_000)
        at_risk_text = await page.inner_text(row)
        time.advance(timedelta(minutes=8))  # past the target: no reload from here on
        await page.wait_for_selector(f"{row}.state-breached", timeout=30_000)
        breached = await page.inner_text("#breaches")
        screenshot = await page.screenshot(full_page=True)

    assert "50%" in at_risk_text
    assert str(report.report_id)[:8] in breached
    assert screenshot.startswith(b"\x89PNG")


async def test_the_dashboard_shows_open_alerts_at_the_top_as_text(
    servers: Servers, browser: Browser, producer: AIOKafkaProducer
) -> None:
    settings = SlaWatchdogSettings(
        kafka=KafkaSettings(bootstrap_servers=servers.kafka_bootstrap),
        mongo=MongoSettings(uri=servers.mongo_uri),
        database=f"dashboard_{uuid.uuid4().hex[:12]}",
    )
    report = factories.report_submitted()
    climbing = factories.alert_raised(report, AlertKind.SLA_BREACHED)
    taken_on = factories.alert_raised(report, AlertKind.REPLY_FAILED)
    markup = '<img src="x" id="injected">'
    acknowledged = factories.alert_acknowledged(taken_on, by=f"Sgt {markup}")

    async with served_on_free_port(create_app(settings, FrozenClock(NOW))) as port:
        await publish(producer, topics.ALERT_RAISED, climbing)
        await publish(producer, topics.ALERT_ESCALATED, factories.alert_escalated(climbing, 2))
        await publish(producer, topics.ALERT_RAISED, taken_on)
        await publish(producer, topics.ALERT_ACKNOWLEDGED, acknowledged)
        page = await browser.new_page()
        await page.goto(f"http://127.0.0.1:{port}/")
        top = f'#alerts tr.state-open[data-alert-id="{climbing.alert_id}"]'
        await page.wait_for_selector(top, timeout=30_000)
        taken = f'#alerts tr.state-acknowledged[data-alert-id="{taken_on.alert_id}"]'
        await page.wait_for_selector(taken, timeout=30_000)
        first_heading = await page.inner_text("main h2")
        climbing_cells = await page.locator(f"{top} td").all_inner_texts()
        taken_cells = await page.locator(f"{taken} td").all_inner_texts()
        injected = await page.query_selector("#injected")

    assert first_heading == "Open alerts"
    kind, shown_reference, _, _, step, _, by = climbing_cells
    assert (kind, shown_reference) == ("sla breached", climbing.reference)
    assert (step, by) == ("step 3 of 3", "not acknowledged")
    assert taken_cells[4] == "step 1"
    assert taken_cells[6].startswith(f"Sgt {markup}, ")  # shown as text, never parsed
    assert injected is None
