"""Stored forms of the events that services keep in their documents, apart from the wire
schemas: a new version of an event changes `of` and `to_event` here, not stored data.

An event was validated once, when it arrived; its stored form is rebuilt without running
that validation again (the email address check alone costs about a millisecond a read).
Only the types are checked on the way back, which is what pydantic does cheaply. Datetimes
inside these forms are stored as ISO text (`model_dump(mode="json")`), which keeps the
microseconds a BSON date would drop, so a report read back equals the one submitted.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue

from shared.events import (
    Channel,
    Contact,
    ContactMethod,
    ReportSubmitted,
    ReportType,
    ReportUpdated,
    UpdateGiver,
    UpdateRole,
)


class _Stored(BaseModel):
    # Ignore what a form no longer holds (`event_type` and `schema_version` are implied by
    # the form; documents written before these forms carried them).
    model_config = ConfigDict(frozen=True, extra="ignore")


class ContactDocument(_Stored):
    """How to reach the reporter, as stored: personal data, never logged."""

    name: str
    email: str | None = None
    phone: str | None = None
    preferred_channel: ContactMethod
    language: Literal["en", "cy"] = "en"
    email_safe: bool = True
    sms_safe: bool = True
    safe_times: str | None = None

    @classmethod
    def of(cls, contact: Contact) -> ContactDocument:
        return cls(
            name=contact.name,
            email=contact.email,
            phone=contact.phone,
            preferred_channel=contact.preferred_channel,
            language=contact.language,
            email_safe=contact.email_safe,
            sms_safe=contact.sms_safe,
            safe_times=contact.safe_times,
        )

    def to_contact(self) -> Contact:
        """The contact as it was validated when the report arrived (not validated again)."""
        return Contact.model_construct(
            name=self.name,
            email=self.email,
            phone=self.phone,
            preferred_channel=self.preferred_channel,
            language=self.language,
            email_safe=self.email_safe,
            sms_safe=self.sms_safe,
            safe_times=self.safe_times,
        )


class _EventDocument(_Stored):
    """The envelope of a stored event: enough to rebuild it, and to derive what it causes."""

    event_id: uuid.UUID
    occurred_at: AwareDatetime
    report_id: uuid.UUID
    correlation_id: uuid.UUID
    causation_id: uuid.UUID | None = None
    producer: str

    @staticmethod
    def envelope_of(event: ReportSubmitted | ReportUpdated) -> dict[str, Any]:
        return {
            "event_id": event.event_id,
            "occurred_at": event.occurred_at,
            "report_id": event.report_id,
            "correlation_id": event.correlation_id,
            "causation_id": event.causation_id,
            "producer": event.producer,
        }

    def envelope(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "occurred_at": self.occurred_at,
            "report_id": self.report_id,
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
            "producer": self.producer,
        }


class SubmissionDocument(_EventDocument):
    """A submitted report, as stored."""

    force_code: str
    report_type: ReportType
    channel: Channel
    received_at: AwareDatetime
    description: str
    happening_now: bool
    someone_in_danger: bool
    answers: dict[str, JsonValue] = Field(default_factory=dict)
    answers_version: str | None = None
    contact: ContactDocument | None = None

    @classmethod
    def of(cls, submitted: ReportSubmitted) -> SubmissionDocument:
        contact = None if submitted.contact is None else ContactDocument.of(submitted.contact)
        return cls(
            **cls.envelope_of(submitted),
            force_code=submitted.force_code,
            report_type=submitted.report_type,
            channel=submitted.channel,
            received_at=submitted.received_at,
            description=submitted.description,
            happening_now=submitted.happening_now,
            someone_in_danger=submitted.someone_in_danger,
            answers=submitted.answers,
            answers_version=submitted.answers_version,
            contact=contact,
        )

    def to_event(self) -> ReportSubmitted:
        """The event this report was stored from (not validated again)."""
        return ReportSubmitted.model_construct(
            **self.envelope(),
            force_code=self.force_code,
            report_type=self.report_type,
            channel=self.channel,
            received_at=self.received_at,
            description=self.description,
            happening_now=self.happening_now,
            someone_in_danger=self.someone_in_danger,
            answers=self.answers,
            answers_version=self.answers_version,
            contact=None if self.contact is None else self.contact.to_contact(),
        )


class GiverDocument(_Stored):
    """Who added information to a report, as stored (no personal data)."""

    role: UpdateRole
    channel: Channel
    key_id: str

    @classmethod
    def of(cls, giver: UpdateGiver) -> GiverDocument:
        return cls(role=giver.role, channel=giver.channel, key_id=giver.key_id)

    def to_giver(self) -> UpdateGiver:
        return UpdateGiver.model_construct(role=self.role, channel=self.channel, key_id=self.key_id)


class UpdateDocument(_EventDocument):
    """Information added to a report, as stored."""

    update_number: int
    information: str
    happening_now: bool
    someone_in_danger: bool
    given_by: GiverDocument | None = None

    @classmethod
    def of(cls, updated: ReportUpdated) -> UpdateDocument:
        giver = updated.given_by
        return cls(
            **cls.envelope_of(updated),
            update_number=updated.update_number,
            information=updated.information,
            happening_now=updated.happening_now,
            someone_in_danger=updated.someone_in_danger,
            given_by=None if giver is None else GiverDocument.of(giver),
        )

    def to_event(self) -> ReportUpdated:
        """The event this update was stored from (not validated again)."""
        return ReportUpdated.model_construct(
            **self.envelope(),
            update_number=self.update_number,
            information=self.information,
            happening_now=self.happening_now,
            someone_in_danger=self.someone_in_danger,
            given_by=None if self.given_by is None else self.given_by.to_giver(),
        )
