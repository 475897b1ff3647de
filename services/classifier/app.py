"""Composition root of the classifier."""

from __future__ import annotations

from fastapi import FastAPI

from shared.clock import Clock, SystemClock
from shared.messaging import KafkaEventPublisher, create_broker
from shared.mongo import create_mongo_client
from shared.runtime import ServiceRuntime
from services.classifier import SERVICE
from services.classifier.adapters import MongoAssessments
from services.classifier.settings import ClassifierSettings
from services.classifier.subscribers import register_subscribers


def create_app(settings: ClassifierSettings, clock: Clock | None = None) -> FastAPI:
    broker = create_broker(settings.kafka, SERVICE)
    runtime = ServiceRuntime(SERVICE, settings, broker, create_mongo_client(settings.mongo, SERVICE))
    assessments = MongoAssessments(runtime.database, KafkaEventPublisher(broker))
    register_subscribers(broker, settings.kafka, assessments, clock or SystemClock())
    runtime.add_background_job(
        lambda stopping: assessments.outbox.relay(settings.outbox_relay_interval_s, stopping)
    )
    app = FastAPI(title="frontdesk classifier", version="1", lifespan=runtime.lifespan)
    app.include_router(runtime.health_router())
    return app
