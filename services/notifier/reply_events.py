"""The events of a reply's outcome. Each id is derived from the causing event (the
submission, or the staff request), the reply's name and the channel, so re-emitting after
a crash yields the same event, and two staff replies of one report are two events."""

from __future__ import annotations

from datetime import datetime

from services.notifier import SERVICE
from services.notifier.domain import OutgoingReply, ReplyKey
from shared.clock import Clock
from shared.events import CauseRef, ContactMethod, Event, ReplyDelivered, ReplyFailed, ReplySent


class ReplyEvents:
    """Builds ReplySent, ReplyDelivered and ReplyFailed, stamped by the injected clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def sent(
        self, cause: CauseRef, reply: OutgoingReply, provider_id: str, delivered: bool
    ) -> list[Event]:
        """The provider took `reply`: its exact words go into the event (for the console's
        view of what the reporter was told; personal data, never logged), the status token
        masked; delivered too, where the provider accepting it is delivery."""
        sent = ReplySent.caused_by(
            cause,
            producer=SERVICE,
            occurred_at=self.clock.now(),
            discriminator=f"{reply.key.name}.{reply.channel.value}",
            request_id=reply.request_id,
            reply_kind=reply.kind,
            channel=reply.channel,
            provider_message_id=provider_id,
            receipts_expected=True,
            subject=reply.subject or None,
            body=reply.recorded_text,
        )
        if not delivered:
            return [sent]
        return [sent, self.delivered(cause, reply.key, reply.channel, self.clock.now())]

    def delivered(
        self, cause: CauseRef, key: ReplyKey, channel: ContactMethod, at: datetime
    ) -> ReplyDelivered:
        return ReplyDelivered.caused_by(
            cause,
            producer=SERVICE,
            occurred_at=self.clock.now(),
            discriminator=f"{key.name}.{channel.value}",
            request_id=key.request_id,
            reply_kind=key.kind,
            channel=channel,
            delivered_at=at,
        )

    def failed(
        self,
        cause: CauseRef,
        key: ReplyKey,
        channel: ContactMethod | None,
        *,
        permanent: bool,
        reason: str,
        final: bool = False,
    ) -> ReplyFailed:
        where = channel.value if channel else "none"
        return ReplyFailed.caused_by(
            cause,
            producer=SERVICE,
            occurred_at=self.clock.now(),
            discriminator=f"{key.name}.{where}.failed",
            request_id=key.request_id,
            reply_kind=key.kind,
            channel=channel,
            permanent=permanent,
            final=final,
            reason=reason,
        )
