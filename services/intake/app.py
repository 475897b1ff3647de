"""Composition root of intake."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake import SERVICE
from services.intake.adapters import MongoReports
from services.intake.api import install_error_handlers, reports_router
from services.intake.settings import IntakeSettings
from shared.clock import Clock, SystemClock
from shared.runtime import ServiceRuntime


def create_app(settings: IntakeSettings, clock: Clock | None = None) -> FastAPI:
    runtime = ServiceRuntime.create(SERVICE, settings)
    reports = MongoReports(runtime.database, runtime.publisher)
    runtime.relay_outbox(reports.outbox)
    app = FastAPI(title="frontdesk intake", version="1", lifespan=runtime.lifespan)
    app.include_router(reports_router(reports, clock or SystemClock(), settings.force_code))
    app.include_router(runtime.health_router())
    install_error_handlers(app)
    return app
