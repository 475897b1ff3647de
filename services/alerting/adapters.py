"""Alerting's Mongo adapter: one document per alert (its ladder, steps told, pages and
outbox) in `alerts`, and what is known of each report in `reports`."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.alerting.domain import Acknowledgement, Alert, AlertState, PageRetry
from services.alerting.ports import Claim, Page, ReportFacts
from shared.events import (
    AlertAcknowledged,
    AlertEscalated,
    AlertKind,
    AlertRaised,
    AlertResolved,
    CauseRef,
)
from shared.guards import (
    UNGUARDED,
    Lease,
    first_stands,
    newer_only,
    not_yet,
    once_per_name,
    remember,
    still,
    take,
)
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox

#: Pages nobody needs to try again.
PAGE_DONE = frozenset({"sent", "failed_permanent"})


class MongoAlerts:
    """`Alerts` in the `alerts` and `reports` collections."""

    def __init__(
        self, database: AsyncDatabase[Document], publisher: EventPublisher, page_lease_s: float
    ) -> None:
        self._alerts = database["alerts"]
        self._reports = database["reports"]
        self._lease = timedelta(seconds=page_lease_s)
        self.outbox = Outbox(self._alerts, publisher)

    async def create_indexes(self) -> None:
        await self._alerts.create_index([("report_id", 1)])
        await self._alerts.create_index([("state", 1), ("raised_at", DESCENDING)])

    async def learn(self, facts: ReportFacts, sequence: int | None) -> ReportFacts:
        known = {
            "reference": facts.reference,
            "force_code": facts.force_code,
            "replied": facts.replied or None,
            "report_type": facts.report_type,
        }
        update: Document = {"$set": {k: v for k, v in known.items() if v is not None}}
        document_id = str(facts.report_id)
        if update["$set"]:
            await remember(self._reports, document_id, UNGUARDED, update)
        if facts.reference is not None:  # alerts raised before the reference was issued
            unnamed = {"report_id": document_id, "reference": None}
            await self._alerts.update_many(unnamed, {"$set": {"reference": facts.reference}})
        if sequence is not None:
            graded = {"grade": facts.grade, "route": facts.route, "sequence": sequence}
            await remember(
                self._reports, document_id, newer_only("sequence", sequence), {"$set": graded}
            )
        return await self.report(facts.report_id) or facts

    async def report(self, report_id: uuid.UUID) -> ReportFacts | None:
        document = await self._reports.find_one({"_id": str(report_id)})
        if document is None:
            return None
        return ReportFacts(
            report_id=report_id,
            reference=document.get("reference"),
            force_code=document.get("force_code"),
            grade=document.get("grade"),
            route=document.get("route"),
            replied=bool(document.get("replied", False)),
            report_type=document.get("report_type"),
        )

    async def raise_alert(self, alert: Alert, event: AlertRaised) -> bool:
        try:
            await self.outbox.insert(_document(alert), [event])
        except DuplicateKeyError:
            return False
        return True

    async def get(self, alert_id: uuid.UUID) -> Alert | None:
        document = await self._alerts.find_one({"_id": str(alert_id)}, {"outbox": 0})
        return None if document is None else _alert(document)

    async def of_report(self, report_id: uuid.UUID) -> list[Alert]:
        cursor = self._alerts.find({"report_id": str(report_id)}, {"outbox": 0, "pages": 0})
        return [_alert(document) async for document in cursor]

    async def escalate(self, alert_id: uuid.UUID, step: int, event: AlertEscalated) -> bool:
        guard = still("state", AlertState.OPEN.value) & once_per_name("told", str(step))
        update = {"$push": {"told": str(step)}}
        return await self.outbox.update(guard.on(str(alert_id)), update, [event])

    async def acknowledge(
        self, alert_id: uuid.UUID, acknowledgement: Acknowledgement, event: AlertAcknowledged
    ) -> bool:
        guard = still("state", AlertState.OPEN.value) & first_stands("acknowledgement")
        update = {
            "$set": {
                "state": AlertState.ACKNOWLEDGED.value,
                "acknowledgement": {
                    "by": acknowledgement.by,
                    "at": acknowledgement.at,
                    "via": acknowledgement.via,
                },
            }
        }
        return await self.outbox.update(guard.on(str(alert_id)), update, [event])

    async def resolve(self, alert_id: uuid.UUID, at: datetime, event: AlertResolved) -> bool:
        guard = not_yet("state", AlertState.RESOLVED.value)
        update = {"$set": {"state": AlertState.RESOLVED.value, "resolved_at": at}}
        return await self.outbox.update(guard.on(str(alert_id)), update, [event])

    async def agenda(self) -> list[tuple[uuid.UUID, datetime]]:
        cursor = self._alerts.find({"state": AlertState.OPEN.value}, {"outbox": 0})
        planned = []
        async for document in cursor:
            at = _alert(document).next_check_at()
            if at is not None:
                planned.append((uuid.UUID(document["_id"]), at))
        return planned

    async def open_alerts(self, limit: int) -> list[Alert]:
        query = {"state": {"$ne": AlertState.RESOLVED.value}}
        cursor = self._alerts.find(query, {"outbox": 0, "pages": 0}).sort("raised_at", -1)
        return [_alert(document) async for document in cursor.limit(limit)]

    async def claim_page(self, alert_id: uuid.UUID, page: str, now: datetime) -> Claim:
        field = f"pages.{page}"
        lease = Lease(field, self._lease, held="sending", released="retry")
        if await take(self._alerts, str(alert_id), lease.free(now), lease.hold(now)):
            return Claim.CLAIMED
        current = await self._alerts.find_one({"_id": str(alert_id)}, {field: 1})
        state = (current or {}).get("pages", {}).get(page, {}).get("state")
        return Claim.FINISHED if state in PAGE_DONE else Claim.HELD

    async def retry_page(self, alert_id: uuid.UUID, page: Page, at: datetime) -> None:
        field = f"pages.{page.key}"
        retry = {
            f"{field}.state": "retry",
            f"{field}.retry_at": at,
            f"{field}.step": page.step,
            f"{field}.contact": page.contact,
            f"{field}.channel": page.channel,
        }
        guard = still(f"{field}.state", "sending")
        update = {"$set": retry, "$inc": {f"{field}.tries": 1}}
        await self._alerts.update_one(guard.on(str(alert_id)), update)

    async def finish_page(self, alert_id: uuid.UUID, page: str, outcome: str) -> None:
        field = f"pages.{page}"
        guard = still(f"{field}.state", "sending")
        await self._alerts.update_one(
            guard.on(str(alert_id)), {"$set": {f"{field}.state": outcome}}
        )


def _document(alert: Alert) -> Document:
    return {
        "_id": str(alert.alert_id),
        "report_id": str(alert.report_id),
        "kind": alert.kind.value,
        "raised": alert.raised.to_document(),
        "raised_at": alert.raised_at,
        "grade": alert.grade,
        "force_code": alert.force_code,
        "route": alert.route,
        "reference": alert.reference,
        "steps": [list(step) for step in alert.steps],
        "wait_s": alert.wait.total_seconds(),
        "channels": None if alert.channels is None else list(alert.channels),
        "state": alert.state.value,
        "told": [str(step) for step in sorted(alert.told)],
    }


def _alert(document: dict[str, Any]) -> Alert:
    acknowledgement = document.get("acknowledgement")
    channels = document.get("channels")
    return Alert(
        alert_id=uuid.UUID(document["_id"]),
        kind=AlertKind(document["kind"]),
        raised=CauseRef.from_document(document["raised"]),
        raised_at=document["raised_at"],
        grade=document["grade"],
        force_code=document.get("force_code"),
        route=document.get("route"),
        reference=document.get("reference"),
        steps=tuple(tuple(step) for step in document["steps"]),
        wait=timedelta(seconds=document["wait_s"]),
        channels=None if channels is None else tuple(channels),
        state=AlertState(document["state"]),
        told=frozenset(int(step) for step in document.get("told", ["0"])),
        acknowledgement=None
        if acknowledgement is None
        else Acknowledgement(acknowledgement["by"], acknowledgement["at"], acknowledgement["via"]),
        resolved_at=document.get("resolved_at"),
        retries=_retries(document.get("pages", {})),
    )


def _retries(pages: dict[str, Any]) -> tuple[PageRetry, ...]:
    return tuple(
        PageRetry(page["step"], page["contact"], page["channel"], page["retry_at"], page["tries"])
        for page in pages.values()
        if page.get("state") == "retry"
    )
