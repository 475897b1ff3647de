"""Intake's Kafka entry point: parse, call one handler.

One subscriber for every input topic keeps one consumer per process in the group. The
ingress messages are told from the status events by their shape: events name their
`event_type`, a published submission does not (and the broker's middleware has already
refused any message whose shape does not belong on its topic). A submission's channel is
the one whose ingress topic it came from.
"""

from __future__ import annotations

from typing import Annotated, Any

from faststream import Context
from faststream.kafka import KafkaBroker
from pydantic import Discriminator, Tag

from services.intake import SERVICE
from services.intake.access import ChannelAccess
from services.intake.handlers import Reports, learn_reference, learn_reply
from services.intake.ingress import SubmissionReceived, accept_submission
from shared import topics
from shared.clock import Clock
from shared.errors import PermanentError
from shared.events import Channel, ReferenceIssued, ReplyDelivered, ReplySent
from shared.messaging import reliable_subscriber
from shared.settings import KafkaSettings

SUBMISSION = "SubmissionReceived"


def _kind(message: Any) -> str:
    if isinstance(message, dict):
        return str(message.get("event_type", SUBMISSION))
    return str(getattr(message, "event_type", SUBMISSION))


IntakeInput = Annotated[
    Annotated[SubmissionReceived, Tag(SUBMISSION)]
    | Annotated[ReferenceIssued, Tag("ReferenceIssued")]
    | Annotated[ReplySent, Tag("ReplySent")]
    | Annotated[ReplyDelivered, Tag("ReplyDelivered")],
    Discriminator(_kind),
]


def register_subscribers(
    broker: KafkaBroker,
    settings: KafkaSettings,
    *,
    reports: Reports,
    access: ChannelAccess,
    clock: Clock,
    force_code: str,
) -> None:
    @reliable_subscriber(broker, settings, SERVICE, *topics.CONSUMES[SERVICE])
    async def on_intake_message(
        message: IntakeInput, topic: str = Context("message.raw_message.topic")
    ) -> None:
        match message:
            case SubmissionReceived():
                await accept_submission(
                    message,
                    channel=_ingress_channel(topic),
                    access=access,
                    reports=reports,
                    clock=clock,
                    force_code=force_code,
                )
            case ReferenceIssued():
                await learn_reference(message, reports=reports)
            case ReplySent() | ReplyDelivered():
                await learn_reply(message, reports=reports)


def _ingress_channel(topic: str) -> Channel:
    channel = topics.ingress_channel(topic)
    if channel is None:
        raise PermanentError(f"{topic} is not an ingress topic")
    return Channel(channel)
