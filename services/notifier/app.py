"""Composition root of the notifier."""

from __future__ import annotations

from fastapi import FastAPI

from services.notifier import SERVICE
from services.notifier.adapters import MongoReplies, SmtpReplyChannel
from services.notifier.handlers import Notifier
from services.notifier.settings import NotifierSettings
from services.notifier.subscribers import register_subscribers
from services.notifier.templates import ReplyRenderer
from shared.clock import Clock, SystemClock
from shared.runtime import ServiceRuntime


def create_app(settings: NotifierSettings, clock: Clock | None = None) -> FastAPI:
    runtime = ServiceRuntime.create(SERVICE, settings)
    replies = MongoReplies(runtime.database, runtime.publisher, settings.claim_lease_s)
    runtime.relay_outbox(replies.outbox)
    notifier = Notifier(
        replies,
        SmtpReplyChannel(settings.smtp),
        ReplyRenderer(settings.force_name),
        clock or SystemClock(),
    )
    register_subscribers(runtime.broker, settings.kafka, notifier)
    app = FastAPI(title="frontdesk notifier", version="1", lifespan=runtime.lifespan)
    app.include_router(runtime.health_router())
    return app
