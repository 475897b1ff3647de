"""SLA watchdog's Kafka entry point: parse, call one handler.

One subscriber for all input topics keeps one consumer per process in the group.
"""

from __future__ import annotations

from typing import Annotated

from faststream.kafka import KafkaBroker
from pydantic import Field

from services.sla_watchdog import SERVICE
from services.sla_watchdog.handlers import Watchdog
from shared import topics
from shared.events import (
    ReplyDelivered,
    ReplyFailed,
    ReplySent,
    ReportClassified,
    ReportSubmitted,
)
from shared.messaging import reliable_subscriber
from shared.settings import KafkaSettings

WatchdogInput = Annotated[
    ReportSubmitted | ReportClassified | ReplySent | ReplyDelivered | ReplyFailed,
    Field(discriminator="event_type"),
]


def register_subscribers(broker: KafkaBroker, settings: KafkaSettings, watchdog: Watchdog) -> None:
    @reliable_subscriber(broker, settings, SERVICE, *topics.CONSUMES[SERVICE])
    async def on_clock_event(event: WatchdogInput) -> None:
        match event:
            case ReportSubmitted():
                await watchdog.start_clock(event)
            case ReportClassified():
                await watchdog.retarget_clock(event)
            case ReplySent() | ReplyDelivered():
                await watchdog.stop_on_reply(event)
            case ReplyFailed():
                await watchdog.note_failure(event)
