"""Composition root of intake."""

from __future__ import annotations

from fastapi import FastAPI

from shared.clock import Clock, SystemClock
from shared.messaging import KafkaEventPublisher, create_broker
from shared.mongo import create_mongo_client
from shared.runtime import ServiceRuntime
from services.intake import SERVICE
from services.intake.adapters import MongoReports
from services.intake.api import install_error_handlers, reports_router
from services.intake.settings import IntakeSettings


def create_app(settings: IntakeSettings, clock: Clock | None = None) -> FastAPI:
    broker = create_broker(settings.kafka, SERVICE)
    runtime = ServiceRuntime(SERVICE, settings, broker, create_mongo_client(settings.mongo, SERVICE))
    reports = MongoReports(runtime.database, KafkaEventPublisher(broker))
    runtime.add_background_job(
        lambda stopping: reports.outbox.relay(settings.outbox_relay_interval_s, stopping)
    )
    app = FastAPI(title="frontdesk intake", version="1", lifespan=runtime.lifespan)
    app.include_router(reports_router(reports, clock or SystemClock(), settings.force_code))
    app.include_router(runtime.health_router())
    install_error_handlers(app)
    return app
