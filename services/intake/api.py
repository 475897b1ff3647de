"""Intake's HTTP API: the catalogue, report submission and the reporter's status view."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import structlog
from fastapi import (
    APIRouter,
    Body,
    Depends,
    Header,
    HTTPException,
    Query,
    Response,
    status,
)
from fastapi.routing import APIRoute
from pydantic import AwareDatetime, BaseModel, Field

from services.intake.access import ForbiddenError
from services.intake.catalogue import CATALOGUE, ReportTypeDefinition
from services.intake.domain import AnySubmission, ReportSubmission, immediate_guidance
from services.intake.edge import admitted_caller
from services.intake.handlers import Intake
from services.intake.ports import (
    IdempotencyConflictError,
    ReportNotFoundError,
    ReportStatus,
)
from services.intake.standing import ReportState
from services.intake.updates import ReportUpdate, update_guidance
from shared.answers import ErrorAnswer, InvalidFields
from shared.api_keys import Caller
from shared.events import NoFurtherActionReason, Outcome, ReportType
from shared.status_tokens import StatusTokens

log = structlog.get_logger(__name__)


class ServiceDefinition(BaseModel):
    """A report type and the questions it asks (an Open311 service definition)."""

    service_code: ReportType
    service_name: str
    description: str
    group: str
    version: str = Field(description="Version of the questions; reports record it.")
    questions: dict[str, Any] = Field(description="JSON Schema of the type's `answers`.")


class ReportAccepted(BaseModel):
    """The answer to an accepted report."""

    report_id: uuid.UUID = Field(description="Id of the report.")
    status: Literal["received"] = Field(description="The report is stored and will be processed.")
    received_at: AwareDatetime = Field(description="When the report was accepted.")
    reply_expected: bool = Field(description="False for anonymous reports: no reply follows.")
    guidance: list[str] = Field(description="What the reporter should know right now.")
    status_token: str = Field(description="Keep it: it lets the reporter see the status.")
    status_url: str = Field(description="Where the status can be seen, with the token.")


class UpdateAccepted(BaseModel):
    """The answer to information added to a report."""

    report_id: uuid.UUID
    update_number: int = Field(description="1 for the report's first update, and so on.")
    guidance: list[str] = Field(description="What the giver should know right now.")


class ReportStatusView(BaseModel):
    """What a reporter sees of their report (what the status page shows, for API clients)."""

    report_id: uuid.UUID
    status: ReportStatus
    received_at: AwareDatetime
    reference: str | None = Field(description="The reference number, once issued.")
    replied_at: AwareDatetime | None = Field(description="When the reply reached you.")
    state: ReportState = Field(
        description="open; awaiting_answer: staff asked you something (`question`); closed."
    )
    neutral_wording: bool = Field(
        description="Contact must be safe: a closed report's outcome is not told here."
    )
    question: str | None = Field(description="What staff asked you, while awaiting an answer.")
    answer_by: AwareDatetime | None = Field(description="When they need the answer by.")
    outcome: Outcome | None = Field(description="How the report was closed.")
    crime_reference: str | None = Field(description="The crime number, if a crime was recorded.")
    reason_code: NoFurtherActionReason | None = Field(description="Why no further action.")
    agency: str | None = Field(description="The agency the report was referred to.")
    duplicate_of: str | None = Field(description="The reference of the report this repeats.")


def _definition(definition: ReportTypeDefinition) -> ServiceDefinition:
    return ServiceDefinition(
        service_code=definition.report_type,
        service_name=definition.name,
        description=definition.description,
        group=definition.group,
        version=definition.version,
        questions=definition.answers.model_json_schema(),
    )


def catalogue_router(route_class: type[APIRoute]) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["catalogue"], route_class=route_class)

    @router.get("/services", response_model=list[ServiceDefinition], responses=refusals(429))
    async def list_services() -> list[ServiceDefinition]:
        return [_definition(definition) for definition in CATALOGUE.values()]

    @router.get(
        "/services/{service_code}",
        response_model=ServiceDefinition,
        responses=refusals(404, 422, 429),
    )
    async def get_service(service_code: str) -> ServiceDefinition:
        try:
            return _definition(CATALOGUE[ReportType(service_code)])
        except ValueError:
            raise HTTPException(404, "no such report type") from None

    return router


#: When each refusal is given. Bodies are `ErrorAnswer`, but 422's (`InvalidFields`) and
#: 408's (none: the server answers it, before the app has the body).
REFUSAL_REASONS = {
    400: "The body is not valid JSON (not UTF-8, malformed, nested too deep, huge numbers).",
    401: "No API key, or an unknown one (`WWW-Authenticate: Bearer`).",
    403: "The channel may not do this.",
    404: "No such thing (or not with this token).",
    408: "The body did not arrive in time; the connection is closed.",
    409: "The Idempotency-Key was used for another body.",
    413: "The body is over the size limit, declared or streamed.",
    415: "The body is not `application/json`.",
    422: "Invalid fields, each named by its path; values are not echoed.",
    429: "Over a rate limit: of the client address, of failed keys, or of the key (`Retry-After`).",
    503: "The report store is unreachable; nothing was saved (`Retry-After`).",
}


def refusals(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for these refusals, each with its reason and body schema."""
    return {code: _refusal(code) for code in codes}


def _refusal(code: int) -> dict[str, Any]:
    if code == status.HTTP_408_REQUEST_TIMEOUT:
        return {"description": REFUSAL_REASONS[code]}  # answered by the server: no body
    model = InvalidFields if code == status.HTTP_422_UNPROCESSABLE_CONTENT else ErrorAnswer
    return {"model": model, "description": REFUSAL_REASONS[code]}


#: What a route with a JSON body and an API key can be refused with.
REFUSALS = refusals(400, 401, 403, 408, 409, 413, 415, 422, 429, 503)


async def _no_store(response: Response) -> None:
    """Answers carrying a status token stay out of every cache (browser, proxy, CDN)."""
    response.headers["Cache-Control"] = "no-store"


def reports_router(
    *, intake: Intake, route_class: type[APIRoute], tokens: StatusTokens
) -> APIRouter:
    router = APIRouter(
        prefix="/v1", tags=["reports"], route_class=route_class, dependencies=[Depends(_no_store)]
    )
    authenticated = Depends(admitted_caller)

    @router.post(
        "/reports",
        status_code=status.HTTP_202_ACCEPTED,
        response_model=ReportAccepted,
        responses=REFUSALS,
    )
    async def post_report(
        submission: Annotated[ReportSubmission, Body()],
        idempotency_key: Annotated[
            str | None, Header(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")
        ] = None,
        caller: Caller = authenticated,  # a default: the closure is invisible to annotations
    ) -> ReportAccepted:
        try:
            accepted = await intake.submit(
                submission,
                channel=caller.channel,
                idempotency_key=idempotency_key,
                key_id=caller.key_id,
            )
        except ForbiddenError as error:
            raise HTTPException(403, str(error)) from None
        except IdempotencyConflictError:
            raise HTTPException(409, "Idempotency-Key already used for another report") from None
        report_id = accepted.submitted.report_id
        log.info(
            "report_accepted",
            report_id=str(report_id),
            repeated=accepted.repeated,
            report_type=submission.report_type.value,
            channel=caller.channel.value,
        )
        return _accepted(
            accepted.submitted.report_id, accepted.submitted.received_at, submission, tokens
        )

    @router.get(
        "/reports/{report_id}",
        response_model=ReportStatusView,
        responses=refusals(404, 422, 429),
    )
    async def get_report_status(report_id: uuid.UUID, token: str | None = None) -> ReportStatusView:
        view = await intake.status(report_id) if tokens.matches(report_id, token) else None
        if view is None:
            raise HTTPException(404, "no report with this id and token")
        return ReportStatusView.model_validate(view, from_attributes=True)

    return router


def updates_router(
    *, intake: Intake, route_class: type[APIRoute], tokens: StatusTokens
) -> APIRouter:
    """`POST /v1/reports/{id}/updates`: information added to a report, re-assessed.

    Needs an API key, and may add only to a report that key submitted, unless `token` is
    the report's status token (the reporter adding information) or the key is a call
    handler's (`access.CALL_HANDLER_CHANNEL`). Any other report answers 404, as a report
    that does not exist does: a key learns nothing of reports that are not its own.
    """
    router = APIRouter(prefix="/v1", tags=["reports"], route_class=route_class)
    authenticated = Depends(admitted_caller)

    @router.post(
        "/reports/{report_id}/updates",
        status_code=status.HTTP_202_ACCEPTED,
        response_model=UpdateAccepted,
        responses=REFUSALS | refusals(404),
    )
    async def post_report_update(
        report_id: uuid.UUID,
        update: Annotated[ReportUpdate, Body()],
        *,
        idempotency_key: Annotated[
            str | None, Header(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")
        ] = None,
        token: Annotated[str | None, Query(description="The report's status token.")] = None,
        caller: Caller = authenticated,
    ) -> UpdateAccepted:
        try:
            added = await intake.add_information(
                report_id,
                update,
                channel=caller.channel,
                key_id=caller.key_id,
                reporter_proven=tokens.matches(report_id, token),
                idempotency_key=idempotency_key,
            )
        except ReportNotFoundError:
            raise HTTPException(404, "no report with this id that you may add to") from None
        except ForbiddenError as error:
            raise HTTPException(403, str(error)) from None
        except IdempotencyConflictError:
            raise HTTPException(409, "Idempotency-Key already used for another update") from None
        log.info(
            "report_updated",
            report_id=str(report_id),
            update_number=added.update_number,
            channel=caller.channel.value,
            key_id=caller.key_id,
        )
        return UpdateAccepted(
            report_id=report_id,
            update_number=added.update_number,
            guidance=update_guidance(update, added.language),
        )

    return router


def _accepted(
    report_id: uuid.UUID, received_at: datetime, submission: AnySubmission, tokens: StatusTokens
) -> ReportAccepted:
    token = tokens.token_for(report_id)
    return ReportAccepted(
        report_id=report_id,
        status="received",
        received_at=received_at,
        reply_expected=submission.contact is not None,
        guidance=immediate_guidance(submission),
        status_token=token,
        status_url=f"/v1/reports/{report_id}?token={token}",
    )
