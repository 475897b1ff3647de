"""Channel API keys, sent as `Authorization: Bearer <key>`, for every channel-facing API."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Header, HTTPException, Request

from shared.events import Channel
from shared.rate_limits import RateLimiter


class UnauthenticatedError(Exception):
    """No valid API key was presented."""


@dataclass(frozen=True)
class Caller:
    """Who is calling: their channel, and an id of their key that is safe to log."""

    channel: Channel
    key_id: str


@dataclass(frozen=True)
class ApiKeys:
    """The configured keys, each naming the channel it belongs to."""

    keys: dict[str, Channel]

    def authenticate(self, authorization: str | None) -> Caller:
        scheme, _, key = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not key:
            raise UnauthenticatedError("send an API key as 'Authorization: Bearer <key>'")
        given = key.strip().encode("utf-8", "replace")
        for known, channel in self.keys.items():
            if secrets.compare_digest(known.encode(), given):
                return Caller(channel, hashlib.sha256(known.encode()).hexdigest()[:16])
        raise UnauthenticatedError("unknown API key")


def bearer_caller(keys: ApiKeys) -> Callable[..., Awaitable[Caller]]:
    """A FastAPI dependency: the authenticated caller, or 401 with `WWW-Authenticate`."""

    async def caller(authorization: Annotated[str | None, Header()] = None) -> Caller:
        try:
            return keys.authenticate(authorization)
        except UnauthenticatedError as error:
            raise HTTPException(401, str(error), {"WWW-Authenticate": "Bearer"}) from None

    return caller


def guarded_bearer_caller(
    keys: ApiKeys, failed_keys: RateLimiter
) -> Callable[..., Awaitable[Caller]]:
    """`bearer_caller`, and a client address that sent too many bad keys gets 429 with
    `Retry-After`: its keys are not even compared until the wait is over."""
    authenticate = bearer_caller(keys)

    async def caller(
        request: Request, authorization: Annotated[str | None, Header()] = None
    ) -> Caller:
        client = request.client.host if request.client else "unknown"
        if (wait := failed_keys.waiting(client, time.monotonic())) is not None:
            raise HTTPException(429, "too many failed API keys", {"Retry-After": str(wait)})
        try:
            return await authenticate(authorization)
        except HTTPException:
            failed_keys.retry_after(client, time.monotonic())  # a failure spends a token
            raise

    return caller
