"""HTTP answer bodies the services' APIs share."""

from __future__ import annotations

from pydantic import BaseModel


class ErrorAnswer(BaseModel):
    """Why a request was refused."""

    detail: str


class FieldProblem(BaseModel):
    """One invalid field: where it is and what is wrong, never its value."""

    loc: list[str | int]
    msg: str
    type: str


class InvalidFields(BaseModel):
    """Why a request's fields were refused (422): every invalid one, named by its path."""

    detail: list[FieldProblem]
