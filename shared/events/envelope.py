"""The envelope every event travels in, and how ids are derived.

An event emitted in response to another gets a deterministic id (uuid5 of the causing
event's id and the new event's type, plus a discriminator when one cause yields several
events of a type), so re-emitting after a crash produces the very same event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


def derived_event_id(cause_id: uuid.UUID, event_type: str, discriminator: str = "") -> uuid.UUID:
    """The id of the `event_type` event caused by event `cause_id`; the same on every call."""
    return uuid.uuid5(cause_id, f"{event_type}/{discriminator}")


class Cause(Protocol):
    """What a new event needs to know of the event that caused it."""

    @property
    def event_id(self) -> uuid.UUID: ...

    @property
    def report_id(self) -> uuid.UUID: ...

    @property
    def correlation_id(self) -> uuid.UUID: ...


@dataclass(frozen=True)
class CauseRef:
    """A stored reference to a causing event, enough to derive the events it leads to."""

    event_id: uuid.UUID
    report_id: uuid.UUID
    correlation_id: uuid.UUID

    @classmethod
    def of(cls, event: Cause) -> CauseRef:
        return cls(event.event_id, event.report_id, event.correlation_id)

    def to_document(self) -> dict[str, str]:
        return {
            "event_id": str(self.event_id),
            "report_id": str(self.report_id),
            "correlation_id": str(self.correlation_id),
        }

    @classmethod
    def from_document(cls, document: dict[str, str]) -> CauseRef:
        return cls(
            uuid.UUID(document["event_id"]),
            uuid.UUID(document["report_id"]),
            uuid.UUID(document["correlation_id"]),
        )


class Event(BaseModel):
    """Envelope fields shared by every frontdesk event."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    EVENT_TYPE: ClassVar[str] = "Event"

    event_id: uuid.UUID = Field(description="Unique id of this event; stable across re-emission.")
    event_type: str = Field(description="Name of the event, in the past tense.")
    schema_version: int = Field(default=1, ge=1, description="Version of this event's schema.")
    occurred_at: AwareDatetime = Field(description="When the fact happened, timezone-aware UTC.")
    report_id: uuid.UUID = Field(description="The report this event is about; the Kafka key.")
    correlation_id: uuid.UUID = Field(
        description="Id shared by every event of one report's journey (its first event's id)."
    )
    causation_id: uuid.UUID | None = Field(
        default=None, description="Id of the event that caused this one; none for the first."
    )
    producer: str = Field(description="Name of the service that emitted the event.")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.EVENT_TYPE = cls.__name__

    @classmethod
    def caused_by(
        cls,
        cause: Cause,
        *,
        producer: str,
        occurred_at: datetime,
        discriminator: str = "",
        **fields: Any,
    ) -> Self:
        """Build the event that `cause` leads to, with a deterministic id."""
        return cls(
            event_id=derived_event_id(cause.event_id, cls.EVENT_TYPE, discriminator),
            event_type=cls.EVENT_TYPE,
            occurred_at=occurred_at,
            report_id=cause.report_id,
            correlation_id=cause.correlation_id,
            causation_id=cause.event_id,
            producer=producer,
            **fields,
        )

    def kafka_key(self) -> bytes:
        return str(self.report_id).encode()
