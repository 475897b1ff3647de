"""HTTP answer bodies the services' APIs share."""

from __future__ import annotations

from pydantic import BaseModel


class ErrorAnswer(BaseModel):
    """Why a request was refused."""

    detail: str
