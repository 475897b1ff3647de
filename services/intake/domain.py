"""Intake's rules: what a valid submission is and what the reporter is told at once.

A submission is one of eight shapes, told apart by `report_type`, each carrying the answers
its type asks for (see `catalogue`). Contact details are checked and normalised here:
emails by syntax (domains kept in ASCII form), UK phone numbers to E.164; free text
refuses control and bidirectional-override characters (`shared.text`).
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal, Self

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, model_validator

from services.intake.catalogue import (
    AsbAnswers,
    CollisionAnswers,
    CrimeAnswers,
    FeedbackAnswers,
    FraudAnswers,
    MissingPersonAnswers,
    PropertyAnswers,
    VehicleAnswers,
)
from shared.events import ContactMethod, ReportType
from shared.guidance import URGENT_GUIDANCE, urgent_guidance
from shared.text import MultiLineText, PersonName, SendableEmailAddress, SingleLineText

#: The call-999 answer in English, the language of an answer with no language given.
EMERGENCY_GUIDANCE = URGENT_GUIDANCE["en"].answer
ANONYMOUS_NOTICE = "You reported anonymously, so we cannot reply to you about this report."
REPLY_PROMISE = (
    "We will send you a reference number and the next steps within 24 hours, "
    "by your chosen contact method."
)
REPLY_PROMISES = {
    "en": REPLY_PROMISE,
    "cy": (
        "Byddwn yn anfon cyfeirnod a'r camau nesaf atoch o fewn 24 awr, "
        "drwy'r dull cysylltu a ddewisoch."
    ),
}


def _e164_uk(value: str) -> str:
    """A UK (or international, with +) phone number in E.164, e.g. +447700900123."""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException as error:
        raise ValueError("not a phone number") from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


PhoneNumber = Annotated[
    str,
    Field(min_length=7, max_length=25, description="Phone number; UK numbers need no +44."),
    AfterValidator(_e164_uk),
]


class SafeContact(BaseModel):
    """When contact itself could put the reporter at risk (domestic abuse, stalking)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email_safe: StrictBool = Field(default=True, description="Email to you is safe to send.")
    sms_safe: StrictBool = Field(default=True, description="Text messages to you are safe to send.")
    safe_times: SingleLineText | None = Field(
        default=None, max_length=200, description="When it is safe to contact you."
    )


class ContactDetails(BaseModel):
    """How the reporter wants to be replied to."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: PersonName = Field(min_length=1, max_length=200, description="Reporter's name.")
    email: SendableEmailAddress | None = Field(
        default=None, description="Email address; its part before the @ must be plain ASCII."
    )
    phone: PhoneNumber | None = None
    preferred_channel: ContactMethod = Field(description="Channel to reply through.")
    language: Literal["en", "cy"] = Field(default="en", description="Reply language.")
    safe_contact: SafeContact = Field(default_factory=SafeContact)

    @model_validator(mode="after")
    def _preferred_channel_is_usable(self) -> Self:
        address = self.email if self.preferred_channel is ContactMethod.EMAIL else self.phone
        if address is None:
            field = "email" if self.preferred_channel is ContactMethod.EMAIL else "phone"
            raise ValueError(f"preferred_channel is {self.preferred_channel} but no {field} given")
        safe = self.safe_contact
        is_safe = (
            safe.email_safe if self.preferred_channel is ContactMethod.EMAIL else safe.sms_safe
        )
        if not is_safe:
            raise ValueError(f"preferred_channel is {self.preferred_channel}, marked unsafe")
        return self


class SubmissionBase(BaseModel):
    """What every report has, whatever its type."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    description: MultiLineText = Field(
        min_length=1, max_length=10_000, description="What happened, in the reporter's words."
    )
    happening_now: StrictBool = Field(default=False, description="It is happening now.")
    someone_in_danger: StrictBool = Field(default=False, description="Someone is in danger now.")
    contact: ContactDetails | None = Field(
        default=None, description="How to reply; leave out to report anonymously."
    )

    @property
    def possible_emergency(self) -> bool:
        return self.happening_now or self.someone_in_danger

    def fingerprint(self) -> str:
        """A digest of the whole validated submission, to recognise a repeat of it."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


class CrimeSubmission(SubmissionBase):
    report_type: Literal[ReportType.CRIME]
    answers: CrimeAnswers


class CollisionSubmission(SubmissionBase):
    report_type: Literal[ReportType.ROAD_TRAFFIC_COLLISION]
    answers: CollisionAnswers


class FraudSubmission(SubmissionBase):
    report_type: Literal[ReportType.FRAUD]
    answers: FraudAnswers


class VehicleSubmission(SubmissionBase):
    report_type: Literal[ReportType.LOST_OR_STOLEN_VEHICLE]
    answers: VehicleAnswers


class AsbSubmission(SubmissionBase):
    report_type: Literal[ReportType.ANTI_SOCIAL_BEHAVIOUR]
    answers: AsbAnswers


class MissingPersonSubmission(SubmissionBase):
    report_type: Literal[ReportType.MISSING_PERSON]
    answers: MissingPersonAnswers


class PropertySubmission(SubmissionBase):
    report_type: Literal[ReportType.LOST_OR_FOUND_PROPERTY]
    answers: PropertyAnswers


class FeedbackSubmission(SubmissionBase):
    report_type: Literal[ReportType.FEEDBACK]
    answers: FeedbackAnswers


AnySubmission = (
    CrimeSubmission
    | CollisionSubmission
    | FraudSubmission
    | VehicleSubmission
    | AsbSubmission
    | MissingPersonSubmission
    | PropertySubmission
    | FeedbackSubmission
)
ReportSubmission = Annotated[AnySubmission, Field(discriminator="report_type")]


def immediate_guidance(submission: SubmissionBase) -> list[str]:
    """What the reporter is told in the very answer to their submission, in the language
    they chose for replies (English when they report anonymously, having chosen none)."""
    contact = submission.contact
    language = "en" if contact is None else contact.language
    guidance = [urgent_guidance(language).answer] if submission.possible_emergency else []
    guidance.append(ANONYMOUS_NOTICE if contact is None else REPLY_PROMISES[language])
    return guidance
