"""Composition root of the console: its read model (projected from every event topic), the
access log, the sign-in and sessions, and the API and pages that staff use."""

from __future__ import annotations

from dataclasses import replace
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
from services.console.staff_actions import ActionPolicy, StaffActions
from services.console.staff_api import directory_router, staff_router
from services.console.staff_store import MongoStaffActionStore, MongoStaffDirectory
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
    texts = StandardReplyTexts(settings.force_name)
    actions, directory = _staff_actions(
        settings, runtime, views=views, access_log=access_log, clock=clock, texts=texts
    )
    sign_in = replace(sign_in, directory=directory)
    app = create_service_app(runtime, "frontdesk console")
    app.state.authenticator = authenticator
    app.include_router(sign_in_router(sign_in))
    app.include_router(queues_router(views, access_log, clock))
    app.include_router(reports_router(views, access_log, clock))
    app.include_router(search_router(views, access_log, clock, digest_key))
    app.include_router(access_log_router(access_log, clock))
    app.state.reply_texts = texts
    app.include_router(
        reply_texts_router(views, texts, access_log, clock, settings.status_page_url)
    )
    app.include_router(staff_router(actions))
    app.include_router(directory_router(directory, access_log, clock))
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


def _staff_actions(
    settings: ConsoleSettings,
    runtime: ServiceRuntime,
    *,
    views: MongoReportViews,
    access_log: MongoAccessLog,
    clock: Clock,
    texts: StandardReplyTexts,
) -> tuple[StaffActions, MongoStaffDirectory]:
    """The staff commands (their store relays its events to Kafka) and the directory."""
    store = MongoStaffActionStore(runtime.database, runtime.publisher)
    interval = settings.outbox_relay_interval_s
    runtime.add_background_job(lambda stopping: store.relay(interval, stopping))
    directory = MongoStaffDirectory(runtime.database)
    runtime.on_startup(directory.create_indexes)
    policy = ActionPolicy(settings.operator_regrade, settings.information_answer_days)
    actions = StaffActions(
        views=views,
        store=store,
        access_log=access_log,
        texts=texts,
        directory=directory,
        clock=clock,
        policy=policy,
    )
    return actions, directory
