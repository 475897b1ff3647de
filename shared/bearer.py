"""FastAPI dependencies that authenticate a caller by its API key (`shared.api_keys`)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Header, HTTPException, Request

from shared.api_keys import ApiKeys, Caller, UnauthenticatedError
from shared.rate_limits import RateLimiter


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
