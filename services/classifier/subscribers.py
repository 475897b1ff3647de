"""Classifier's Kafka entry points: parse, call one handler."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from services.classifier import SERVICE
from services.classifier.handlers import Assessments, classify_report
from shared import topics
from shared.clock import Clock
from shared.events import ReportSubmitted
from shared.messaging import reliable_subscriber
from shared.settings import KafkaSettings


def register_subscribers(
    broker: KafkaBroker, settings: KafkaSettings, assessments: Assessments, clock: Clock
) -> None:
    @reliable_subscriber(broker, settings, SERVICE, topics.REPORT_SUBMITTED)
    async def on_report_submitted(event: ReportSubmitted) -> None:
        await classify_report(event, assessments=assessments, clock=clock)
