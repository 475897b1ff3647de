"""HTTP plumbing of every service: a body-size limit, and error answers that carry no input."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import field_location
from shared.mongo import TRANSIENT_MONGO_ERRORS

log = structlog.get_logger(__name__)


class BodyTooLargeError(HTTPException):
    """A streamed (chunked) body went past the limit: an HTTPException, so that FastAPI,
    which answers 400 to any other error while reading a body, answers 413."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(status.HTTP_413_CONTENT_TOO_LARGE, _too_large(max_bytes))


class BodySizeLimit:
    """ASGI middleware: 413 for a body over `max_bytes`, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLargeError(self.max_bytes)
            return message

        try:
            await self.app(scope, counting_receive, send)
        except BodyTooLargeError:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        response = JSONResponse(
            {"detail": _too_large(self.max_bytes)},
            status_code=status.HTTP_413_CONTENT_TOO_LARGE,
        )
        await response({"type": "http"}, _no_receive, send)


def _too_large(max_bytes: int) -> str:
    return f"the body is larger than {max_bytes} bytes"


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


#: pydantic messages that quote what was sent, and ones that say the same without it.
QUOTING_MESSAGES = {
    "union_tag_invalid": "Input tag does not match any of the expected tags",
    "uuid_parsing": "Input should be a valid UUID",
}
#: Shorter inputs (a digit, a letter) appear in messages by chance, not as quotes.
SHORTEST_QUOTE = 3


def _message(problem: Any) -> str:
    """pydantic's message, unless it would repeat the input."""
    message = str(QUOTING_MESSAGES.get(problem["type"], problem["msg"]))
    given = problem.get("input")
    if isinstance(given, str) and len(given) >= SHORTEST_QUOTE and given in message:
        return "Invalid value"
    return message


def install_error_handlers(app: FastAPI) -> None:
    """422 names every invalid field without echoing its value; 503 when the store is down."""

    async def invalid_request(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        problems: list[dict[str, Any]] = [
            {"loc": field_location(e["loc"], e["type"]), "msg": _message(e), "type": e["type"]}
            for e in error.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": problems})

    async def store_unavailable(_request: Request, error: Exception) -> JSONResponse:
        log.warning("store_unavailable", error=type(error).__name__)
        return JSONResponse(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            content={"detail": "The store is unavailable; nothing was saved. Try again."},
            headers={"Retry-After": "5"},
        )

    app.add_exception_handler(RequestValidationError, invalid_request)
    for error_type in TRANSIENT_MONGO_ERRORS:
        app.add_exception_handler(error_type, store_unavailable)
