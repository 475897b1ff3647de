"""Composition root of the classifier."""

from __future__ import annotations

from fastapi import FastAPI

from services.classifier import SERVICE
from services.classifier.adapters import MongoAssessments
from services.classifier.handlers import Classifier
from services.classifier.rules import load_rules
from services.classifier.settings import ClassifierSettings
from services.classifier.subscribers import register_subscribers
from shared.clock import Clock, SystemClock
from shared.runtime import ServiceRuntime


def create_app(settings: ClassifierSettings, clock: Clock | None = None) -> FastAPI:
    runtime = ServiceRuntime.create(SERVICE, settings)
    assessments = MongoAssessments(runtime.database, runtime.publisher)
    runtime.relay_outbox(assessments.outbox)
    classifier = Classifier(assessments, load_rules(settings.rules_file), clock or SystemClock())
    register_subscribers(runtime.broker, settings.kafka, classifier)
    app = FastAPI(title="frontdesk classifier", version="1", lifespan=runtime.lifespan)
    app.include_router(runtime.health_router())
    return app
