"""Reference issuer's Kafka entry points: parse, call one handler."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from faststream.kafka import KafkaBroker

from services.reference_issuer import SERVICE
from services.reference_issuer.handlers import References, issue_reference
from shared import topics
from shared.clock import Clock
from shared.events import ReportSubmitted
from shared.messaging import reliable_subscriber
from shared.settings import KafkaSettings


def register_subscribers(
    broker: KafkaBroker,
    settings: KafkaSettings,
    references: References,
    clock: Clock,
    time_zone: ZoneInfo,
) -> None:
    @reliable_subscriber(broker, settings, SERVICE, topics.REPORT_SUBMITTED)
    async def on_report_submitted(event: ReportSubmitted) -> None:
        await issue_reference(event, references=references, clock=clock, time_zone=time_zone)
