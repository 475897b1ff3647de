"""The Kafka ingress: reports published by channels that do not call the HTTP API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from services.intake.domain import ReportSubmission
from shared.errors import PermanentError
from shared.events import Channel
from shared.principals import channel_principal
from shared.topics import ingress_channel


class SubmissionReceived(BaseModel):
    """A report a channel published to its ingress topic (`submission.received.<channel>.v1`).

    The same submission, validated as over HTTP; `submission_id` makes it idempotent. It
    names no channel: the topic does, which only that channel's principal may write to.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    submission_id: uuid.UUID = Field(description="The channel's id; a repeat is the same report.")
    submission: ReportSubmission = Field(description="The report, as POST /v1/reports takes it.")


def publisher_of(channel: Channel) -> str:
    """The key id a published report is kept with: the principal that may publish it."""
    return f"kafka:{channel_principal(channel.value)}"


@dataclass(frozen=True)
class Published:
    """A submission as read from an ingress topic, with the channel that topic belongs to."""

    channel: Channel
    received: SubmissionReceived


def read_published(topic: str, body: bytes) -> Published:
    """Read a record of an ingress topic (ValidationError if it is no submission)."""
    channel = ingress_channel(topic)
    if channel is None:
        raise PermanentError(f"{topic} is not an ingress topic")
    return Published(Channel(channel), SubmissionReceived.model_validate_json(body))
