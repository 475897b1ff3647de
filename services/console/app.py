"""Composition root of the console: its read model, projected from every event topic.
(The sign-in, the API and pages and the access log join here with their parts.)"""

from __future__ import annotations

from fastapi import FastAPI

from services.console import SERVICE
from services.console.adapters import MongoReportViews
from services.console.handlers import Projection
from services.console.routes import ROUTES
from services.console.settings import ConsoleSettings
from shared.http_app import create_service_app
from shared.runtime import ServiceRuntime


def create_app(settings: ConsoleSettings) -> FastAPI:
    runtime = ServiceRuntime.create(SERVICE, settings)
    views = MongoReportViews(runtime.database)
    runtime.on_startup(views.create_indexes)
    runtime.route(ROUTES, Projection(views))
    return create_service_app(runtime, "frontdesk console")
