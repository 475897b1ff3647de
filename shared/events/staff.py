"""Events of what staff did to a report in the console: each a command of a signed-in member
of staff, checked against the report's state and their role, then told as a fact.

Every staff event names who acted (`StaffActor`: the provider's subject, their user name
and the role that allowed it; never a password or token) and carries the report's
`action_number`: the console's count of staff actions on that report, one higher each time,
so that consumers order staff actions by it rather than by arrival. Its id is derived from
the report, the actor and the request's `Idempotency-Key` (`staff_event_id`), so a retried
request yields the very same event.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared.events.envelope import Event
from shared.events.reports import ReportType

#: Where the notifier puts the link to the reporter's status page (with its token) in the
#: text of a request for information; the console's preview shows it in its place.
STATUS_LINK_MARKER = "{status_link}"

StaffRoleName = Literal["operator", "supervisor"]


def staff_event_id(
    report_id: uuid.UUID, event_type: str, user_id: str, idempotency_key: str
) -> uuid.UUID:
    """The id of the event one request of one person makes: the same on every retry."""
    return uuid.uuid5(report_id, f"{event_type}/{user_id}/{idempotency_key}")


class StaffActor(BaseModel):
    """Who acted: no secret of theirs, ever."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str = Field(min_length=1, description="The identity provider's subject.")
    username: str = Field(min_length=1, description="Their user name, as the provider gave it.")
    role: StaffRoleName = Field(description="The console role that allowed the action.")


class StaffAction(Event):
    """The fields every staff event has."""

    actor: StaffActor = Field(description="Who acted, and in which role.")
    action_number: int = Field(
        ge=1, description="The report's staff actions so far, this one included: their order."
    )

    @classmethod
    def by(
        cls,
        actor: StaffActor,
        *,
        report_id: uuid.UUID,
        correlation_id: uuid.UUID,
        idempotency_key: str,
        action_number: int,
        occurred_at: datetime,
        producer: str,
        **fields: Any,
    ) -> Self:
        """The event of one staff request, with the id its `Idempotency-Key` makes."""
        return cls(
            event_id=staff_event_id(report_id, cls.EVENT_TYPE, actor.user_id, idempotency_key),
            event_type=cls.EVENT_TYPE,
            occurred_at=occurred_at,
            report_id=report_id,
            correlation_id=correlation_id,
            causation_id=None,  # a person's decision, not another event
            producer=producer,
            actor=actor,
            action_number=action_number,
            **fields,
        )


class Assignee(BaseModel):
    """A member of staff a report is assigned to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str = Field(min_length=1, description="The identity provider's subject.")
    username: str = Field(min_length=1, description="Their user name.")


class ReportAssigned(StaffAction):
    """A report was claimed, assigned to a colleague, or handed back to its team's queue."""

    event_type: Literal["ReportAssigned"] = Field(
        default="ReportAssigned", description='Always "ReportAssigned".'
    )
    team: str = Field(description="The team whose queue holds the report (its route).")
    assignee: Assignee | None = Field(
        description="Who works on it now; none: back in the team's queue, unclaimed."
    )
    claimed: bool = Field(description="The actor took the report on themselves.")
    report_type: ReportType | None = Field(
        default=None,
        description="The report's type, for the assignee's notice: alerting needs no more.",
    )


class ContactWay(StrEnum):
    """How staff reached (or tried to reach) the reporter outside frontdesk."""

    PHONE_CALL = "phone_call"
    IN_PERSON = "in_person"
    EMAIL = "email"  # from a mailbox outside frontdesk
    LETTER = "letter"
    OTHER = "other"


class ContactRecorded(StaffAction):
    """Staff contacted the reporter outside frontdesk; reaching them keeps the reply promise."""

    event_type: Literal["ContactRecorded"] = Field(
        default="ContactRecorded", description='Always "ContactRecorded".'
    )
    way: ContactWay = Field(description="How.")
    reached: bool = Field(description="Whether the reporter was reached (a call answered).")
    contacted_at: AwareDatetime = Field(description="When the contact was made.")
    note: str = Field(
        max_length=2000, description="What was said, in short; personal data, never logged."
    )


class StaffMessage(BaseModel):
    """A message to the reporter as staff approved it: the exact words the notifier sends."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request_id: uuid.UUID = Field(description="This message; the reply events name it.")
    template: str = Field(description="The standard text it started from.")
    language: Literal["en", "cy"] = Field(description="The language it is written in.")
    neutral: bool = Field(
        description="Safe-contact wording: sent from a sender that gives nothing away."
    )
    subject: str = Field(
        max_length=200,
        pattern=r"^[^\x00-\x1f\x7f]*$",
        description="The email's subject, one line; personal data.",
    )
    body: str = Field(
        min_length=1, max_length=5000, description="The exact text sent; personal data."
    )


class ReplyRequested(StaffAction):
    """Staff asked the notifier to send the reporter a reply (from a standard text)."""

    event_type: Literal["ReplyRequested"] = Field(
        default="ReplyRequested", description='Always "ReplyRequested".'
    )
    message: StaffMessage = Field(description="What to send.")


class InformationRequested(StaffAction):
    """Staff asked the reporter for more information: the reply clock pauses until they
    answer through their status page, or until `answer_by`."""

    event_type: Literal["InformationRequested"] = Field(
        default="InformationRequested", description='Always "InformationRequested".'
    )
    question: str = Field(
        min_length=1, max_length=1000, description="What is asked, as the status page shows it."
    )
    message: StaffMessage = Field(
        description=f"The message; its body holds {STATUS_LINK_MARKER} where the link goes."
    )
    answer_by: AwareDatetime = Field(description="When the clock resumes without an answer.")


class ReportRegraded(StaffAction):
    """Staff changed the grade or the route, with a reason; the classifier's own assessment
    stays on the record beside the override."""

    event_type: Literal["ReportRegraded"] = Field(
        default="ReportRegraded", description='Always "ReportRegraded".'
    )
    grade: int = Field(ge=1, le=4, description="The grade from now on.")
    route: str = Field(description="The team the report is routed to from now on.")
    previous_grade: int | None = Field(ge=1, le=4, description="The grade before.")
    previous_route: str | None = Field(description="The route before.")
    reason: str = Field(min_length=3, max_length=1000, description="Why; internal.")


class Outcome(StrEnum):
    """How a report was finalised."""

    CRIME_RECORDED = "crime_recorded"
    NO_FURTHER_ACTION = "no_further_action"
    REFERRED = "referred"
    INFORMATION_ONLY = "information_only"
    DUPLICATE = "duplicate"


class NoFurtherActionReason(StrEnum):
    """Why a report is not taken further (after the Home Office outcome groups)."""

    NO_CRIME = "no_crime"
    EVIDENTIAL_DIFFICULTIES = "evidential_difficulties"
    VICTIM_DOES_NOT_SUPPORT = "victim_does_not_support"
    SUSPECT_NOT_IDENTIFIED = "suspect_not_identified"
    NOT_IN_PUBLIC_INTEREST = "not_in_public_interest"
    CIVIL_MATTER = "civil_matter"


class ReportClosed(StaffAction):
    """Staff closed a report with its outcome; the reporter is told it (`reply`)."""

    event_type: Literal["ReportClosed"] = Field(
        default="ReportClosed", description='Always "ReportClosed".'
    )
    outcome: Outcome = Field(description="How the report was finalised.")
    crime_reference: str | None = Field(
        default=None, max_length=64, description="The records system's crime number."
    )
    reason_code: NoFurtherActionReason | None = Field(
        default=None, description="Why no further action."
    )
    agency: str | None = Field(
        default=None, max_length=200, description="The agency the report was referred to."
    )
    duplicate_of: str | None = Field(
        default=None, description="The reference of the report this one repeats."
    )
    duplicate_of_report_id: uuid.UUID | None = Field(
        default=None, description="That report's id (both timelines link to each other)."
    )
    reply: StaffMessage | None = Field(
        description="The outcome message to the reporter; none when they cannot be told."
    )

    @model_validator(mode="after")
    def _outcome_details(self) -> Self:
        needed = {
            Outcome.CRIME_RECORDED: ("crime_reference", self.crime_reference),
            Outcome.NO_FURTHER_ACTION: ("reason_code", self.reason_code),
            Outcome.REFERRED: ("agency", self.agency),
            Outcome.DUPLICATE: ("duplicate_of", self.duplicate_of),
        }.get(self.outcome)
        if needed is not None and not needed[1]:
            raise ValueError(f"an outcome of {self.outcome.value} needs {needed[0]}")
        return self


class ReportReopened(StaffAction):
    """A supervisor reopened a closed report, with a reason."""

    event_type: Literal["ReportReopened"] = Field(
        default="ReportReopened", description='Always "ReportReopened".'
    )
    reason: str = Field(min_length=3, max_length=1000, description="Why; internal.")


class NoteAdded(StaffAction):
    """An internal note on the report's timeline: never sent, never changed afterwards."""

    event_type: Literal["NoteAdded"] = Field(default="NoteAdded", description='Always "NoteAdded".')
    text: str = Field(
        min_length=1, max_length=5000, description="The note; may hold personal data."
    )


def effective_grade(
    assessed: tuple[int, datetime] | None, override: tuple[int, datetime] | None
) -> int | None:
    """The grade a report is handled at, from the classifier's newest assessment and the
    newest staff regrade, each with when it was made: the override holds, unless a later
    assessment (new information, re-triaged) is more urgent. The one rule for the
    watchdog's target and the console's queue."""
    if override is None:
        return None if assessed is None else assessed[0]
    if assessed is not None and assessed[1] > override[1] and assessed[0] < override[0]:
        return assessed[0]
    return override[0]


#: Every staff event, in the order the timeline ranks ties.
STAFF_EVENTS: tuple[type[StaffAction], ...] = (
    ReportAssigned,
    ContactRecorded,
    ReplyRequested,
    InformationRequested,
    ReportRegraded,
    NoteAdded,
    ReportClosed,
    ReportReopened,
)

__all__ = [
    "STAFF_EVENTS",
    "STATUS_LINK_MARKER",
    "Assignee",
    "ContactRecorded",
    "ContactWay",
    "InformationRequested",
    "NoFurtherActionReason",
    "NoteAdded",
    "Outcome",
    "ReplyRequested",
    "ReportAssigned",
    "ReportClosed",
    "ReportRegraded",
    "ReportReopened",
    "StaffAction",
    "StaffActor",
    "StaffMessage",
    "StaffRoleName",
    "effective_grade",
    "staff_event_id",
]
