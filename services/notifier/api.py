"""The notifier's own HTTP API: delivery receipts from GOV.UK Notify."""

from __future__ import annotations

import hmac
from typing import Annotated

import structlog
from fastapi import APIRouter, Header, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import AwareDatetime, BaseModel, ConfigDict, SecretStr, ValidationError

from services.notifier.handlers import Notifier
from services.notifier.ports import DeliveryReceipt
from shared.answers import ErrorAnswer

log = structlog.get_logger(__name__)


class NotifyReceipt(BaseModel):
    """A Notify delivery-status callback (the fields frontdesk uses)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    reference: str | None = None
    status: str
    completed_at: AwareDatetime | None = None
    sent_at: AwareDatetime | None = None


RECEIPT_BODY = {
    "required": True,
    "content": {"application/json": {"schema": NotifyReceipt.model_json_schema()}},
}


def receipts_router(notifier: Notifier, token: SecretStr | None) -> APIRouter:
    router = APIRouter(prefix="/v1/receipts", tags=["receipts"])

    @router.post(
        "/notify",
        status_code=status.HTTP_204_NO_CONTENT,
        openapi_extra={"requestBody": RECEIPT_BODY},
        responses={code: {"model": ErrorAnswer} for code in (401, 413)},
    )
    async def notify_receipt(
        request: Request, authorization: Annotated[str | None, Header()] = None
    ) -> None:
        """The token is checked before the body is read: a stranger's body is never parsed."""
        _check_token(token, authorization)
        receipt = _parse(await request.body())
        at = receipt.completed_at or receipt.sent_at or notifier.clock.now()
        known = await notifier.record_receipt(DeliveryReceipt(receipt.id, receipt.status, at))
        log.info("delivery_receipt", status=receipt.status, known=known)

    return router


def _check_token(token: SecretStr | None, authorization: str | None) -> None:
    expected = f"Bearer {token.get_secret_value()}" if token else None
    given = (authorization or "").encode("utf-8", "replace")
    if expected is None or not hmac.compare_digest(expected.encode(), given):
        raise HTTPException(401, "a receipt needs the agreed bearer token")


def _parse(body: bytes) -> NotifyReceipt:
    try:
        return NotifyReceipt.model_validate_json(body)
    except ValidationError as error:
        problems = [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]
        raise RequestValidationError(problems) from None
