"""Notifier's Kafka entry point: parse, call one handler.

One subscriber for the three input topics keeps one consumer per process in the group, so
joining or leaving the group is one rebalance, not three.
"""

from __future__ import annotations

from typing import Annotated

from faststream.kafka import KafkaBroker
from pydantic import Field

from services.notifier import SERVICE
from services.notifier.handlers import Notifier
from shared import topics
from shared.events import ReferenceIssued, ReportClassified, ReportSubmitted, SlaBreached
from shared.messaging import reliable_subscriber
from shared.settings import KafkaSettings

NotifierInput = Annotated[
    ReportSubmitted | ReportClassified | ReferenceIssued | SlaBreached,
    Field(discriminator="event_type"),
]


def register_subscribers(broker: KafkaBroker, settings: KafkaSettings, notifier: Notifier) -> None:
    @reliable_subscriber(broker, settings, SERVICE, *topics.CONSUMES[SERVICE])
    async def on_report_event(event: NotifierInput) -> None:
        match event:
            case ReportSubmitted():
                await notifier.record_submission(event)
            case ReportClassified():
                await notifier.record_classification(event)
            case ReferenceIssued():
                await notifier.record_reference(event)
            case SlaBreached():
                await notifier.record_breach(event)
