"""Composition root of the reference issuer."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import FastAPI

from shared.clock import Clock, SystemClock
from shared.messaging import KafkaEventPublisher, create_broker
from shared.mongo import create_mongo_client
from shared.runtime import ServiceRuntime
from services.reference_issuer import SERVICE
from services.reference_issuer.adapters import MongoReferences
from services.reference_issuer.settings import ReferenceIssuerSettings
from services.reference_issuer.subscribers import register_subscribers


def create_app(settings: ReferenceIssuerSettings, clock: Clock | None = None) -> FastAPI:
    broker = create_broker(settings.kafka, SERVICE)
    runtime = ServiceRuntime(SERVICE, settings, broker, create_mongo_client(settings.mongo, SERVICE))
    references = MongoReferences(runtime.database, KafkaEventPublisher(broker))
    runtime.on_startup(references.create_indexes)
    register_subscribers(
        broker, settings.kafka, references, clock or SystemClock(), ZoneInfo(settings.time_zone)
    )
    runtime.add_background_job(
        lambda stopping: references.outbox.relay(settings.outbox_relay_interval_s, stopping)
    )
    app = FastAPI(title="frontdesk reference issuer", version="1", lifespan=runtime.lifespan)
    app.include_router(runtime.health_router())
    return app
