"""The notifier's own HTTP API: delivery receipts from GOV.UK Notify."""

from __future__ import annotations

import hmac
from typing import Annotated

import structlog
from fastapi import APIRouter, Header, HTTPException, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, SecretStr

from services.notifier.handlers import DeliveryReceipt, Notifier

log = structlog.get_logger(__name__)


class NotifyReceipt(BaseModel):
    """A Notify delivery-status callback (the fields frontdesk uses)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    reference: str | None = None
    status: str
    completed_at: AwareDatetime | None = None
    sent_at: AwareDatetime | None = None


def receipts_router(notifier: Notifier, token: SecretStr | None) -> APIRouter:
    router = APIRouter(prefix="/v1/receipts", tags=["receipts"])

    @router.post("/notify", status_code=status.HTTP_204_NO_CONTENT)
    async def notify_receipt(
        receipt: NotifyReceipt, authorization: Annotated[str | None, Header()] = None
    ) -> None:
        expected = f"Bearer {token.get_secret_value()}" if token else None
        given = (authorization or "").encode("utf-8", "replace")
        if expected is None or not hmac.compare_digest(expected.encode(), given):
            raise HTTPException(401, "a receipt needs the agreed bearer token")
        at = receipt.completed_at or receipt.sent_at or notifier.clock.now()
        known = await notifier.record_receipt(DeliveryReceipt(receipt.id, receipt.status, at))
        log.info("delivery_receipt", status=receipt.status, known=known)

    return router
