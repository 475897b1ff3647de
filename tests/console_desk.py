"""The console's staff commands on fakes of its ports, through its API (`Desk`): shared by
the modules that test the commands."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI

from services.console.api import queues_router, reports_router
from services.console.roles import Role, Staff
from services.console.staff_actions import ActionPolicy, StaffActions
from services.console.staff_api import directory_router, staff_router
from shared.events import ReportSubmitted, StaffAction
from shared.http_limits import install_error_handlers
from tests import factories
from tests.console_factories import staff
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.console import FakeAccessLog, FakeAuthenticator, FakeReportViews
from tests.fakes.console_staff import FakeReplyTexts, FakeStaffActionStore, FakeStaffDirectory

Action = TypeVar("Action", bound=StaffAction)
OPERATOR = staff(Role.OPERATOR, teams=("crime_bureau",), user="op")
REPLY = {"template": "crime.update", "language": "en", "subject": "Your report", "body": "Hi"}


@dataclass
class Desk:
    views: FakeReportViews
    store: FakeStaffActionStore
    log: FakeAccessLog
    auth: FakeAuthenticator
    directory: FakeStaffDirectory
    clock: FrozenClock
    client: httpx.AsyncClient

    def as_(self, who: Staff) -> Desk:
        self.auth.staff = who
        return self

    async def post(
        self, report: ReportSubmitted, action: str, body: Any = None, key: str | None = None
    ) -> httpx.Response:
        headers = {"Idempotency-Key": key or str(uuid.uuid4())}
        url = f"/v1/reports/{report.report_id}/{action}"
        return await self.client.post(url, json=body, headers=headers)

    def events(self, kind: type[Action] = StaffAction) -> list[Action]:  # type: ignore[assignment]
        return [event for event in self.store.published if isinstance(event, kind)]

    async def report(self, submitted: ReportSubmitted, **contact: Any) -> ReportSubmitted:
        if contact:
            submitted = submitted.model_copy(update={"contact": factories.contact(**contact)})
        reference = f"LP-20261130-{len(self.views.events) + 1:06d}-7"
        for event in (
            submitted,
            factories.report_classified(submitted),
            factories.reference_issued(submitted, reference),
            factories.sla_target_set(submitted, 1),
        ):
            await self.views.apply(event)
        return submitted


@asynccontextmanager
async def open_desk() -> AsyncIterator[Desk]:
    """The API on fresh fakes, signed in as OPERATOR."""
    views, store, log = FakeReportViews(), FakeStaffActionStore(), FakeAccessLog()
    auth, directory, clock = FakeAuthenticator(OPERATOR), FakeStaffDirectory(), FrozenClock(NOW)
    actions = StaffActions(
        views=views,
        store=store,
        access_log=log,
        texts=FakeReplyTexts(),
        directory=directory,
        clock=clock,
        policy=ActionPolicy(),
    )
    app = FastAPI()
    app.state.authenticator = auth
    install_error_handlers(app)
    for router in (
        staff_router(actions),
        directory_router(directory, log, clock),
        queues_router(views, log, clock),
        reports_router(views, log, clock),
    ):
        app.include_router(router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield Desk(views, store, log, auth, directory, clock, client)
