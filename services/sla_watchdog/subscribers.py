"""SLA watchdog's Kafka entry points: parse, call one handler."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from services.sla_watchdog import SERVICE
from services.sla_watchdog.handlers import Watchdog
from shared import topics
from shared.events import ReplyDelivered, ReplySent, ReportClassified, ReportSubmitted
from shared.messaging import reliable_subscriber
from shared.settings import KafkaSettings


def register_subscribers(broker: KafkaBroker, settings: KafkaSettings, watchdog: Watchdog) -> None:
    @reliable_subscriber(broker, settings, SERVICE, topics.REPORT_SUBMITTED)
    async def on_report_submitted(event: ReportSubmitted) -> None:
        await watchdog.start_clock(event)

    @reliable_subscriber(broker, settings, SERVICE, topics.REPORT_CLASSIFIED)
    async def on_report_classified(event: ReportClassified) -> None:
        await watchdog.retarget_clock(event)

    @reliable_subscriber(broker, settings, SERVICE, topics.REPLY_SENT)
    async def on_reply_sent(event: ReplySent) -> None:
        await watchdog.stop_on_reply(event)

    @reliable_subscriber(broker, settings, SERVICE, topics.REPLY_DELIVERED)
    async def on_reply_delivered(event: ReplyDelivered) -> None:
        await watchdog.stop_on_reply(event)
