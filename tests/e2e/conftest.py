"""The whole system as processes, on the test stack, for end-to-end tests."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, async_playwright

from tests.conftest import Servers
from tests.e2e.browser import CHROMIUM, CHROMIUM_FLAGS, CHROMIUM_INSTALLED, WATCH_CSP, Watched

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))

import run as system
import stack

from tests.faults.harness import move_groups

#: The services' ports in tests: the `make run` ports plus this, so both can run at once.
PORT_OFFSET = 10_000


@contextmanager
def system_running(
    servers: Servers, settings: dict[str, str] | None = None
) -> Iterator[dict[str, int]]:
    """The services on the test stack, with `settings` on top of the usual ones;
    yields each service's HTTP port."""
    if servers.mail_dir is None:
        pytest.fail("end-to-end tests need the local test stack that `make test` starts")
    asyncio.run(move_groups(to_end=True))  # earlier tests' messages are not ours to process
    running = system.start_services(
        stack.STACKS["test"],
        port_offset=PORT_OFFSET,
        # Contract tests send many requests, all from 127.0.0.1, some with keys they make up.
        settings={
            "INTAKE_RATE_LIMIT_BURST": "100000",
            "INTAKE_ADDRESS_RATE_LIMIT_BURST": "100000",
            **(settings or {}),
        },
    )
    try:
        yield {item.service.name: item.port for item in running}
    finally:
        system.stop_services(running)


@pytest.fixture(scope="module")
def running_system(servers: Servers) -> Iterator[dict[str, int]]:
    """Start the services on the test stack; yields each service's HTTP port."""
    with system_running(servers) as ports:
        yield ports


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM_INSTALLED:
        pytest.fail("the console's browser tests need Debian's chromium: `make test` installs it")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
        )
        yield launched
        await launched.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[tuple[BrowserContext, Watched]]:
    """A fresh browser profile (no cookies) whose pages are watched for errors and for what
    the Content-Security-Policy refused."""
    fresh = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await fresh.add_init_script(WATCH_CSP)
    watched = Watched()
    fresh.on("page", watched.watch)
    yield fresh, watched
    await fresh.close()


#: The local-only web channel key that `deploy/local/run.py` configures.
WEB_KEY = {"Authorization": "Bearer local-web-key"}
#: The local-only staff key of the alerting service's operations API (`deploy/local/run.py`).
STAFF_KEY = {"Authorization": "Bearer local-staff-key"}
#: The local-only token Notify's delivery receipts carry (`deploy/local/stack.py`).
RECEIPT_TOKEN = {"Authorization": f"Bearer {stack.RECEIPT_TOKEN}"}
