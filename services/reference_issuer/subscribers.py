"""Reference issuer's Kafka entry point: parse, call one handler."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from faststream.kafka import KafkaBroker
from pydantic import Field

from services.reference_issuer import SERVICE
from services.reference_issuer.handlers import References, issue_reference, learn_reply
from shared import topics
from shared.clock import Clock
from shared.events import ReplyDelivered, ReplySent, ReportSubmitted
from shared.messaging import reliable_subscriber
from shared.settings import KafkaSettings

IssuerInput = Annotated[
    ReportSubmitted | ReplySent | ReplyDelivered, Field(discriminator="event_type")
]


def register_subscribers(
    broker: KafkaBroker,
    settings: KafkaSettings,
    references: References,
    clock: Clock,
    time_zone: ZoneInfo,
) -> None:
    @reliable_subscriber(broker, settings, SERVICE, *topics.CONSUMES[SERVICE])
    async def on_issuer_event(event: IssuerInput) -> None:
        match event:
            case ReportSubmitted():
                await issue_reference(
                    event, references=references, clock=clock, time_zone=time_zone
                )
            case ReplySent() | ReplyDelivered():
                await learn_reply(event, references=references)
