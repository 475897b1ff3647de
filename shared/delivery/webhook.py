"""Signed webhook calls: a JSON body POSTed with its HMAC signature and an idempotency key.

The body is encoded once, deterministically, so every retry sends the same bytes with the
same `Idempotency-Key`: a receiver that saw the first call can tell the second is a repeat.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import httpx

from shared.delivery.errors import PermanentDeliveryError, TemporaryDeliveryError
from shared.delivery.http import json_bytes, post_json
from shared.delivery.retries import Retries
from shared.webhook_signature import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signature

#: The 4xx answers that may pass when asked again; every other 4xx is final.
RETRYABLE_CLIENT_ERRORS = frozenset({HTTPStatus.REQUEST_TIMEOUT, HTTPStatus.TOO_MANY_REQUESTS})


@dataclass(frozen=True)
class WebhookOut:
    """A webhook call: where to, the secret it is signed with, its body, and the key that
    makes its repeats recognisable."""

    url: str
    secret: str
    body: dict[str, Any]
    idempotency_key: str


class WebhookPoster:
    """POSTs webhook calls; a 5xx, 408, 429, timeout or failed connection is retried,
    any other answer but a 2xx is final at once."""

    def __init__(self, retries: Retries, timeout_s: float) -> None:
        self._retries = retries
        self._timeout_s = timeout_s

    def encode(self, call: WebhookOut) -> bytes:
        """The bytes POSTed, the same on every try."""
        return json_bytes(call.body)

    async def send(self, call: WebhookOut) -> int:
        """Deliver `call`; returns the receiver's final (2xx) status."""
        body = self.encode(call)
        headers = {
            IDEMPOTENCY_HEADER: call.idempotency_key,
            SIGNATURE_HEADER: signature(call.secret, body),
        }
        return await self._retries.run(lambda: self._post_once(call.url, body, headers))

    async def _post_once(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        answer = await post_json(url, body, headers, self._timeout_s, provider="webhook")
        return _delivered_status(answer)


def _delivered_status(answer: httpx.Response) -> int:
    status = answer.status_code
    if answer.is_success:
        return status
    if status in RETRYABLE_CLIENT_ERRORS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        raise TemporaryDeliveryError(f"webhook answered {status}")
    raise PermanentDeliveryError(f"webhook refused the call: {status}")
