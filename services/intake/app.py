"""Composition root of intake."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import structlog
from fastapi import FastAPI

from services.intake import SERVICE
from services.intake.access import ChannelAccess
from services.intake.adapters import MongoReports
from services.intake.admission import Admission
from services.intake.api import catalogue_router, reports_router, updates_router
from services.intake.edge import admitted_routes
from services.intake.handlers import Intake, ReportIds
from services.intake.routes import ROUTES
from services.intake.settings import IntakeSettings
from services.intake.status_api import StatusPages, status_router
from services.intake.status_page import StatusPage
from shared.api_keys import ApiKeys
from shared.clock import Clock, SystemClock
from shared.http_app import create_service_app
from shared.rate_limits import RateLimiter
from shared.runtime import ServiceRuntime
from shared.status_tokens import StatusTokens

log = structlog.get_logger(__name__)


def _status_tokens(settings: IntakeSettings) -> StatusTokens:
    if settings.status_token_secret is None:
        log.warning("status_token_secret_unset", consequence="tokens die with this process")
        return StatusTokens(secrets.token_bytes(32))
    return StatusTokens(settings.status_token_secret.get_secret_value().encode())


def _report_ids(tokens: StatusTokens) -> ReportIds:
    """The status tokens' secret, under a label of its own: no second secret to configure,
    and an id reveals nothing of a token."""
    return ReportIds(hmac.new(tokens.secret, b"report ids", hashlib.sha256).digest())


def _channel_access(settings: IntakeSettings) -> ChannelAccess:
    if not settings.api_keys:
        log.warning("no_api_keys_configured", consequence="every submission gets 401")
    allowed = {
        channel: frozenset(types) for channel, types in settings.channel_report_types.items()
    }
    return ChannelAccess(keys=ApiKeys(dict(settings.api_keys)), allowed_types=allowed)


def _admission(settings: IntakeSettings, access: ChannelAccess) -> Admission:
    buckets = settings.rate_limit_max_buckets
    return Admission(
        keys=access.keys,
        per_address=RateLimiter(
            settings.address_rate_limit_per_s, settings.address_rate_limit_burst, buckets
        ),
        failed_keys=RateLimiter(
            settings.failed_key_limit_per_s, settings.failed_key_limit_burst, buckets
        ),
        per_key=RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst, buckets),
    )


def create_app(settings: IntakeSettings, clock: Clock | None = None) -> FastAPI:
    clock = clock or SystemClock()
    runtime = ServiceRuntime.create(
        SERVICE, settings, max_message_bytes=settings.max_ingress_message_bytes
    )
    reports = MongoReports(runtime.database, runtime.publisher)
    runtime.relay_outbox(reports.outbox)
    access = _channel_access(settings)
    tokens = _status_tokens(settings)
    intake = Intake(
        reports,
        reports,
        access=access,
        clock=clock,
        force_code=settings.force_code,
        report_ids=_report_ids(tokens),
    )
    runtime.route(ROUTES, intake)
    app = create_service_app(runtime, "frontdesk intake", public_openapi=True)
    admitted = admitted_routes(_admission(settings, access))
    app.include_router(catalogue_router(admitted))
    app.include_router(reports_router(intake=intake, route_class=admitted, tokens=tokens))
    app.include_router(updates_router(intake=intake, route_class=admitted, tokens=tokens))
    pages = StatusPages(intake, tokens, StatusPage.create(settings.time_zone))
    app.include_router(status_router(pages, admitted))
    return app
