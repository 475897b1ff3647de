"""The HTTP guards every service shares, on the real apps and servers (findings 3, 6, 8, 13):
trusted hosts, the scrape token, no Swagger UI, body limits, the receipt token before the
body, 422 answers that echo nothing, bounded compliance dates on the console (which took
over the operations API) and no-store status answers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from services.classifier.app import create_app as create_classifier
from services.classifier.settings import ClassifierSettings
from services.console.app import create_app as create_console
from services.intake.app import create_app as create_intake
from services.intake.settings import IntakeSettings
from services.notifier.app import create_app as create_notifier
from services.notifier.settings import NotifierSettings
from services.reference_issuer.app import create_app as create_issuer
from services.reference_issuer.settings import ReferenceIssuerSettings
from services.sla_watchdog.app import create_app as create_watchdog
from services.sla_watchdog.settings import SlaWatchdogSettings
from shared.events import Channel
from shared.settings import DeploymentSettings, KafkaSettings, MongoSettings, ServiceSettings
from tests import factories
from tests.conftest import Servers, console_settings, demo_access_token
from tests.integration.conftest import (
    SCRAPE_HEADERS,
    SCRAPING,
    running,
    served_on_free_port,
)

pytestmark = pytest.mark.integration

KEY = "a-channel-key-of-the-http-guard-tests"
RECEIPT_TOKEN = "a-receipt-token-of-the-http-guard-tests"
CANARY = "CANARY-7f3a-never-echoed"
LOCAL = DeploymentSettings(environment="local")
PRODUCTION = DeploymentSettings(environment="production")
Connections = dict[str, Any]


@pytest.fixture
def connections(
    kafka_settings: KafkaSettings, mongo_settings: MongoSettings, database_name: str
) -> Connections:
    return {"kafka": kafka_settings, "mongo": mongo_settings, "database": database_name}


def _console(connections: Connections, servers: Servers, **common: Any) -> FastAPI:
    """The console on the stack's provider; outside the local stacks its URLs are https,
    which these guards never reach (they answer before any sign-in)."""
    deployment = common.get("deployment", PRODUCTION)
    urls = {}
    if deployment.environment != "local":
        urls = {"oidc_issuer": "https://id.example/realms/frontdesk"}
        urls["public_url"] = "https://console.example"
    guards = {name: common[name] for name in ("metrics",) if name in common}
    settings = console_settings(
        servers, connections["database"], deployment=deployment, **urls, **guards
    )
    return create_console(settings)


def _apps(connections: Connections, servers: Servers, **common: Any) -> dict[str, FastAPI]:
    """Every service's real app (not started: these guards answer before any handler)."""
    settings: dict[str, tuple[Callable[..., FastAPI], ServiceSettings]] = {
        "intake": (create_intake, IntakeSettings(**connections, **common)),
        "classifier": (create_classifier, ClassifierSettings(**connections, **common)),
        "reference_issuer": (create_issuer, ReferenceIssuerSettings(**connections, **common)),
        "notifier": (create_notifier, NotifierSettings(**connections, **common)),
        "sla_watchdog": (create_watchdog, SlaWatchdogSettings(**connections, **common)),
    }
    apps = {name: create(config) for name, (create, config) in settings.items()}
    return apps | {"console": _console(connections, servers, **common)}


@asynccontextmanager
async def _client(app: FastAPI, host: str = "localhost") -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=f"http://{host}") as client:
        yield client


async def test_finding_3_every_service_refuses_a_host_it_does_not_serve(
    connections: Connections, servers: Servers
) -> None:
    for name, app in _apps(connections, servers).items():
        async with _client(app, "evil.example") as stranger, _client(app, name) as own:
            refused = await stranger.get("/metrics")
            by_compose_name = await own.get("/metrics")

        assert refused.status_code == 400, name
        assert by_compose_name.status_code == 404, name  # served: metrics are off, no token


async def test_finding_3_metrics_need_the_scrape_token_on_every_service(
    connections: Connections, servers: Servers
) -> None:
    for name, app in _apps(connections, servers, metrics=SCRAPING).items():
        async with _client(app) as client:
            anonymous = await client.get("/metrics")
            wrong = await client.get("/metrics", headers={"Authorization": "Bearer guess"})
            scraper = await client.get("/metrics", headers=SCRAPE_HEADERS)

        assert (anonymous.status_code, wrong.status_code, scraper.status_code) == (401, 401, 200)
        assert "frontdesk_" in scraper.text, name


async def test_finding_3_internal_openapi_is_off_in_production_and_swagger_ui_nowhere(
    connections: Connections, servers: Servers
) -> None:
    production = _apps(connections, servers)
    local = _apps(connections, servers, deployment=LOCAL)
    for name, app in production.items():
        async with _client(app) as client, _client(local[name]) as local_client:
            openapi = await client.get("/openapi.json")
            local_openapi = await local_client.get("/openapi.json")
            pages = [await client.get(page) for page in ("/docs", "/redoc")]

        assert openapi.status_code == (200 if name == "intake" else 404), name
        assert local_openapi.status_code == 200, name
        assert [page.status_code for page in pages] == [404, 404], name


async def test_finding_13_no_page_loads_swagger_ui_from_a_public_cdn(
    connections: Connections, servers: Servers
) -> None:
    for name, app in _apps(connections, servers, deployment=LOCAL).items():
        async with _client(app) as client:
            docs = await client.get("/docs")

        assert docs.status_code == 404, name
        assert "cdn.jsdelivr.net" not in docs.text, name


async def test_finding_6_every_service_refuses_an_oversized_body_unread(
    connections: Connections, servers: Servers
) -> None:
    body = b"{" + b" " * (64 * 1024) + b"}"
    for name, app in _apps(connections, servers).items():
        async with _client(app) as client:
            answer = await client.post("/v1/anything", content=body)

        assert answer.status_code == 413, name


@asynccontextmanager
async def _raw_http(port: int) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        yield reader, writer
    finally:
        writer.close()


async def _status_line(reader: asyncio.StreamReader) -> str:
    line = await asyncio.wait_for(reader.readline(), timeout=5.0)
    return line.decode().strip()


async def test_finding_6_the_receipt_token_is_checked_before_a_40_mb_body_is_read(
    connections: Connections,
) -> None:
    settings = NotifierSettings(**connections, receipt_token=SecretStr(RECEIPT_TOKEN))
    head = (
        "POST /v1/receipts/notify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    )

    async with served_on_free_port(create_notifier(settings)) as port:
        # Declared 40 MB, sent 1 KB: answered at once, the rest never awaited.
        async with _raw_http(port) as (reader, writer):
            started = time.monotonic()
            writer.write(f"{head}Content-Length: {40 * 1024 * 1024}\r\n\r\n".encode())
            writer.write(b"[" * 1024)
            declared = await _status_line(reader)
            declared_s = time.monotonic() - started
        # Streamed in chunks, no length declared: refused on the token, before the body.
        async with _raw_http(port) as (reader, writer):
            writer.write(f"{head}Transfer-Encoding: chunked\r\n\r\n".encode())
            writer.write(b"400\r\n" + b"[" * 1024 + b"\r\n")
            chunked = await _status_line(reader)

    assert declared.startswith("HTTP/1.1 413 ")
    assert declared_s < 2.0
    assert chunked.startswith("HTTP/1.1 401 ")


async def test_finding_6_a_receipt_without_the_token_is_never_parsed(
    connections: Connections,
) -> None:
    settings = NotifierSettings(**connections, receipt_token=SecretStr(RECEIPT_TOKEN))
    token = {"Authorization": f"Bearer {RECEIPT_TOKEN}"}
    async with _client(create_notifier(settings)) as client:
        anonymous = await client.post("/v1/receipts/notify", content=b'{"id": [[[[')
        known = await client.post("/v1/receipts/notify", content=b'{"id": [[[[', headers=token)

    assert anonymous.status_code == 401
    assert known.status_code == 422  # only the token holder gets as far as the parser


async def test_finding_6_no_422_answer_echoes_the_input(
    connections: Connections, servers: Servers
) -> None:
    apps = _apps(
        connections,
        servers,
        deployment=LOCAL,
        api_keys={KEY: Channel.WEB},
        receipt_token=SecretStr(RECEIPT_TOKEN),
    )
    key, token = {"Authorization": f"Bearer {KEY}"}, {"Authorization": f"Bearer {RECEIPT_TOKEN}"}
    staff = {"Authorization": f"Bearer {demo_access_token(servers, 'supervisor')}"}
    requests: list[tuple[str, str, str, dict[str, Any]]] = [
        ("intake", "POST", "/v1/reports", {"json": {"report_type": CANARY}, "headers": key}),
        ("notifier", "POST", "/v1/receipts/notify", {"json": {"id": CANARY}, "headers": token}),
        ("console", "GET", "/v1/queue", {"params": {"grade": CANARY}, "headers": staff}),
        ("console", "GET", "/v1/compliance", {"params": {"since": CANARY}, "headers": staff}),
        ("console", "GET", f"/v1/reports/{CANARY}", {"headers": staff}),
    ]
    for name, method, path, options in requests:
        async with _client(apps[name]) as client:
            answer = await client.request(method, path, **options)

        assert answer.status_code == 422, (name, path)
        assert CANARY not in answer.text, (name, path)
        assert "input" not in answer.json()["detail"][0], (name, path)


@pytest.fixture
async def console(connections: Connections, servers: Servers) -> AsyncIterator[httpx.AsyncClient]:
    """The console, and a client signed in as a supervisor with a bearer token."""
    app = _console(connections, servers, deployment=LOCAL)
    staff = {"Authorization": f"Bearer {demo_access_token(servers, 'supervisor')}"}
    async with running(app), _client(app) as client:
        client.headers.update(staff)
        yield client


@pytest.mark.parametrize(
    ("since", "until"),
    [
        ("0001-01-01T00:00:00Z", None),
        (None, "9999-12-31T23:59:59Z"),
        ("0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"),
        ("1999-12-31T23:59:59Z", None),
    ],
)
async def test_finding_8_compliance_dates_at_the_calendar_edges_get_422(
    console: httpx.AsyncClient, since: str | None, until: str | None
) -> None:
    params = {name: value for name, value in (("since", since), ("until", until)) if value}
    answer = await console.get("/v1/compliance", params=params)

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", next(iter(params))]


async def test_finding_8_compliance_answers_within_the_bounds_and_wants_since_before_until(
    console: httpx.AsyncClient,
) -> None:
    window = await console.get(
        "/v1/compliance",
        params={"since": "2000-01-01T00:00:00Z", "until": "2199-12-31T23:59:59Z"},
    )
    backwards = await console.get(
        "/v1/compliance",
        params={"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
    )

    assert window.status_code == 200
    assert backwards.status_code == 422
    assert backwards.json()["detail"][0]["loc"] == ["query", "since"]


async def test_finding_13_answers_carrying_a_status_token_are_not_stored(
    connections: Connections,
) -> None:
    settings = IntakeSettings(
        **connections, api_keys={KEY: Channel.WEB}, status_token_secret=SecretStr("s" * 40)
    )
    app = create_intake(settings)
    async with running(app), _client(app) as client:
        accepted = await client.post(
            "/v1/reports",
            json=factories.submission_body(),
            headers={"Authorization": f"Bearer {KEY}"},
        )
        status_page = await client.get(accepted.json()["status_url"])
        catalogue = await client.get("/v1/services")

    assert accepted.status_code == 202
    assert accepted.headers["Cache-Control"] == "no-store"
    assert status_page.status_code == 200
    assert status_page.headers["Cache-Control"] == "no-store"
    assert "Cache-Control" not in catalogue.headers  # no token in it: cacheable as before
