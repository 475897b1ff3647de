"""Finding a report: by the reference someone reads out (a mistyped one is caught and the
nearest existing references offered), by report id, and, for supervisors, by the
reporter's email or phone: a search of personal data, logged with a keyed digest of what
was sought, never the query itself. And the call handlers' reference lookup."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, Field

from services.console.access import allow
from services.console.audit import AccessAction
from services.console.audit_trail import (
    normal_query_digest,
    normalised_email,
    normalised_phone,
)
from services.console.lookup import check_reference, nearest_references
from services.console.ports import AccessLog, ReportViews
from services.console.records import ReportRecord
from services.console.responses import NO_STORE, SIGNED_IN, errors, invalid, no_store, refused
from services.console.roles import READS_REPORTS, Role, Staff
from services.console.views import access_entry
from shared.clock import Clock

FINDS_REPORTS = allow(*READS_REPORTS)
SUPERVISES = allow(Role.SUPERVISOR)
LONGEST_EMAIL = 254


class Found(BaseModel):
    """The report a search found."""

    report_id: uuid.UUID
    reference: str | None
    report_type: str | None
    route: str | None
    received_at: AwareDatetime | None


class ReferenceView(BaseModel):
    """A reference and where its report stands (the call handlers' lookup)."""

    reference: str
    report_id: uuid.UUID
    report_type: str
    status: Literal["reference_issued", "replied"] = Field(
        description="Replied once the acknowledgement reached the reporter."
    )
    received_at: AwareDatetime
    issued_at: AwareDatetime
    replied_at: AwareDatetime | None


def found(record: ReportRecord) -> Found:
    return Found(
        report_id=record.report_id,
        reference=record.reference,
        report_type=record.report_type,
        route=record.route,
        received_at=record.received_at,
    )


def reference_view(record: ReportRecord) -> ReferenceView | None:
    """The lookup's answer, once the report and its reference are both known."""
    issued = [e.occurred_at for e in record.timeline if e.event_type == "ReferenceIssued"]
    replied = [
        reply.delivered_at
        for reply in record.replies
        if reply.reply_kind == "acknowledgement" and reply.delivered_at is not None
    ]
    reference, report_type, received_at = record.reference, record.report_type, record.received_at
    if reference is None or report_type is None or received_at is None or not issued:
        return None
    return ReferenceView(
        reference=reference,
        report_id=record.report_id,
        report_type=report_type,
        status="replied" if replied else "reference_issued",
        received_at=received_at,
        issued_at=min(issued),
        replied_at=min(replied) if replied else None,
    )


def normal_contact(email: str | None, phone: str | None) -> tuple[str | None, str | None]:
    """The query as the read model holds contact details, by the access log's own
    normalisers (email lower case with its domain in ASCII form, phone E.164): normalised
    once, before any query. A 422 naming the field, never quoting it, when the value is
    neither, or when both or none are given."""
    if (email is None) == (phone is None):
        raise invalid("email", "give exactly one of email or phone")
    try:
        if email is not None:
            if len(email) > LONGEST_EMAIL:
                raise ValueError("too long")
            return normalised_email(email), None
        assert phone is not None
        return None, normalised_phone(phone)
    except ValueError:
        field = "email" if email is not None else "phone"
        problem = "must be an email address" if email is not None else "must be a phone number"
        raise invalid(field, problem) from None


class Finder:
    """The searches, each written to the access log."""

    def __init__(self, views: ReportViews, access_log: AccessLog, clock: Clock, key: str) -> None:
        self.views = views
        self.access_log = access_log
        self.clock = clock
        self.key = key

    async def suggested(self, candidates: list[str]) -> list[str]:
        existing = set(await self.views.existing_references(candidates))
        return [reference for reference in candidates if reference in existing]

    async def by_reference(self, text: str, staff: Staff) -> Found | JSONResponse:
        checked = check_reference(text)
        record = await self.views.by_reference(checked.reference) if checked.reference else None
        entry = access_entry(
            staff,
            AccessAction.SEARCH_REFERENCE,
            self.clock.now(),
            reference=checked.typed,
            report_id=record.report_id if record else None,
            matches=int(record is not None),
            report_ids=[record.report_id] if record else [],
        )
        await self.access_log.record(entry)
        if record is not None:
            return found(record)
        if not checked.valid:
            problem = {"loc": ["query", "reference"], "msg": checked.problem, "type": "value_error"}
            body = {"detail": [problem], "suggestions": await self.suggested(checked.candidates)}
            return JSONResponse(body, 422, NO_STORE)
        near = await self.suggested(nearest_references(checked.typed or ""))
        body = {"detail": "no report has this reference", "suggestions": near}
        return JSONResponse(body, 404, NO_STORE)

    async def by_report_id(self, report_id: uuid.UUID, staff: Staff) -> Found:
        record = await self.views.report(report_id)
        entry = access_entry(
            staff,
            AccessAction.SEARCH_REPORT_ID,
            self.clock.now(),
            report_id=report_id,
            matches=int(record is not None),
            report_ids=[report_id] if record else [],
        )
        await self.access_log.record(entry)
        if record is None:
            raise refused(404, "no report has this id")
        return found(record)

    async def by_contact(self, email: str | None, phone: str | None, staff: Staff) -> list[Found]:
        email, phone = normal_contact(email, phone)
        records = await self.views.by_contact(email, phone)
        entry = access_entry(
            staff,
            AccessAction.SEARCH_CONTACT,
            self.clock.now(),
            query_digest=normal_query_digest(self.key.encode(), email=email, phone=phone),
            matches=len(records),
            report_ids=[record.report_id for record in records],
        )
        await self.access_log.record(entry)
        return [found(record) for record in records]

    async def look_up(self, reference: str, staff: Staff) -> ReferenceView:
        checked = check_reference(reference)
        if checked.reference is None:
            raise refused(400, checked.problem or "not a reference")
        record = await self.views.by_reference(checked.reference)
        view = None if record is None else reference_view(record)
        entry = access_entry(
            staff,
            AccessAction.SEARCH_REFERENCE,
            self.clock.now(),
            reference=checked.reference,
            report_id=None if record is None else record.report_id,
            matches=int(view is not None),
            report_ids=[] if record is None else [record.report_id],
        )
        await self.access_log.record(entry)
        if view is None:
            raise refused(404, "no report has this reference")
        return view


def search_router(
    views: ReportViews, access_log: AccessLog, clock: Clock, contact_digest_key: str
) -> APIRouter:
    """`/v1/search` (by reference or report id), `/v1/search/contact` and
    `/v1/references/{reference}`. `contact_digest_key` keys the digest of a contact search
    written to the access log (a secret of the settings)."""
    finder = Finder(views, access_log, clock, contact_digest_key)
    router = APIRouter(
        prefix="/v1", tags=["console"], dependencies=[Depends(no_store)], responses=SIGNED_IN
    )

    @router.get("/search", response_model=Found, responses={404: {}, 422: {}})
    async def search(
        reference: str | None = None,
        report_id: uuid.UUID | None = None,
        staff: Staff = FINDS_REPORTS,
    ) -> Found | JSONResponse:
        """One report by its reference (`?reference=`) or its id (`?report_id=`)."""
        if reference is not None and report_id is None:
            return await finder.by_reference(reference, staff)
        if report_id is not None and reference is None:
            return await finder.by_report_id(report_id, staff)
        raise invalid("reference", "give exactly one of reference or report_id")

    @router.get("/search/contact", response_model=list[Found])
    async def search_contact(
        email: str | None = None, phone: str | None = None, staff: Staff = SUPERVISES
    ) -> list[Found]:
        """Reports whose reporter gave this email or phone: a search of personal data."""
        return await finder.by_contact(email, phone, staff)

    @router.get("/references/{reference}", response_model=ReferenceView, responses=errors(400, 404))
    async def get_reference(reference: str, staff: Staff = FINDS_REPORTS) -> ReferenceView:
        """Where the report with this reference stands (for call handlers)."""
        return await finder.look_up(reference, staff)

    return router
