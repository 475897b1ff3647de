"""What every console answer shares: never cached (personal data must not linger in a
browser's or proxy's cache), and a 422 that names the field at fault."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse

from shared.answers import ErrorAnswer

NO_STORE = {"Cache-Control": "no-store"}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers a route documents in the OpenAPI (`{"detail": ...}` each)."""
    return {status: {"model": ErrorAnswer} for status in statuses}


#: Every signed-in route: not signed in, or a role (or team) that may not.
SIGNED_IN = errors(401, 403)


async def no_store(response: Response) -> None:
    """A router dependency: the answer may not be stored by any cache."""
    response.headers.update(NO_STORE)


class CsvResponse(PlainTextResponse):
    media_type = "text/csv"


def invalid(field: str, message: str) -> RequestValidationError:
    """A 422 naming a query field, as FastAPI's own validation answers."""
    problem = {"loc": ("query", field), "msg": message, "type": "value_error"}
    return RequestValidationError([problem])


def refused(status: int, detail: str) -> HTTPException:
    """An error answer, not cached either."""
    return HTTPException(status, detail, NO_STORE)
