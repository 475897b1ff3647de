"""Events about a report: submitted, classified, given its reference."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, JsonValue

from shared.events.envelope import Event
from shared.text import EmailAddress


class ReportType(StrEnum):
    """The report types of the Single Online Home catalogue."""

    CRIME = "crime"
    ROAD_TRAFFIC_COLLISION = "road_traffic_collision"
    FRAUD = "fraud"
    LOST_OR_STOLEN_VEHICLE = "lost_or_stolen_vehicle"
    ANTI_SOCIAL_BEHAVIOUR = "anti_social_behaviour"
    MISSING_PERSON = "missing_person"
    LOST_OR_FOUND_PROPERTY = "lost_or_found_property"
    FEEDBACK = "feedback"


class Channel(StrEnum):
    """Where a report came in."""

    WEB = "web"
    PHONE = "phone"
    PARTNER = "partner"


class ContactMethod(StrEnum):
    """How a reporter can be replied to."""

    EMAIL = "email"
    SMS = "sms"


class Contact(BaseModel):
    """How to reach the reporter; personal data, never logged."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="Name the reporter gave.")
    email: EmailAddress | None = Field(
        default=None, description="Email address, if given; its domain in ASCII (xn--) form."
    )
    phone: str | None = Field(default=None, description="Phone number in E.164, if given.")
    preferred_channel: ContactMethod = Field(description="The reply channel the reporter chose.")
    language: Literal["en", "cy"] = Field(default="en", description="Reply language.")
    email_safe: bool = Field(default=True, description="Email to the reporter is safe.")
    sms_safe: bool = Field(default=True, description="Text messages to the reporter are safe.")
    safe_times: str | None = Field(default=None, description="When contact is safe, if limited.")


class ReportSubmitted(Event):
    """A report was accepted and durably stored by intake; the SLA promise starts now."""

    event_type: Literal["ReportSubmitted"] = Field(
        default="ReportSubmitted", description='Always "ReportSubmitted".'
    )
    force_code: str = Field(description="Code of the police force the report is for.")
    report_type: ReportType = Field(description="Which kind of report this is.")
    channel: Channel = Field(description="Where the report came in.")
    received_at: AwareDatetime = Field(description="When intake accepted the report.")
    description: str = Field(description="The reporter's own account; personal data.")
    happening_now: bool = Field(description="The reporter says it is happening now.")
    someone_in_danger: bool = Field(description="The reporter says someone is in danger.")
    answers: dict[str, JsonValue] = Field(
        default_factory=dict, description="Answers to the report type's own questions."
    )
    answers_version: str | None = Field(
        default=None, description="Version of the report type's questions that was answered."
    )
    contact: Contact | None = Field(
        default=None, description="How to reply; none for an anonymous report."
    )

    @property
    def anonymous(self) -> bool:
        return self.contact is None


class UpdateRole(StrEnum):
    """What allowed someone to add information to a report."""

    SUBMITTER = "submitter"  # the channel and key that submitted the report
    CALL_HANDLER = "call_handler"  # a call handler (today: the phone channel's keys)
    REPORTER = "reporter"  # the reporter, proven by the report's status token


class UpdateGiver(BaseModel):
    """Who added information to a report; no personal data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: UpdateRole = Field(description="What allowed them to add to this report.")
    channel: Channel = Field(description="The channel whose API key made the request.")
    key_id: str = Field(description="Id of that API key (a digest of it, safe to log).")


class ReportUpdated(Event):
    """The reporter or a call handler added information to a report; it is re-assessed."""

    event_type: Literal["ReportUpdated"] = Field(
        default="ReportUpdated", description='Always "ReportUpdated".'
    )
    update_number: int = Field(ge=1, description="1 for the first update of a report, and so on.")
    information: str = Field(description="What was added, in the giver's words; personal data.")
    happening_now: bool = Field(description="It is happening now, as of this update.")
    someone_in_danger: bool = Field(description="Someone is in danger, as of this update.")
    given_by: UpdateGiver | None = Field(
        default=None, description="Who added the information; none in updates made before."
    )


class ThriveDimension(BaseModel):
    """One THRIVE dimension of an assessment: its level and the rules that set it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: Literal["low", "medium", "high"] = Field(description="How serious on this dimension.")
    rules: list[str] = Field(description="The rules that set the level.")


class ReportClassified(Event):
    """The classifier graded a report and decided what happens next.

    A re-assessment emits a new ReportClassified with a higher `sequence`; consumers act
    on the one with the highest sequence.
    """

    event_type: Literal["ReportClassified"] = Field(
        default="ReportClassified", description='Always "ReportClassified".'
    )
    grade: int = Field(ge=1, le=4, description="Response grade, 1 (emergency) to 4.")
    flags: list[str] = Field(default_factory=list, description="Risk and handling flags.")
    route: str = Field(description="The team the report is routed to.")
    force_code: str | None = Field(
        default=None, description="The force the report is for (absent before v1.1 producers)."
    )
    referral: str | None = Field(default=None, description="Body the report is referred to.")
    next_steps: str = Field(description="Code of the next-steps text the reply carries.")
    rules_version: str = Field(description="Version of the rules that made this decision.")
    confidence: float = Field(ge=0, le=1, description="How sure the classifier is.")
    sequence: int = Field(default=1, ge=1, description="Assessment number; latest wins.")
    thrive: dict[str, ThriveDimension] = Field(
        default_factory=dict,
        description="Threat, harm, risk, investigation, vulnerability, engagement: why.",
    )
    rules_fired: list[str] = Field(default_factory=list, description="Every rule that fired.")
    suggested_type: ReportType | None = Field(
        default=None, description="The type the text reads like, when it differs or confirms."
    )
    model_version: str | None = Field(
        default=None, description="Version of the triage model (the safety net) that scored it."
    )
    model_score: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="The safety net's emergency score: that of the text's most alarming passage.",
    )


class ReferenceIssued(Event):
    """A report got the reference number people read out over the phone."""

    event_type: Literal["ReferenceIssued"] = Field(
        default="ReferenceIssued", description='Always "ReferenceIssued".'
    )
    reference: str = Field(description="The reference, e.g. LP-20261130-000123-K.")
    force_code: str = Field(description="Code of the force that issued it.")
    issued_at: AwareDatetime = Field(description="When the reference was issued.")


__all__ = [
    "Channel",
    "Contact",
    "ContactMethod",
    "ReferenceIssued",
    "ReportClassified",
    "ReportSubmitted",
    "ReportType",
    "ReportUpdated",
    "ThriveDimension",
    "UpdateGiver",
    "UpdateRole",
]
