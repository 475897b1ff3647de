"""The Kafka ingress: reports published by channels that do not call the HTTP API."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.intake.access import ChannelAccess, ForbiddenError
from services.intake.domain import ReportSubmission
from services.intake.handlers import IdempotencyConflictError, Reports, submit_report
from shared.clock import Clock
from shared.errors import PermanentError
from shared.events import Channel
from shared.kafka_access import channel_principal


class SubmissionReceived(BaseModel):
    """A report a channel published to its ingress topic (`submission.received.<channel>.v1`).

    The same submission, validated as over HTTP; `submission_id` makes it idempotent. It
    names no channel: the topic does, which only that channel's principal may write to.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    submission_id: uuid.UUID = Field(description="The channel's id; a repeat is the same report.")
    submission: ReportSubmission = Field(description="The report, as POST /v1/reports takes it.")


async def accept_submission(
    received: SubmissionReceived,
    *,
    channel: Channel,
    access: ChannelAccess,
    reports: Reports,
    clock: Clock,
    force_code: str,
) -> None:
    """Accept a published report, or refuse it for good (it then goes to the dead letters)."""
    try:
        access.authorize(channel, received.submission.report_type)
        accepted = await submit_report(
            received.submission,
            channel=channel,
            force_code=force_code,
            reports=reports,
            clock=clock,
            idempotency_key=str(received.submission_id),
            key_id=f"kafka:{channel_principal(channel.value)}",  # who published it
        )
    except ForbiddenError as error:
        raise PermanentError(str(error)) from None
    except IdempotencyConflictError:
        raise PermanentError("submission_id already used for another submission") from None
    await reports.publish_pending(accepted.submitted.report_id)
