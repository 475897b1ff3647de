"""A console-shaped app for unit tests of sign-in: the real Authenticator, sign-in routes
and security headers over the fake sessions and access log, a served test provider, and
a few routes that name who may call them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

import httpx
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from services.console.access import PUBLIC, allow
from services.console.authenticator import ConsoleAuthenticator, SessionCookie
from services.console.headers import SecurityHeaders, origin_of
from services.console.oidc import SignIn, sign_in_router
from services.console.ports import AccessLog, Sessions, StaffDirectory
from services.console.roles import Role, Staff
from services.console.settings import ConsoleSettings
from services.console.signin import SessionPolicy, StaffSession
from services.console.tokens import ClaimPaths, OidcProvider, TokenVerifier
from shared.clock import Clock
from shared.settings import DeploymentSettings
from tests.fakes.console import FakeAccessLog
from tests.fakes.console_auth import FakeSessions
from tests.token_issuer import CLIENT_ID, ServedProvider

OPERATOR = Staff("u-1", "sgt.patel", frozenset({Role.OPERATOR}), frozenset({"crime_bureau"}))


@dataclass
class Console:
    http: httpx.AsyncClient
    authenticator: ConsoleAuthenticator
    sessions: FakeSessions
    access_log: FakeAccessLog
    provider: ServedProvider
    settings: ConsoleSettings

    async def sign_in(self, staff: Staff = OPERATOR) -> StaffSession:
        session_id, session = StaffSession.open(staff, "id-token", self.provider.clock.now())
        await self.sessions.open(session)
        self.http.cookies.set(self.authenticator.cookie.name, session_id)
        return session


def _routes(app: FastAPI) -> None:
    @app.get("/v1/queue")
    async def queue(staff: Annotated[Staff, allow(Role.VIEWER, Role.OPERATOR)]) -> dict[str, str]:
        return {"username": staff.username}

    @app.post("/v1/notes")
    async def note(staff: Annotated[Staff, allow(Role.OPERATOR)]) -> dict[str, str]:
        return {"username": staff.username}

    @app.get("/queue")
    async def queue_page(staff: Annotated[Staff, allow(Role.OPERATOR)]) -> PlainTextResponse:
        return PlainTextResponse(f"queue of {staff.username}")

    @app.get("/static/console.js", dependencies=[PUBLIC])
    async def script() -> PlainTextResponse:
        return PlainTextResponse("// script", media_type="text/javascript")


def build_console(
    settings: ConsoleSettings,
    sessions: Sessions,
    access_log: AccessLog,
    clock: Clock,
    outbound: httpx.AsyncClient,
    directory: StaffDirectory | None = None,
) -> tuple[FastAPI, ConsoleAuthenticator]:
    """The console's sign-in wired as app.py wires it, with the test routes."""
    oidc = OidcProvider(settings.oidc_issuer, outbound, clock)
    authenticator = ConsoleAuthenticator(
        sessions=sessions,
        verifier=TokenVerifier(oidc, clock, settings.audience, settings.oidc_client_id),
        access_log=access_log,
        clock=clock,
        policy=SessionPolicy(settings.session_idle, settings.session_absolute),
        cookie=SessionCookie(secure=settings.secure_cookies),
        claims=ClaimPaths(settings.oidc_roles_claim, settings.oidc_teams_claim),
    )
    app = FastAPI()
    app.state.authenticator = authenticator
    app.include_router(sign_in_router(SignIn(oidc, authenticator, settings, directory=directory)))
    _routes(app)
    app.add_middleware(
        SecurityHeaders,
        provider_origin=origin_of(settings.oidc_issuer),
        https=settings.secure_cookies,
    )
    return app, authenticator


@asynccontextmanager
async def console_app(
    provider: ServedProvider, public_url: str = "http://console.test"
) -> AsyncIterator[Console]:
    settings = ConsoleSettings(
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        public_url=public_url,
        deployment=DeploymentSettings(environment="local"),
    )
    sessions, access_log = FakeSessions(), FakeAccessLog()
    async with httpx.AsyncClient(timeout=5.0) as outbound:
        app, authenticator = build_console(settings, sessions, access_log, provider.clock, outbound)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=public_url) as http:
            yield Console(http, authenticator, sessions, access_log, provider, settings)
