"""The console's read API on fakes of its ports, for the unit tests of its endpoints: the
app (queues, reports, searches, pages), the caller, the access log, and reports routed to a
team. No server: httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI

from services.console.api import queues_router, reports_router
from services.console.audit import AccessAction
from services.console.pages import pages_router
from services.console.records import ClassificationRecord
from services.console.roles import Role, Staff
from services.console.search_api import search_router
from shared.http_limits import install_error_handlers
from tests.console_factories import DESCRIPTION, REPLY_BODY, reference, report_record, staff
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.console import FakeAccessLog, FakeAuthenticator, GivenRecords

KEY = "a-digest-key-of-at-least-thirty-two-bytes"
OPERATOR = staff(Role.OPERATOR, teams=("crime_bureau",), user="op")
OTHER_TEAM = staff(Role.OPERATOR, teams=("road_policing",), user="op2")
SUPERVISOR = staff(Role.SUPERVISOR, teams=(), user="sup")
VIEWER = staff(Role.VIEWER, teams=(), user="view")
AUDITOR = staff(Role.AUDITOR, teams=(), user="aud")
PERSONAL = (DESCRIPTION, REPLY_BODY, "Alex Example", "alex@example.co.uk", "7700900123", "Sam")


@dataclass
class Console:
    views: GivenRecords
    log: FakeAccessLog
    auth: FakeAuthenticator
    client: httpx.AsyncClient

    def as_(self, who: Staff | None) -> Console:
        self.auth.staff = who
        return self

    def actions(self) -> list[AccessAction]:
        return [entry.action for entry in self.log.recorded]


def routers(views: GivenRecords, log: FakeAccessLog) -> list[APIRouter]:
    clock = FrozenClock(NOW)
    return [
        queues_router(views, log, clock),
        reports_router(views, log, clock),
        search_router(views, log, clock, KEY),
        pages_router(),
    ]


def build_app(views: GivenRecords, log: FakeAccessLog, auth: FakeAuthenticator) -> FastAPI:
    app = FastAPI()
    app.state.authenticator = auth
    install_error_handlers(app)
    for router in routers(views, log):
        app.include_router(router)
    return app


@asynccontextmanager
async def open_console() -> AsyncIterator[Console]:
    """The console's read API, signed in as OPERATOR until `as_` says otherwise."""
    views, log, auth = GivenRecords(), FakeAccessLog(), FakeAuthenticator(OPERATOR)
    transport = httpx.ASGITransport(app=build_app(views, log, auth))
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield Console(views, log, auth, client)


def routed(route: str, sequence: int, **overrides: Any) -> Any:
    """A report routed to `route`, with the reference of `sequence`."""
    base = report_record(reference=reference(sequence))
    assert base.classification is not None
    classification: ClassificationRecord = replace(base.classification, route=route)
    return replace(base, classification=classification, **overrides)
