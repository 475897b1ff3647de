"""`/status/{report_id}?token=`: the reporter's status page, and its answer form.

Public: the status token is the credential. A wrong or missing token answers the same 404
page as an unknown report, so the page tells nothing to anyone without it. The answer
form posts to `/status/{report_id}/answer?token=`: the token is checked, from the URL,
before the body is read; the body (form-encoded) holds the answer and the form's one-time
`form_id`, so a double submit adds once. The answer becomes a ReportUpdated of the
reporter (`Intake.add_on_status_page`), and the browser is sent back to the page (303),
which thanks them. Rate limits are the JSON API's (the route class admits every request).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError

from services.intake.access import ForbiddenError
from services.intake.handlers import Intake
from services.intake.ports import IdempotencyConflictError, ReportClosedError, ReportNotFoundError
from services.intake.standing import ReporterView
from services.intake.status_page import ANSWER_LIMIT, SECURITY_HEADERS, StatusPage, status_path
from services.intake.status_words import words_in
from services.intake.updates import ReportUpdate
from shared.status_tokens import StatusTokens

log = structlog.get_logger(__name__)

FORM_TYPE = "application/x-www-form-urlencoded"
FORM_ID = re.compile(r"^[0-9a-f]{32}$")
#: A browser sends two fields; a few more are tolerated, not thousands.
MAX_FORM_FIELDS = 8

Problem = Literal["empty_answer", "long_answer", "bad_answer", "form_used"]


@dataclass(frozen=True)
class AnswerForm:
    """The answer form as posted: what is added, and the form's one-time id."""

    update: ReportUpdate
    form_id: str


class FormProblemError(ValueError):
    """The form cannot be taken: `problem` names the words that tell the reporter why."""

    def __init__(self, problem: Problem, status: int = 422) -> None:
        super().__init__(problem)
        self.problem: Problem = problem
        self.status = status


def _single(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name, [])
    return values[0] if len(values) == 1 else ""


def read_answer_form(body: bytes) -> AnswerForm:
    """The posted form, or FormProblemError: an empty or overlong answer, characters an
    update may not hold, or a form without its one-time id (a page not of ours)."""
    try:
        fields = parse_qs(
            body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS
        )
    except ValueError:  # not UTF-8 (UnicodeDecodeError), or too many fields
        raise FormProblemError("bad_answer", 400) from None
    form_id = _single(fields, "form_id")
    if not FORM_ID.match(form_id):
        raise FormProblemError("form_used", 400)
    answer = _single(fields, "answer").replace("\r\n", "\n").strip()
    if not answer:
        raise FormProblemError("empty_answer")
    if len(answer) > ANSWER_LIMIT:
        raise FormProblemError("long_answer")
    try:
        return AnswerForm(ReportUpdate(information=answer), form_id)
    except ValidationError:
        raise FormProblemError("bad_answer") from None


#: Why an answer was not added, and the answer's status: words of `StatusWords`.
REFUSED_ANSWERS: dict[type[Exception], tuple[str, int]] = {
    ReportClosedError: ("closed_cannot_add", 409),
    IdempotencyConflictError: ("form_used", 409),
    ForbiddenError: ("cannot_add", 403),
    ReportNotFoundError: ("cannot_add", 403),
}


@dataclass(frozen=True)
class StatusPages:
    """What the page and its form answer, from the report and the token."""

    intake: Intake
    tokens: StatusTokens
    page: StatusPage

    async def proven_view(self, report_id: str, token: str | None) -> ReporterView | None:
        """The report's view if `token` is its status token; None alike for a bad id, an
        unknown report and a wrong token."""
        try:
            parsed = uuid.UUID(report_id)
        except ValueError:
            return None
        return await self.intake.status(parsed) if self.tokens.matches(parsed, token) else None

    def not_found(self) -> HTMLResponse:
        return HTMLResponse(self.page.not_found(), status_code=404, headers=SECURITY_HEADERS)

    def shown(
        self, view: ReporterView, token: str, notice: str | None, status: int = 200
    ) -> HTMLResponse:
        html = self.page.report(view, token, uuid.uuid4().hex, notice)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    async def take_answer(self, view: ReporterView, token: str, request: Request) -> Response:
        """Add the posted answer once, then back to the page (303); or the page again,
        saying why not."""
        words = words_in(view.language)
        if request.headers.get("content-type", "").split(";")[0].strip() != FORM_TYPE:
            return self.shown(view, token, words.bad_answer, 415)
        try:
            form = read_answer_form(await request.body())
            added = await self.intake.add_on_status_page(view.report_id, form.update, form.form_id)
        except FormProblemError as problem:
            return self.shown(view, token, getattr(words, problem.problem), problem.status)
        except tuple(REFUSED_ANSWERS) as refused:
            problem_words, status = REFUSED_ANSWERS[type(refused)]
            return self.shown(view, token, getattr(words, problem_words), status)
        log.info(
            "status_page_answer",
            report_id=str(view.report_id),
            update_number=added.update_number,
            repeated=added.repeated,
        )
        thanked = f"{status_path(view, token)}&sent=1"
        return RedirectResponse(thanked, status_code=303, headers=SECURITY_HEADERS)


def status_router(pages: StatusPages, route_class: type[APIRoute]) -> APIRouter:
    """The page and its form; neither is in the OpenAPI document (they are for people)."""
    router = APIRouter(route_class=route_class, include_in_schema=False)

    @router.get("/status/{report_id}", response_class=HTMLResponse)
    async def status_page(
        report_id: str, token: str | None = None, sent: str | None = None
    ) -> HTMLResponse:
        view = await pages.proven_view(report_id, token)
        if view is None or token is None:
            return pages.not_found()
        return pages.shown(view, token, words_in(view.language).thanks if sent == "1" else None)

    @router.post("/status/{report_id}/answer", response_class=HTMLResponse)
    async def answer(request: Request, report_id: str, token: str | None = None) -> Response:
        view = await pages.proven_view(report_id, token)  # before the body is read
        if view is None or token is None:
            return pages.not_found()
        return await pages.take_answer(view, token, request)

    return router
