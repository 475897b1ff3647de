"""Composition root of the SLA watchdog."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from services.sla_watchdog import SERVICE
from services.sla_watchdog.adapters import MongoClocks
from services.sla_watchdog.api import sla_router
from services.sla_watchdog.domain import TargetPolicy
from services.sla_watchdog.handlers import Watchdog
from services.sla_watchdog.settings import SlaWatchdogSettings
from services.sla_watchdog.subscribers import register_subscribers
from shared.clock import Clock, SystemClock
from shared.runtime import ServiceRuntime


def target_policy(settings: SlaWatchdogSettings) -> TargetPolicy:
    return TargetPolicy(
        default=timedelta(seconds=settings.default_target_s),
        by_grade={grade: timedelta(seconds=s) for grade, s in settings.target_s_by_grade.items()},
    )


def create_app(settings: SlaWatchdogSettings, clock: Clock | None = None) -> FastAPI:
    clock = clock or SystemClock()
    runtime = ServiceRuntime.create(SERVICE, settings)
    clocks = MongoClocks(runtime.database, runtime.publisher)
    runtime.relay_outbox(clocks.outbox)
    register_subscribers(
        runtime.broker, settings.kafka, Watchdog(clocks, target_policy(settings), clock)
    )
    app = FastAPI(title="frontdesk operations", version="1", lifespan=runtime.lifespan)
    app.include_router(sla_router(clocks, clock))
    app.include_router(runtime.health_router())
    return app
