"""The stack's webhook sink (deploy/local/webhook_sink.py) checks signatures, tells a retry
from a first call, fails on purpose under /fail/<status>/, and keeps every call as a file."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from shared.webhook_signature import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signature

pytestmark = pytest.mark.integration

SETTINGS = ("ALERTING_LOCAL_WEBHOOK_URL", "ALERTING_WEBHOOK_SECRET", "FRONTDESK_WEBHOOK_DIR")


@dataclass(frozen=True)
class Sink:
    """The running sink, as the stack tells the services about it."""

    client: httpx.AsyncClient
    alerts_path: str
    secret: str
    folder: Path

    async def post(
        self, body: bytes, key: str, signed_with: str | None = None, path: str | None = None
    ) -> httpx.Response:
        headers = {
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: key,
            SIGNATURE_HEADER: signature(signed_with or self.secret, body),
        }
        return await self.client.post(path or self.alerts_path, content=body, headers=headers)

    def stored(self, answer: httpx.Response) -> dict[str, Any]:
        """The file the sink wrote for the call `answer` answered."""
        record: dict[str, Any] = json.loads(
            (self.folder / f"{answer.json()['call']}.json").read_text()
        )
        return record


@pytest.fixture
async def sink() -> AsyncIterator[Sink]:
    missing = [name for name in SETTINGS if not os.environ.get(name)]
    if missing:
        pytest.fail(f"{', '.join(missing)} not set: run on the test stack (`make test`)")
    url = urlsplit(os.environ["ALERTING_LOCAL_WEBHOOK_URL"])
    async with httpx.AsyncClient(base_url=f"{url.scheme}://{url.netloc}", timeout=5) as client:
        yield Sink(
            client,
            url.path,
            os.environ["ALERTING_WEBHOOK_SECRET"],
            Path(os.environ["FRONTDESK_WEBHOOK_DIR"]),
        )


def _alert() -> tuple[bytes, str]:
    """A JSON body and an Idempotency-Key of the test's own."""
    key = str(uuid.uuid4())
    return json.dumps({"alert_id": key, "kind": "possible_emergency"}).encode(), key


async def test_a_signed_call_is_delivered_and_kept_as_a_file(sink: Sink) -> None:
    body, key = _alert()

    answer = await sink.post(body, key)

    assert answer.status_code == 200
    stored = sink.stored(answer)
    assert stored["path"] == "/alerts"
    assert stored["idempotency_key"] == key
    assert (stored["verified"], stored["repeat"], stored["status"]) == (True, False, 200)
    assert stored["body"] == json.loads(body)
    assert stored["received_at"]


async def test_a_retry_with_the_same_key_is_answered_200_and_marked_a_repeat(sink: Sink) -> None:
    body, key = _alert()

    first = await sink.post(body, key)
    retry = await sink.post(body, key)

    assert (first.status_code, retry.status_code) == (200, 200)
    assert sink.stored(first)["repeat"] is False
    assert sink.stored(retry)["repeat"] is True
    assert sink.stored(retry)["idempotency_key"] == key


async def test_a_badly_signed_call_is_refused_but_kept_unverified(sink: Sink) -> None:
    body, key = _alert()

    answer = await sink.post(body, key, signed_with="not-the-shared-secret")
    then_signed = await sink.post(body, key)

    assert answer.status_code == 401
    assert SIGNATURE_HEADER in answer.json()["why"]
    assert (sink.stored(answer)["verified"], sink.stored(answer)["status"]) == (False, 401)
    assert sink.stored(then_signed)["repeat"] is False  # a refused call was never delivered


async def test_an_unsigned_call_is_refused(sink: Sink) -> None:
    body = _alert()[0]

    answer = await sink.client.post(sink.alerts_path, content=body, headers={"X-Other": "1"})

    assert answer.status_code == 401
    assert sink.stored(answer)["verified"] is False
    assert sink.stored(answer)["idempotency_key"] is None


async def test_a_body_that_is_not_json_is_answered_400(sink: Sink) -> None:
    answer = await sink.post(b"alert: not json", str(uuid.uuid4()))

    assert answer.status_code == 400
    assert "not a JSON document" in answer.json()["why"]
    assert (sink.stored(answer)["verified"], sink.stored(answer)["body"]) == (True, None)


async def test_a_fail_path_answers_its_status_and_is_not_taken_as_delivered(sink: Sink) -> None:
    body, key = _alert()

    failed = await sink.post(body, key, path="/fail/500/alerts")
    refused = await sink.post(body, key, path="/fail/410/alerts")
    then_delivered = await sink.post(body, key)

    assert (failed.status_code, refused.status_code, then_delivered.status_code) == (500, 410, 200)
    assert sink.stored(failed)["status"] == 500
    assert sink.stored(failed)["path"] == "/fail/500/alerts"
    assert sink.stored(failed)["verified"] is True
    assert sink.stored(then_delivered)["repeat"] is False


async def test_a_fail_path_must_name_a_failure_status(sink: Sink) -> None:
    body, key = _alert()

    answer = await sink.post(body, key, path="/fail/200/alerts")

    assert answer.status_code == 400
    assert "not a 4xx or 5xx" in answer.json()["error"]
