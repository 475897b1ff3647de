"""Composition root of the classifier."""

from __future__ import annotations

from fastapi import FastAPI

from services.classifier import SERVICE
from services.classifier.adapters import MongoAssessments
from services.classifier.embedding import E5Embedder
from services.classifier.handlers import Classifier
from services.classifier.routes import ROUTES
from services.classifier.rules import load_rules
from services.classifier.safety_net import SafetyNet, check_embedding
from services.classifier.settings import ClassifierSettings
from services.classifier.triage_model import load_model
from shared.clock import Clock, SystemClock
from shared.http_app import create_service_app
from shared.runtime import ServiceRuntime


def create_app(settings: ClassifierSettings, clock: Clock | None = None) -> FastAPI:
    runtime = ServiceRuntime.create(SERVICE, settings)
    assessments = MongoAssessments(runtime.database, runtime.publisher)
    runtime.relay_outbox(assessments.outbox)
    model = load_model(settings.model_file)
    check_embedding(model)
    safety_net = SafetyNet(model, E5Embedder(threads=settings.embedding_threads))
    runtime.on_shutdown(safety_net.close)
    book = load_rules(settings.rules_file)
    classifier = Classifier(assessments, book, safety_net, clock or SystemClock())
    runtime.route(ROUTES, classifier)
    return create_service_app(runtime, "frontdesk classifier")
