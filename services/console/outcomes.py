"""What came of a report, pure: each reply and how it fared, each alert and where it stands,
folded from their events in canonical order (`domain.canonical`), whatever order they came.

A reply is one kind of message through one channel: delivered wins over failed, failed
over sent (a receipt can say a sent message failed; nothing says a delivered one did not
arrive). An alert's step only grows, its first acknowledgement stands, resolved is final."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Literal

from services.console.records import AlertRecord, ReplyRecord, ReplyState
from shared.events import (
    AlertAcknowledged,
    AlertEscalated,
    AlertRaised,
    AlertResolved,
    Event,
    ReplyDelivered,
    ReplyFailed,
    ReplySent,
)

_STRENGTH: dict[ReplyState, int] = {"sent": 0, "failed": 1, "delivered": 2}

ReplyEvent = ReplySent | ReplyDelivered | ReplyFailed
AlertEvent = AlertRaised | AlertEscalated | AlertAcknowledged | AlertResolved


def _empty_reply(event: ReplyEvent) -> ReplyRecord:
    channel = None if event.channel is None else event.channel.value
    state: ReplyState = "failed" if isinstance(event, ReplyFailed) else "sent"
    return ReplyRecord(event.reply_kind.value, channel, state, None, None, None, None, None)


def _stronger(record: ReplyRecord, state: ReplyState) -> ReplyState:
    return state if _STRENGTH[state] > _STRENGTH[record.state] else record.state


def _with(record: ReplyRecord, event: ReplyEvent) -> ReplyRecord:
    if isinstance(event, ReplySent):
        return replace(
            record,
            subject=record.subject if record.sent_at else event.subject,
            body=record.body if record.sent_at else event.body,
            sent_at=record.sent_at or event.occurred_at,
        )
    if isinstance(event, ReplyDelivered):
        delivered_at = record.delivered_at or event.delivered_at
        return replace(record, state="delivered", delivered_at=delivered_at)
    return replace(
        record,
        state=_stronger(record, "failed"),
        failure=record.failure or event.reason,
        failed_at=record.failed_at or event.occurred_at,
    )


def replies_of(events: Sequence[Event]) -> list[ReplyRecord]:
    """Every reply of the report (one per kind, staff request and channel: a report may
    get many staff replies), in the order first heard of."""
    records: dict[tuple[str, uuid.UUID | None, str | None], ReplyRecord] = {}
    for event in events:
        if isinstance(event, ReplySent | ReplyDelivered | ReplyFailed):
            channel = None if event.channel is None else event.channel.value
            key = (event.reply_kind.value, event.request_id, channel)
            records[key] = _with(records.get(key) or _empty_reply(event), event)
    return list(records.values())


AlertState = Literal["open", "acknowledged", "resolved"]


def _empty_alert(event: AlertEvent) -> AlertRecord:
    return AlertRecord(event.alert_id, event.kind.value, "open", 0, [], event.occurred_at, None)


def _alert_with(record: AlertRecord, event: AlertEvent) -> AlertRecord:
    told = record.told + [name for name in getattr(event, "told", []) if name not in record.told]
    if isinstance(event, AlertRaised):
        return replace(record, told=told, raised_at=event.occurred_at)
    if isinstance(event, AlertEscalated):
        return replace(record, told=told, step=max(record.step, event.step))
    if isinstance(event, AlertAcknowledged):
        state: AlertState = "resolved" if record.state == "resolved" else "acknowledged"
        return replace(
            record,
            state=state,
            step=max(record.step, event.step),
            acknowledged_by=record.acknowledged_by or event.acknowledged_by,
        )
    return replace(record, state="resolved")


def alerts_of(events: Sequence[Event]) -> list[AlertRecord]:
    """Every alert of the report, in the order raised."""
    records: dict[uuid.UUID, AlertRecord] = {}
    raised: dict[uuid.UUID, datetime] = {}
    for event in events:
        if isinstance(event, AlertRaised | AlertEscalated | AlertAcknowledged | AlertResolved):
            record = records.get(event.alert_id) or _empty_alert(event)
            records[event.alert_id] = _alert_with(record, event)
            if isinstance(event, AlertRaised):
                raised[event.alert_id] = event.occurred_at
    return sorted(records.values(), key=lambda a: (raised.get(a.alert_id, a.raised_at), a.kind))
