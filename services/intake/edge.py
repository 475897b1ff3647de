"""Intake's HTTP edge: what a request passes before FastAPI reads its body.

FastAPI reads and parses a body before it runs any dependency, so admission (rate limits,
the API key) and the checks of the body's form live in a route class, in this order:
address limit, failed-key limit, key (401), key limit (429), content type (415), size (413),
well-formed JSON (400); then FastAPI validates the fields (422). A caller without a valid key
learns nothing about its body, and costs no parsing.
"""

from __future__ import annotations

import email.message
import json
import time
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import structlog
from fastapi import HTTPException, Request, Response, Security
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import ClientDisconnect

from services.intake.admission import Admission, TooManyRequestsError
from shared.api_keys import Caller, UnauthenticatedError

log = structlog.get_logger(__name__)

#: Deeper than any submission needs; Python's parser would only stop at its recursion limit.
MAX_JSON_DEPTH = 32

BEARER = HTTPBearer(auto_error=False, description="The channel's API key.")

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class MalformedBodyError(ValueError):
    """The body is not JSON we parse; the message says why, never what it contained."""


async def admitted_caller(
    request: Request,
    _key: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
) -> Caller:
    """The caller the route class authenticated; depending on it makes a route need a key.
    A route not built by `admitted_routes` authenticated nobody: it is denied, not let in."""
    caller = getattr(request.state, "caller", None)
    if not isinstance(caller, Caller):
        log.error("route_without_admission", path=request.url.path)
        raise HTTPException(401, "send an API key", {"WWW-Authenticate": "Bearer"})
    return caller


def admitted_routes(admission: Admission) -> type[APIRoute]:
    """A route class that admits every request, authenticates the routes that depend on
    `admitted_caller`, and checks a body's form, all before FastAPI reads the body."""

    class AdmittedRoute(APIRoute):
        def get_route_handler(self) -> Handler:
            handle = super().get_route_handler()
            needs_key = any(d.call is admitted_caller for d in self.dependant.dependencies)
            takes_body = self.body_field is not None

            async def admit_then_handle(request: Request) -> Response:
                _admit(admission, request, needs_key=needs_key)
                if takes_body:
                    await _check_json_body(request)
                return await handle(request)

            return admit_then_handle

    return AdmittedRoute


def _admit(admission: Admission, request: Request, *, needs_key: bool) -> None:
    address = request.client.host if request.client else "unknown"
    now = time.monotonic()
    try:
        if needs_key:
            authorization = request.headers.get("authorization")
            request.state.caller = admission.authenticate(address, authorization, now)
        else:
            admission.admit(address, now)
    except UnauthenticatedError as error:
        raise HTTPException(401, str(error), {"WWW-Authenticate": "Bearer"}) from None
    except TooManyRequestsError as error:
        wait = {"Retry-After": str(error.retry_after)}
        raise HTTPException(429, "too many requests", wait) from None


async def _check_json_body(request: Request) -> None:
    if not _is_json(request.headers.get("content-type")):
        raise HTTPException(415, "send the body as JSON, with Content-Type: application/json")
    try:
        body = await request.body()
    except ClientDisconnect:
        raise HTTPException(400, "the body did not arrive") from None
    if body:
        try:
            parse_json(body)
        except MalformedBodyError as error:
            raise HTTPException(400, f"the body is not valid JSON: {error}") from None


def _is_json(content_type: str | None) -> bool:
    """`application/json` or `application/*+json`, parameters allowed (as FastAPI parses)."""
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    is_json = subtype == "json" or subtype.endswith("+json")
    return message.get_content_maintype() == "application" and is_json


def parse_json(body: bytes) -> Any:
    """Strict JSON: UTF-8 only, no NaN or Infinity, integers of at most 4,300 digits,
    nested at most MAX_JSON_DEPTH deep; MalformedBodyError says which rule was broken."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBodyError("it is not UTF-8") from None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except MalformedBodyError:
        raise
    except RecursionError:
        raise MalformedBodyError(f"it is nested deeper than {MAX_JSON_DEPTH} levels") from None
    except json.JSONDecodeError as error:
        raise MalformedBodyError(f"{error.msg} at character {error.pos}") from None
    except ValueError:  # int() refuses more than sys.get_int_max_str_digits() digits
        raise MalformedBodyError("a number has too many digits") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise MalformedBodyError(f"it is nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def _no_constant(name: str) -> Any:
    raise MalformedBodyError(f"{name} is not a JSON number")


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest, counted without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            pending.extend((child, depth + 1) for child in item)
    return deepest
