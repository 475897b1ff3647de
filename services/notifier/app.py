"""Composition root of the notifier."""

from __future__ import annotations

from fastapi import FastAPI

from shared.clock import Clock, SystemClock
from shared.messaging import KafkaEventPublisher, create_broker
from shared.mongo import create_mongo_client
from shared.runtime import ServiceRuntime
from services.notifier import SERVICE
from services.notifier.adapters import MongoReplies, SmtpReplyChannel
from services.notifier.handlers import Notifier
from services.notifier.settings import NotifierSettings
from services.notifier.subscribers import register_subscribers
from services.notifier.templates import ReplyRenderer


def create_app(settings: NotifierSettings, clock: Clock | None = None) -> FastAPI:
    broker = create_broker(settings.kafka, SERVICE)
    runtime = ServiceRuntime(SERVICE, settings, broker, create_mongo_client(settings.mongo, SERVICE))
    replies = MongoReplies(runtime.database, KafkaEventPublisher(broker), settings.claim_lease_s)
    notifier = Notifier(
        replies, SmtpReplyChannel(settings.smtp), ReplyRenderer(settings.force_name),
        clock or SystemClock(),
    )
    register_subscribers(broker, settings.kafka, notifier)
    runtime.add_background_job(
        lambda stopping: replies.outbox.relay(settings.outbox_relay_interval_s, stopping)
    )
    app = FastAPI(title="frontdesk notifier", version="1", lifespan=runtime.lifespan)
    app.include_router(runtime.health_router())
    return app
