"""Render the operations dashboard under load into `docs/dashboard.png`.

Runs the watchdog against the test stack with a frozen clock, feeds it 120 reports of
mixed types and grades received over the last hours (some replied, some not), moves the
clock on, and photographs the page in Debian's chromium. Needs `stack.py start test`.

    python -m bench.dashboard_screenshot
"""

from __future__ import annotations

import asyncio
import os
import random
import uuid
from datetime import timedelta
from pathlib import Path

from aiokafka import AIOKafkaProducer
from playwright.async_api import async_playwright

from services.sla_watchdog.app import create_app
from services.sla_watchdog.settings import SlaWatchdogSettings
from shared import topics
from shared.events import Event, ReportType
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.integration.conftest import served_on_free_port

OUT = Path(__file__).resolve().parents[1] / "docs" / "dashboard.png"
REPLIED_SHARE = 0.4
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


async def _send(producer: AIOKafkaProducer, topic: str, event: Event) -> None:
    await producer.send_and_wait(topic, event.model_dump_json().encode(), key=event.kafka_key())


async def _feed(producer: AIOKafkaProducer, rng: random.Random) -> None:
    types = list(ReportType)
    for _ in range(120):
        received = NOW - timedelta(minutes=rng.randint(0, 600))
        report = factories.report_submitted(report_type=rng.choice(types), received_at=received)
        grade = rng.choices([1, 2, 3, 4], weights=[1, 2, 6, 4])[0]
        grade = 1 if report.report_type is ReportType.MISSING_PERSON else grade
        route = rng.choice(["crime_bureau", "road_policing", "neighbourhood_policing"])
        classified = factories.report_classified(report, grade=grade, route=route)
        await _send(producer, topics.REPORT_CLASSIFIED, classified)
        await _send(producer, topics.REPORT_SUBMITTED, report)
        if rng.random() < REPLIED_SHARE:
            replied = received + timedelta(minutes=rng.randint(5, 90))
            delivered = factories.reply_delivered(report, replied)
            await _send(producer, topics.REPLY_DELIVERED, delivered)


async def main() -> None:
    settings = SlaWatchdogSettings(
        kafka=KafkaSettings(bootstrap_servers=os.environ["KAFKA_BOOTSTRAP_SERVERS"]),
        mongo=MongoSettings(uri=os.environ["MONGODB_URI"]),
        database=f"screenshot_{uuid.uuid4().hex[:8]}",
        tick_interval_s=0.1,
        resync_interval_s=0.5,
    )
    producer = AIOKafkaProducer(**settings.kafka.client_options(), acks="all")
    await producer.start()
    async with served_on_free_port(create_app(settings, FrozenClock(NOW))) as port:
        await _feed(producer, random.Random(7))  # noqa: S311 - a reproducible picture
        await asyncio.sleep(5)  # a one-off rendering, not a test: let the events settle
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=FLAGS
            )
            page = await browser.new_page(viewport={"width": 1400, "height": 900})
            await page.goto(f"http://127.0.0.1:{port}/")
            await page.wait_for_timeout(3000)
            await page.screenshot(path=str(OUT))
            await browser.close()
    await producer.stop()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
