"""Composition root of the notifier."""

from __future__ import annotations

import secrets

import structlog
from fastapi import FastAPI

from services.notifier import SERVICE
from services.notifier.adapters import MongoReplies
from services.notifier.api import receipts_router
from services.notifier.channels import NotifySmsChannel, SmtpEmailChannel
from services.notifier.handlers import Notifier
from services.notifier.ports import ReplyChannel
from services.notifier.routes import ROUTES
from services.notifier.settings import NotifierSettings
from services.notifier.staff_messages import StaffMessages
from services.notifier.templates import ReplyRenderer
from shared.clock import Clock, SystemClock
from shared.delivery import Retries
from shared.http_app import create_service_app
from shared.runtime import ServiceRuntime
from shared.status_tokens import StatusTokens

log = structlog.get_logger(__name__)


def reply_channels(settings: NotifierSettings, runtime: ServiceRuntime) -> list[ReplyChannel]:
    """Email always; text messages when a Notify API key is configured."""
    retries = Retries(settings.send_attempts, settings.send_backoff_max_s)
    email = SmtpEmailChannel(settings.smtp, retries)
    runtime.on_shutdown(email.close)
    channels: list[ReplyChannel] = [email]
    if settings.notify.api_key is not None:
        channels.append(NotifySmsChannel(settings.notify, retries))
    return channels


def status_tokens(settings: NotifierSettings) -> StatusTokens:
    """Intake's tokens, from the secret both share (checked at start outside local stacks)."""
    if settings.status_token_secret is None:
        log.warning("status_token_secret_unset", consequence="status links will not open")
        return StatusTokens(secrets.token_bytes(32))
    return StatusTokens(settings.status_token_secret.get_secret_value().encode())


def create_app(settings: NotifierSettings, clock: Clock | None = None) -> FastAPI:
    runtime = ServiceRuntime.create(SERVICE, settings)
    replies = MongoReplies(runtime.database, runtime.publisher, settings.claim_lease_s)
    runtime.on_startup(replies.create_indexes)
    runtime.relay_outbox(replies.outbox)
    notifier = Notifier(
        replies,
        reply_channels(settings, runtime),
        ReplyRenderer(settings.force_name),
        clock or SystemClock(),
        StaffMessages(settings.status_page_url, status_tokens(settings)),
    )
    runtime.route(ROUTES, notifier)
    app = create_service_app(runtime, "frontdesk notifier")
    app.include_router(receipts_router(notifier, settings.receipt_token))
    return app
