"""Notifier's Kafka entry points: parse, call one handler."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from services.notifier import SERVICE
from services.notifier.handlers import Notifier
from shared import topics
from shared.events import ReferenceIssued, ReportClassified, ReportSubmitted
from shared.messaging import reliable_subscriber
from shared.settings import KafkaSettings


def register_subscribers(broker: KafkaBroker, settings: KafkaSettings, notifier: Notifier) -> None:
    @reliable_subscriber(broker, settings, SERVICE, topics.REPORT_SUBMITTED)
    async def on_report_submitted(event: ReportSubmitted) -> None:
        await notifier.record_submission(event)

    @reliable_subscriber(broker, settings, SERVICE, topics.REPORT_CLASSIFIED)
    async def on_report_classified(event: ReportClassified) -> None:
        await notifier.record_classification(event)

    @reliable_subscriber(broker, settings, SERVICE, topics.REFERENCE_ISSUED)
    async def on_reference_issued(event: ReferenceIssued) -> None:
        await notifier.record_reference(event)
