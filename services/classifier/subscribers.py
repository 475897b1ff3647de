"""Classifier's Kafka entry point: parse, call one handler."""

from __future__ import annotations

from typing import Annotated

from faststream.kafka import KafkaBroker
from pydantic import Field

from services.classifier import SERVICE
from services.classifier.handlers import Classifier
from shared import topics
from shared.events import ReportSubmitted, ReportUpdated
from shared.messaging import reliable_subscriber
from shared.settings import KafkaSettings

ClassifierInput = Annotated[ReportSubmitted | ReportUpdated, Field(discriminator="event_type")]


def register_subscribers(
    broker: KafkaBroker, settings: KafkaSettings, classifier: Classifier
) -> None:
    @reliable_subscriber(broker, settings, SERVICE, *topics.CONSUMES[SERVICE])
    async def on_report_event(event: ClassifierInput) -> None:
        match event:
            case ReportSubmitted():
                await classifier.classify_report(event)
            case ReportUpdated():
                await classifier.add_information(event)
