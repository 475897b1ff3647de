"""Composition root of the console: its read model (projected from every event topic), the
access log, the sign-in and sessions, and the API and pages that staff use."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi import FastAPI

from services.console import SERVICE
from services.console.adapters import MongoReportViews
from services.console.api import queues_router, reports_router
from services.console.audit_api import access_log_router
from services.console.audit_store import MongoAccessLog
from services.console.authenticator import ConsoleAuthenticator, SessionCookie
from services.console.handlers import Projection
from services.console.headers import SecurityHeaders, origin_of
from services.console.oidc import SignIn, sign_in_router
from services.console.pages import pages_router
from services.console.reply_api import reply_texts_router
from services.console.reply_texts import StandardReplyTexts
from services.console.routes import ROUTES
from services.console.search_api import search_router
from services.console.sessions import MongoSessions
from services.console.settings import ConsoleSettings
from services.console.signin import SessionPolicy
from services.console.tokens import ClaimPaths, OidcProvider, TokenVerifier
from shared.clock import Clock, SystemClock
from shared.http_app import create_service_app
from shared.runtime import ServiceRuntime


def create_app(settings: ConsoleSettings, clock: Clock | None = None) -> FastAPI:
    clock = clock or SystemClock(timedelta(seconds=settings.clock_offset_s))
    digest_key = settings.digest_key()
    runtime = ServiceRuntime.create(SERVICE, settings)
    views = MongoReportViews(runtime.database)
    runtime.on_startup(views.create_indexes)
    runtime.route(ROUTES, Projection(views))
    access_log = MongoAccessLog(runtime.database, runtime.publisher)
    runtime.on_startup(access_log.create_indexes)
    interval = settings.outbox_relay_interval_s
    runtime.add_background_job(lambda stopping: access_log.relay(interval, stopping))
    authenticator, sign_in = _sign_in(settings, runtime, access_log, clock)
    app = create_service_app(runtime, "frontdesk console")
    app.state.authenticator = authenticator
    app.include_router(sign_in_router(sign_in))
    app.include_router(queues_router(views, access_log, clock))
    app.include_router(reports_router(views, access_log, clock))
    app.include_router(search_router(views, access_log, clock, digest_key))
    app.include_router(access_log_router(access_log, clock))
    app.state.reply_texts = reply_texts = StandardReplyTexts(settings.force_name)
    app.include_router(
        reply_texts_router(views, reply_texts, access_log, clock, settings.status_page_url)
    )
    app.include_router(pages_router())
    app.add_middleware(  # added last, so it wraps every answer, refusals included
        SecurityHeaders,
        provider_origin=origin_of(settings.oidc_issuer),
        https=settings.secure_cookies,
    )
    return app


def _sign_in(
    settings: ConsoleSettings, runtime: ServiceRuntime, access_log: MongoAccessLog, clock: Clock
) -> tuple[ConsoleAuthenticator, SignIn]:
    """The provider (discovery read when first needed, so the console starts while the
    provider is down), the sessions and the authenticator over them."""
    policy = SessionPolicy(settings.session_idle, settings.session_absolute)
    sessions = MongoSessions(runtime.database, policy)
    runtime.on_startup(sessions.create_indexes)
    outbound = httpx.AsyncClient(timeout=settings.oidc_timeout_s)
    runtime.on_shutdown(outbound.aclose)
    provider = OidcProvider(settings.oidc_issuer, outbound, clock)
    authenticator = ConsoleAuthenticator(
        sessions=sessions,
        verifier=TokenVerifier(provider, clock, settings.audience, settings.oidc_client_id),
        access_log=access_log,
        clock=clock,
        policy=policy,
        cookie=SessionCookie(secure=settings.secure_cookies),
        claims=ClaimPaths(settings.oidc_roles_claim, settings.oidc_teams_claim),
    )
    return authenticator, SignIn(provider, authenticator, settings)
