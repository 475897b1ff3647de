"""The standard texts offered for a report, and the preview of a message to its reporter:
for the report's team's operators and supervisors, as the report view is.

A preview writes nothing but shows exactly what the reporter would receive: the channel
(the first of `safe_channels`), the sender (the force's own, or the neutral one where
contact must be safe), the subject (email only) and the body as it will arrive, with the
status-page link the notifier puts in shown with `[token]` for its token (staff never
hold the reporter's credential). It shows personal data (the reporter's name, the
message), so each preview is written to the access log as a consultation of the report.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from services.console.access import allow
from services.console.audit import AccessAction
from services.console.ports import (
    AccessLog,
    MissingDetailError,
    ReplyTexts,
    ReportViews,
    Situation,
    TemplateChoice,
    UnknownTemplateError,
)
from services.console.records import ReportRecord
from services.console.reply_texts import neutral_required, reporter_contact
from services.console.responses import SIGNED_IN, errors, no_store, refused
from services.console.roles import READS_REPORTS, Staff
from services.console.views import access_entry, may_open
from shared.clock import Clock
from shared.events import STATUS_LINK_MARKER, NoFurtherActionReason, safe_channels
from shared.sms import sms_segments

OPENS_REPORTS = allow(*READS_REPORTS)
SITUATIONS: tuple[Situation, ...] = ("reply", "more_information", "outcome")
#: More text messages than this for one message deserve a word to whoever writes it.
SMS_PARTS_WARNED = 2


class ChoiceView(BaseModel):
    template: str
    title: str
    situation: Situation
    outcome: str | None
    neutral: bool
    languages: list[str]


class TemplatesView(BaseModel):
    """The standard texts staff may start from, for one report and situation."""

    situation: Situation
    neutral_required: bool = Field(description="Contact must be safe: neutral texts only.")
    language: str | None = Field(description="The reporter's language, to start in.")
    choices: list[ChoiceView]


class PreviewDetails(BaseModel):
    """What an outcome text tells beyond the report itself."""

    model_config = ConfigDict(extra="forbid")

    crime_reference: str | None = Field(default=None, max_length=64)
    reason_code: NoFurtherActionReason | None = None
    agency: str | None = Field(default=None, max_length=200)
    duplicate_of: str | None = Field(default=None, max_length=64)


class PreviewRequest(BaseModel):
    """A standard text to preview, as rendered or as staff edited it."""

    model_config = ConfigDict(extra="forbid")

    template: str = Field(min_length=1, max_length=100)
    language: Literal["en", "cy"]
    subject: str | None = Field(default=None, max_length=200, description="As edited.")
    body: str | None = Field(default=None, min_length=1, max_length=5000, description="As edited.")
    details: PreviewDetails = Field(default_factory=PreviewDetails)


class Preview(BaseModel):
    """Exactly what the reporter would receive."""

    template: str
    language: str
    situation: Situation
    neutral: bool
    sender: Literal["force", "neutral"]
    channel: Literal["email", "sms"] | None = Field(description="None: it cannot be sent.")
    problem: str | None = Field(description="Why it cannot be sent, if it cannot.")
    subject: str | None = Field(description="The email's subject; none for a text message.")
    body: str = Field(description="The text as it will arrive.")
    segments: int | None = Field(description="For a text message: how many parts.")
    warnings: list[str]


def _invalid(message: str, *loc: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", *loc), "msg": message, "type": "value_error"}])


def _choice_of(texts: ReplyTexts, record: ReportRecord, template: str) -> TemplateChoice:
    offered = (choice for s in SITUATIONS for choice in texts.choices(record, s))
    found = next((choice for choice in offered if choice.template == template), None)
    if found is None:
        raise _invalid("not a standard text offered for this report", "template")
    return found


def _channel(record: ReportRecord) -> tuple[Literal["email", "sms"] | None, str | None]:
    contact = reporter_contact(record)
    if contact is None:
        return None, "the report is anonymous: there is nobody to send it to"
    channels = safe_channels(contact)
    if not channels:
        return None, "it cannot be sent: the reporter gave no channel that is safe to use"
    return channels[0].value, None


def status_link(status_page_url: str, report_id: uuid.UUID) -> str:
    """The status page's link as staff may see it: the token is the reporter's alone."""
    return f"{status_page_url.rstrip('/')}/status/{report_id}?token=[token]"


def preview_of(
    texts: ReplyTexts, record: ReportRecord, asked: PreviewRequest, status_page_url: str
) -> Preview:
    """The preview of one message (pure: no log, no write)."""
    choice = _choice_of(texts, record, asked.template)
    subject, body = asked.subject, asked.body
    if subject is None or body is None:
        details = {k: str(v) for k, v in asked.details.model_dump(exclude_none=True).items()}
        try:
            rendered = texts.render(asked.template, asked.language, record, details)
        except UnknownTemplateError as error:
            raise _invalid(str(error), "template") from error
        except MissingDetailError as error:
            raise _invalid(str(error), "details", error.detail) from error
        subject = rendered.subject if subject is None else subject
        body = rendered.body if body is None else body
    channel, problem = _channel(record)
    arriving = body.replace(STATUS_LINK_MARKER, status_link(status_page_url, record.report_id))
    segments = sms_segments(arriving) if channel == "sms" else None
    return Preview(
        template=choice.template,
        language=asked.language,
        situation=choice.situation,
        neutral=choice.neutral,
        sender="neutral" if choice.neutral else "force",
        channel=channel,
        problem=problem,
        subject=subject if channel != "sms" else None,
        body=arriving,
        segments=segments,
        warnings=_warnings(choice.situation, body, segments),
    )


def _warnings(situation: Situation, body: str, segments: int | None) -> list[str]:
    found = []
    if situation == "more_information" and STATUS_LINK_MARKER not in body:
        found.append(f"the reporter gets no link to answer: put {STATUS_LINK_MARKER} back")
    if segments is not None and segments > SMS_PARTS_WARNED:
        found.append(f"it goes as {segments} text messages: shorter is better")
    return found


def reply_texts_router(
    views: ReportViews,
    texts: ReplyTexts,
    access_log: AccessLog,
    clock: Clock,
    status_page_url: str,
) -> APIRouter:
    """`GET /v1/reports/{id}/templates` and `POST /v1/reports/{id}/replies/preview`."""
    router = APIRouter(
        prefix="/v1", tags=["console"], dependencies=[Depends(no_store)], responses=SIGNED_IN
    )

    async def openable(report_id: uuid.UUID, staff: Staff, now: datetime) -> ReportRecord:
        """The report, if `staff` may open it (a refusal is logged, as the report view's)."""
        record = await views.report(report_id)
        if record is None:
            raise refused(404, "no report has this id")
        if not may_open(staff, record):
            denied = access_entry(
                staff, AccessAction.DENIED, now, report_id=report_id, detail="team"
            )
            await access_log.record(denied)
            raise refused(403, "the report is not one of your teams'")
        return record

    @router.get(
        "/reports/{report_id}/templates", response_model=TemplatesView, responses=errors(404)
    )
    async def templates(
        report_id: uuid.UUID,
        situation: Annotated[Situation, Query()],
        staff: Staff = OPENS_REPORTS,
    ) -> TemplatesView:
        """The standard texts for this report: neutral ones only where contact must be safe;
        none for an anonymous report. Titles only: nothing personal, nothing logged."""
        record = await openable(report_id, staff, clock.now())
        contact = reporter_contact(record)
        return TemplatesView(
            situation=situation,
            neutral_required=neutral_required(record),
            language=None if contact is None else contact.language,
            choices=[
                ChoiceView(**{**vars(choice), "languages": list(choice.languages)})
                for choice in texts.choices(record, situation)
            ],
        )

    @router.post(
        "/reports/{report_id}/replies/preview", response_model=Preview, responses=errors(404)
    )
    async def preview(
        report_id: uuid.UUID, asked: PreviewRequest, staff: Staff = OPENS_REPORTS
    ) -> Preview:
        """Exactly what the reporter would receive: the template rendered, or the subject and
        body as edited. Writes nothing but the access log's entry."""
        now = clock.now()
        record = await openable(report_id, staff, now)
        shown = preview_of(texts, record, asked, status_page_url)
        entry = access_entry(
            staff,
            AccessAction.VIEW_REPORT,
            now,
            report_id=report_id,
            reference=record.reference,
            shown=["reply_preview"],
        )
        await access_log.record(entry)
        return shown

    return router
