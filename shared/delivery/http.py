"""One JSON POST to a provider, for the channels that speak HTTP (Notify, webhooks)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from shared.delivery.errors import TemporaryDeliveryError


def json_bytes(body: Mapping[str, Any]) -> bytes:
    """`body` as JSON, the same bytes every time: sorted keys, compact, UTF-8."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode()


async def post_json(
    url: str, body: bytes, headers: Mapping[str, str], timeout_s: float, provider: str
) -> httpx.Response:
    """POST `body` (JSON) to `url`. A timeout or a connection that fails is temporary; the
    error names the provider and the failure, never the URL, the body or the headers."""
    try:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            return await client.post(
                url, content=body, headers={**headers, "Content-Type": "application/json"}
            )
    except httpx.HTTPError as error:
        raise TemporaryDeliveryError(f"{provider} unreachable: {type(error).__name__}") from error
