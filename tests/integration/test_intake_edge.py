"""Intake's HTTP edge on the real app under uvicorn (as `make run` serves it), on the real
servers: rate limits per address and key, failed keys, read deadlines, refusals of bodies."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.integration.conftest import served_on_free_port
from tests.integration.test_intake_service import WEB, intake_settings

pytestmark = pytest.mark.integration

Settings = Callable[..., IntakeSettings]

#: Long enough for a loaded machine, short enough to show that nobody waits forever.
ANSWER_DEADLINE_S = 15.0


@pytest.fixture
def edge_settings(
    kafka_settings: KafkaSettings, mongo_settings: MongoSettings, database_name: str
) -> Callable[..., IntakeSettings]:
    """Intake's test settings with some overridden."""

    def settings(**overrides: Any) -> IntakeSettings:
        return intake_settings(kafka_settings, mongo_settings, database_name, **overrides)

    return settings


@asynccontextmanager
async def served(settings: IntakeSettings) -> AsyncIterator[str]:
    """Intake under uvicorn, configured by `shared.serve.server_config`; yields its URL."""
    async with served_on_free_port(create_app(settings), settings) as port:
        yield f"http://127.0.0.1:{port}"


def client_at(base_url: str, address: str) -> httpx.AsyncClient:
    """A client whose connections come from `address` (any of 127.0.0.0/8 on Linux)."""
    transport = httpx.AsyncHTTPTransport(local_address=address)
    return httpx.AsyncClient(transport=transport, base_url=base_url)


async def _post_reports(
    client: httpx.AsyncClient, count: int, headers: dict[str, str] = WEB
) -> Counter[int]:
    answers = [
        await client.post("/v1/reports", json=factories.submission_body(), headers=headers)
        for _ in range(count)
    ]
    return Counter(answer.status_code for answer in answers)


async def test_finding_7_a_flood_from_one_address_leaves_another_on_the_same_key_alone(
    edge_settings: Settings,
) -> None:
    settings = edge_settings(address_rate_limit_burst=5, address_rate_limit_per_s=0.01)

    async with (
        served(settings) as url,
        client_at(url, "127.0.0.2") as flooder,
        client_at(url, "127.0.0.3") as citizen,
    ):
        flood = await _post_reports(flooder, 20)
        others = await _post_reports(citizen, 5)
        retry_after = (await flooder.get("/v1/services")).headers.get("Retry-After")

    assert flood == {202: 5, 429: 15}
    assert others == {202: 5}
    assert retry_after is not None
    assert int(retry_after) >= 1


async def test_finding_7_x_forwarded_for_is_believed_only_from_a_trusted_proxy(
    edge_settings: Settings,
) -> None:
    settings = edge_settings(
        address_rate_limit_burst=3, address_rate_limit_per_s=0.01, trusted_proxies=["127.0.0.1"]
    )

    def forwarded_for(address: str) -> dict[str, str]:
        return WEB | {"X-Forwarded-For": address}

    async with (
        served(settings) as url,
        client_at(url, "127.0.0.1") as proxy,
        client_at(url, "127.0.0.4") as stranger,
    ):
        first = await _post_reports(proxy, 5, forwarded_for("203.0.113.1"))
        second = await _post_reports(proxy, 3, forwarded_for("203.0.113.2"))
        spoofed = Counter(
            [
                (
                    await stranger.get("/v1/services", headers=forwarded_for(f"198.51.100.{n}"))
                ).status_code
                for n in range(5)
            ]
        )

    assert first == {202: 3, 429: 2}
    assert second == {202: 3}
    assert spoofed == {200: 3, 429: 2}  # the stranger's own address counted, not the header


async def test_finding_7_repeated_bad_keys_get_429_with_retry_after(
    edge_settings: Settings,
) -> None:
    settings = edge_settings(failed_key_limit_burst=3, failed_key_limit_per_s=0.01)
    body = factories.submission_body()

    async with (
        served(settings) as url,
        client_at(url, "127.0.0.5") as guesser,
        client_at(url, "127.0.0.6") as citizen,
    ):
        guesses = [
            await guesser.post("/v1/reports", json=body, headers={"Authorization": f"Bearer g{n}"})
            for n in range(5)
        ]
        with_the_right_key = await guesser.post("/v1/reports", json=body, headers=WEB)
        elsewhere = await citizen.post("/v1/reports", json=body, headers=WEB)

    assert [answer.status_code for answer in guesses] == [401, 401, 401, 429, 429]
    assert int(guesses[-1].headers["Retry-After"]) >= 1
    assert with_the_right_key.status_code == 429
    assert elsewhere.status_code == 202


async def _answer_to(port_url: str, request: bytes) -> bytes:
    """Everything the server sends back before it closes the connection."""
    host, port = port_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(request)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(), timeout=ANSWER_DEADLINE_S)
    except TimeoutError:
        pytest.fail(f"the server kept the connection open for {ANSWER_DEADLINE_S:.0f}s")
    finally:
        writer.close()


async def test_finding_7_a_body_that_never_arrives_is_answered_408_and_closed(
    edge_settings: Settings,
) -> None:
    settings = edge_settings(body_timeout_s=1.0)
    slow_body = (
        b"POST /v1/reports HTTP/1.1\r\nHost: intake\r\nAuthorization: Bearer web-key\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{}"
    )

    async with served(settings) as url:
        answer = await _answer_to(url, slow_body)

    assert answer.startswith(b"HTTP/1.1 408 ")


async def test_finding_7_a_pipelined_request_whose_body_never_arrives_is_answered_408(
    edge_settings: Settings,
) -> None:
    """The deadline holds for a request read after another on the same connection."""
    settings = edge_settings(body_timeout_s=1.0)
    first = b"GET /v1/services HTTP/1.1\r\nHost: intake\r\n\r\n"
    slow_body = (
        b"POST /v1/reports HTTP/1.1\r\nHost: intake\r\nAuthorization: Bearer web-key\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{}"
    )

    async with served(settings) as url:
        answer = await _answer_to(url, first + slow_body)

    assert answer.startswith(b"HTTP/1.1 200 ")
    assert b"HTTP/1.1 408 " in answer


async def test_finding_7_headers_that_never_end_get_the_connection_closed(
    edge_settings: Settings,
) -> None:
    settings = edge_settings(header_timeout_s=1.0)

    async with served(settings) as url:
        answer = await _answer_to(url, b"GET /v1/services HTTP/1.1\r\nHost: intake\r\n")
        async with httpx.AsyncClient(base_url=url) as client:
            still_served = (await client.get("/v1/services")).status_code

    assert answer == b""  # closed, with nothing to answer: the request never began
    assert still_served == 200


@pytest.fixture
async def intake_url(edge_settings: Settings) -> AsyncIterator[str]:
    async with served(edge_settings()) as url:
        yield url


@pytest.fixture
async def client(intake_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=intake_url) as http:
        yield http


async def test_finding_9_a_chunked_body_over_the_limit_gets_413(
    client: httpx.AsyncClient,
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"description": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    answer = await client.post(
        "/v1/reports", content=chunks(), headers=WEB | {"Content-Type": "application/json"}
    )

    assert answer.request.headers["Transfer-Encoding"] == "chunked"
    assert answer.status_code == 413
    assert answer.json() == {"detail": "the body is larger than 65536 bytes"}


@pytest.mark.parametrize(
    ("body", "reason", "not_echoed"),
    [
        (b'{"description": "caf\xe9"}', "it is not UTF-8", "caf"),
        (b"[" * 10_000 + b"]" * 10_000, "it is nested deeper than 32 levels", "[[["),
        (
            b'{"answers": {"amount_lost_gbp": ' + b"7" * 5_000 + b"}}",
            "a number has too many digits",
            "777",
        ),
        (b'{"description": NaN}', "NaN is not a JSON number", "description"),
    ],
)
async def test_finding_9_bodies_that_are_not_json_get_a_documented_400_without_echo(
    client: httpx.AsyncClient, body: bytes, reason: str, not_echoed: str
) -> None:
    headers = WEB | {"Content-Type": "application/json"}

    answer = await client.post("/v1/reports", content=body, headers=headers)

    assert answer.status_code == 400
    assert answer.json() == {"detail": f"the body is not valid JSON: {reason}"}
    assert not_echoed not in answer.text


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", None]
)
async def test_finding_9_a_body_that_is_not_declared_json_gets_415(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = WEB | ({"Content-Type": content_type} if content_type else {})

    answer = await client.post("/v1/reports", content=b'{"report_type": "crime"}', headers=headers)

    assert answer.status_code == 415
    assert "application/json" in answer.json()["detail"]


@pytest.mark.parametrize("value", ["yes", "true", 1])
@pytest.mark.parametrize("field", ["happening_now", "someone_in_danger"])
async def test_finding_9_urgency_is_true_or_false_never_guessed(
    client: httpx.AsyncClient, field: str, value: Any
) -> None:
    answer = await client.post(
        "/v1/reports", json=factories.submission_body(**{field: value}), headers=WEB
    )

    assert answer.status_code == 422
    assert [p["loc"] for p in answer.json()["detail"]] == [["body", "crime", field]]
    assert str(value) not in answer.text.replace(field, "")


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({}, b"{not json"),
        ({"Authorization": "Bearer not-a-key"}, b"{not json"),
        ({"Authorization": "Bearer not-a-key", "Content-Type": "text/plain"}, b"x"),
        ({"Authorization": "Bearer not-a-key"}, b'{"happening_now": "yes"}'),
    ],
)
async def test_finding_9_the_key_is_checked_before_the_body(
    client: httpx.AsyncClient, headers: dict[str, str], body: bytes
) -> None:
    answer = await client.post(
        "/v1/reports", content=body, headers={"Content-Type": "application/json"} | headers
    )
    update = await client.post(
        f"/v1/reports/{uuid.uuid4()}/updates",
        content=body,
        headers={"Content-Type": "application/json"} | headers,
    )

    assert (answer.status_code, update.status_code) == (401, 401)
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_finding_9_every_refusal_is_documented_with_its_body(edge_settings: Settings) -> None:
    document = create_app(edge_settings()).openapi()
    paths = document["paths"]

    post_report = paths["/v1/reports"]["post"]["responses"]
    post_update = paths["/v1/reports/{report_id}/updates"]["post"]["responses"]
    schemas = document["components"]["schemas"]

    refusals = {"400", "401", "403", "408", "409", "413", "415", "422", "429", "503"}
    assert set(post_report) >= refusals
    assert set(post_update) >= refusals | {"404"}
    assert "429" in paths["/v1/services"]["get"]["responses"]
    error = post_report["413"]["content"]["application/json"]["schema"]
    invalid = post_report["422"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/ErrorAnswer"}
    assert invalid == {"$ref": "#/components/schemas/InvalidFields"}
    assert "input" not in schemas["FieldProblem"]["properties"]
    assert all(post_report[code]["description"] for code in refusals)
