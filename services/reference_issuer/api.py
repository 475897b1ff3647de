"""The call handlers' API: resolve a reference someone reads out to the report's status."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException
from pydantic import AwareDatetime, BaseModel, Field

from services.reference_issuer.handlers import ReferenceIssuer
from shared.answers import ErrorAnswer
from shared.api_keys import ApiKeys, Caller
from shared.bearer import guarded_bearer_caller
from shared.rate_limits import RateLimiter
from shared.references import InvalidReferenceError


class ReferenceView(BaseModel):
    """A reference and where its report stands."""

    reference: str
    report_id: uuid.UUID
    report_type: str
    status: Literal["reference_issued", "replied"] = Field(
        description="Replied once the acknowledgement reached the reporter."
    )
    received_at: AwareDatetime
    issued_at: AwareDatetime
    replied_at: AwareDatetime | None


def references_router(issuer: ReferenceIssuer, keys: ApiKeys, failures: RateLimiter) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["references"])
    authenticated = Depends(guarded_bearer_caller(keys, failures))

    @router.get(
        "/references/{reference}",
        response_model=ReferenceView,
        responses={code: {"model": ErrorAnswer} for code in (400, 401, 404, 413, 429)},
    )
    async def get_reference(reference: str, caller: Caller = authenticated) -> ReferenceView:
        try:
            record = await issuer.look_up(reference)
        except InvalidReferenceError as error:
            raise HTTPException(400, str(error)) from None
        if record is None:
            raise HTTPException(404, "no report has this reference")
        return ReferenceView(
            reference=record.reference,
            report_id=record.report_id,
            report_type=record.report_type,
            status=record.status,
            received_at=record.received_at,
            issued_at=record.issued_at,
            replied_at=record.replied_at,
        )

    return router
