"""Composition root of the SLA watchdog."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from services.sla_watchdog import SERVICE
from services.sla_watchdog.adapters import MongoClocks
from services.sla_watchdog.gauges import run_clock_gauges
from services.sla_watchdog.handlers import Watchdog
from services.sla_watchdog.routes import ROUTES
from services.sla_watchdog.settings import SlaWatchdogSettings
from shared.clock import Clock, SystemClock
from shared.http_app import create_service_app
from shared.runtime import ServiceRuntime
from shared.ticker import run_ticker


def create_app(settings: SlaWatchdogSettings, clock: Clock | None = None) -> FastAPI:
    clock = clock or SystemClock(timedelta(seconds=settings.clock_offset_s))
    runtime = ServiceRuntime.create(SERVICE, settings)
    clocks = MongoClocks(runtime.database, runtime.publisher)
    runtime.on_startup(clocks.create_indexes)
    runtime.relay_outbox(clocks.outbox)
    watchdog = Watchdog(clocks, settings.policy, clock, settings.force_policies)
    runtime.route(ROUTES, watchdog)
    runtime.add_background_job(
        lambda stopping: run_ticker(
            watchdog, settings.tick_interval_s, settings.resync_interval_s, stopping
        )
    )
    open_clocks = runtime.metrics.gauge(
        "frontdesk_open_clocks", "Open SLA clocks by state", ["state"]
    )
    runtime.add_background_job(
        lambda stopping: run_clock_gauges(
            clocks, open_clocks, clock, settings.resync_interval_s, stopping
        )
    )
    return create_service_app(runtime, "frontdesk SLA watchdog")
