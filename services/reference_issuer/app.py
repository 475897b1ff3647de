"""Composition root of the reference issuer."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import FastAPI

from services.reference_issuer import SERVICE
from services.reference_issuer.adapters import MongoReferences
from services.reference_issuer.handlers import ReferenceIssuer
from services.reference_issuer.routes import ROUTES
from services.reference_issuer.settings import ReferenceIssuerSettings
from shared.clock import Clock, SystemClock
from shared.http_app import create_service_app
from shared.runtime import ServiceRuntime


def create_app(settings: ReferenceIssuerSettings, clock: Clock | None = None) -> FastAPI:
    runtime = ServiceRuntime.create(SERVICE, settings)
    references = MongoReferences(runtime.database, runtime.publisher)
    runtime.on_startup(references.create_indexes)
    runtime.relay_outbox(references.outbox)
    issuer = ReferenceIssuer(references, clock or SystemClock(), ZoneInfo(settings.time_zone))
    runtime.route(ROUTES, issuer)
    return create_service_app(runtime, "frontdesk reference issuer")
