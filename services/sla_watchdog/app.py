"""Composition root of the SLA watchdog."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from shared.clock import Clock, SystemClock
from shared.messaging import KafkaEventPublisher, create_broker
from shared.mongo import create_mongo_client
from shared.runtime import ServiceRuntime
from services.sla_watchdog import SERVICE
from services.sla_watchdog.adapters import MongoClocks
from services.sla_watchdog.api import sla_router
from services.sla_watchdog.domain import TargetPolicy
from services.sla_watchdog.handlers import Watchdog
from services.sla_watchdog.settings import SlaWatchdogSettings
from services.sla_watchdog.subscribers import register_subscribers


def target_policy(settings: SlaWatchdogSettings) -> TargetPolicy:
    return TargetPolicy(
        default=timedelta(seconds=settings.default_target_s),
        by_grade={grade: timedelta(seconds=s) for grade, s in settings.target_s_by_grade.items()},
    )


def create_app(settings: SlaWatchdogSettings, clock: Clock | None = None) -> FastAPI:
    clock = clock or SystemClock()
    broker = create_broker(settings.kafka, SERVICE)
    runtime = ServiceRuntime(SERVICE, settings, broker, create_mongo_client(settings.mongo, SERVICE))
    clocks = MongoClocks(runtime.database, KafkaEventPublisher(broker))
    register_subscribers(broker, settings.kafka, Watchdog(clocks, target_policy(settings), clock))
    runtime.add_background_job(
        lambda stopping: clocks.outbox.relay(settings.outbox_relay_interval_s, stopping)
    )
    app = FastAPI(title="frontdesk operations", version="1", lifespan=runtime.lifespan)
    app.include_router(sla_router(clocks, clock))
    app.include_router(runtime.health_router())
    return app
