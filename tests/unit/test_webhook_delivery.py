"""Signed webhook calls against a real HTTP server of the test's own: the body is signed
and sent as the same bytes with the same idempotency key on every try; 5xx, 408, 429,
timeouts and refused connections are retried, any other 4xx is final at once; and what an
error says names neither the body, nor the secret, nor the URL's query string."""

from __future__ import annotations

import json
import socket

import pytest

from shared.delivery import (
    PermanentDeliveryError,
    Retries,
    TemporaryDeliveryError,
    WebhookOut,
    WebhookPoster,
)
from shared.webhook_signature import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify
from tests.http_receiver import Received, receiving

SECRET = "webhook-secret-of-the-tests"
QUERY = "token=query-secret"
BODY = {"reference": "LP-20261201-000001-7", "kind": "possible_emergency", "note": "café"}
TRIES = 3


def _call(url: str) -> WebhookOut:
    return WebhookOut(url=url, secret=SECRET, body=BODY, idempotency_key="alert-1.page.webhook")


def _poster(timeout_s: float = 5.0) -> WebhookPoster:
    return WebhookPoster(Retries(attempts=TRIES, backoff_max_s=0.01), timeout_s=timeout_s)


def _says_nothing_private(error: Exception) -> bool:
    words = str(error)
    return not any(secret in words for secret in (SECRET, QUERY, "LP-2026", "café"))


def _header(call: Received, name: str) -> str:
    return call.headers[name.lower()]


async def test_the_body_is_posted_as_json_signed_with_the_secret() -> None:
    async with receiving([200]) as receiver:
        status = await _poster().send(_call(receiver.url(f"/hooks/page?{QUERY}")))

    (call,) = receiver.calls
    assert status == 200
    assert call.line == f"POST /hooks/page?{QUERY} HTTP/1.1"
    assert verify(SECRET, call.body, _header(call, SIGNATURE_HEADER))
    assert json.loads(call.body) == BODY
    assert _header(call, "Content-Type") == "application/json"
    assert _header(call, IDEMPOTENCY_HEADER) == "alert-1.page.webhook"


def test_the_body_is_encoded_the_same_whatever_the_order_of_its_keys() -> None:
    reordered = WebhookOut("http://x", SECRET, dict(reversed(BODY.items())), "key")

    encoded = _poster().encode(_call("http://x"))

    assert encoded == _poster().encode(reordered)
    expected = '{"kind":"possible_emergency","note":"café","reference":"LP-20261201-000001-7"}'
    assert encoded == expected.encode("utf-8")


async def test_a_server_error_is_retried_with_the_same_bytes_and_key() -> None:
    async with receiving([500, 200]) as receiver:
        status = await _poster().send(_call(receiver.url()))

    first, second = receiver.calls
    assert status == 200
    assert first.body == second.body
    assert _header(first, IDEMPOTENCY_HEADER) == _header(second, IDEMPOTENCY_HEADER)
    assert _header(first, SIGNATURE_HEADER) == _header(second, SIGNATURE_HEADER)


@pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
async def test_a_client_error_is_final_at_once(status: int) -> None:
    async with receiving([status, 200]) as receiver:
        with pytest.raises(PermanentDeliveryError, match=str(status)) as refused:
            await _poster().send(_call(receiver.url(f"/hooks?{QUERY}")))

    assert len(receiver.calls) == 1
    assert _says_nothing_private(refused.value)


@pytest.mark.parametrize("status", [500, 503, 429, 408])
async def test_what_may_pass_is_retried_until_the_tries_are_used_up(status: int) -> None:
    async with receiving([status]) as receiver:
        with pytest.raises(TemporaryDeliveryError, match=str(status)) as deferred:
            await _poster().send(_call(receiver.url(f"/hooks?{QUERY}")))

    assert len(receiver.calls) == TRIES
    assert _says_nothing_private(deferred.value)


async def test_a_server_that_never_answers_times_out_after_the_tries() -> None:
    async with receiving([None]) as receiver:
        with pytest.raises(TemporaryDeliveryError, match="ReadTimeout") as timed_out:
            await _poster(timeout_s=0.2).send(_call(receiver.url(f"/hooks?{QUERY}")))

    assert len(receiver.calls) == TRIES
    assert _says_nothing_private(timed_out.value)


async def test_a_refused_connection_is_temporary() -> None:
    with socket.socket() as bound_not_listening:
        bound_not_listening.bind(("127.0.0.1", 0))
        port = bound_not_listening.getsockname()[1]

        with pytest.raises(TemporaryDeliveryError, match="ConnectError") as refused:
            await _poster().send(_call(f"http://127.0.0.1:{port}/hooks?{QUERY}"))

    assert _says_nothing_private(refused.value)
