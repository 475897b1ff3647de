"""Intake's HTTP API: `POST /v1/reports`."""

from __future__ import annotations

import uuid
from typing import Literal

import structlog
from fastapi import APIRouter, BackgroundTasks, FastAPI, Request, status
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, Field

from services.intake.domain import ReportSubmission, immediate_guidance
from services.intake.handlers import Reports, submit_report
from shared.clock import Clock
from shared.events import Channel
from shared.mongo import TRANSIENT_MONGO_ERRORS

log = structlog.get_logger(__name__)


class ReportAccepted(BaseModel):
    """The answer to an accepted report."""

    report_id: uuid.UUID = Field(description="Id of the report, for status look-ups.")
    status: Literal["received"] = Field(description="The report is stored and will be processed.")
    received_at: AwareDatetime = Field(description="When the report was accepted.")
    reply_expected: bool = Field(description="False for anonymous reports: no reply follows.")
    guidance: list[str] = Field(description="What the reporter should know right now.")


def reports_router(reports: Reports, clock: Clock, force_code: str) -> APIRouter:
    router = APIRouter(prefix="/v1")

    @router.post("/reports", status_code=status.HTTP_202_ACCEPTED, response_model=ReportAccepted)
    async def post_report(
        submission: ReportSubmission, background: BackgroundTasks
    ) -> ReportAccepted:
        submitted = await submit_report(
            submission, channel=Channel.WEB, force_code=force_code, reports=reports, clock=clock
        )
        background.add_task(reports.publish_pending, submitted.report_id)
        log.info(
            "report_accepted",
            report_id=str(submitted.report_id),
            report_type=submitted.report_type.value,
        )
        return ReportAccepted(
            report_id=submitted.report_id,
            status="received",
            received_at=submitted.received_at,
            reply_expected=submission.contact is not None,
            guidance=immediate_guidance(submission),
        )

    return router


def install_error_handlers(app: FastAPI) -> None:
    """A store that cannot be reached is a 503: nothing was accepted, try again."""

    async def store_unavailable(_request: Request, error: Exception) -> JSONResponse:
        log.warning("report_store_unavailable", error=type(error).__name__)
        return JSONResponse(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            content={"detail": "The report store is unavailable; nothing was saved. Try again."},
            headers={"Retry-After": "5"},
        )

    for error_type in TRANSIENT_MONGO_ERRORS:
        app.add_exception_handler(error_type, store_unavailable)
