"""Intake's rules: what a valid submission is and what the reporter is told at once."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, EmailStr, Field, JsonValue, model_validator

from shared.events import ContactMethod, ReportType

EMERGENCY_GUIDANCE = (
    "If a crime is happening now or someone is in immediate danger, call 999 now. "
    "If you are deaf or speech-impaired, text 999 if you have registered with emergencySMS."
)
ANONYMOUS_NOTICE = "You reported anonymously, so we cannot reply to you about this report."
REPLY_PROMISE = (
    "We will send you a reference number and the next steps within 24 hours, "
    "by your chosen contact method."
)


class ContactDetails(BaseModel):
    """How the reporter wants to be replied to."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200, description="Reporter's name.")
    email: EmailStr | None = Field(default=None, description="Email address.")
    phone: str | None = Field(
        default=None, pattern=r"^\+?[0-9 ()-]{7,20}$", description="Phone number."
    )
    preferred_channel: ContactMethod = Field(description="Channel to reply through.")
    language: Literal["en", "cy"] = Field(default="en", description="Reply language.")

    @model_validator(mode="after")
    def _preferred_channel_has_an_address(self) -> Self:
        if self.preferred_channel is ContactMethod.EMAIL and self.email is None:
            raise ValueError("preferred_channel is email but no email was given")
        if self.preferred_channel is ContactMethod.SMS and self.phone is None:
            raise ValueError("preferred_channel is sms but no phone was given")
        return self


class ReportSubmission(BaseModel):
    """A report as the public web form or a call handler sends it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    report_type: ReportType = Field(description="Which kind of report this is.")
    description: str = Field(
        min_length=1, max_length=10_000, description="What happened, in the reporter's words."
    )
    happening_now: bool = Field(default=False, description="It is happening now.")
    someone_in_danger: bool = Field(default=False, description="Someone is in danger now.")
    answers: dict[str, JsonValue] = Field(
        default_factory=dict, description="Answers to the report type's own questions."
    )
    contact: ContactDetails | None = Field(
        default=None, description="How to reply; leave out to report anonymously."
    )

    @property
    def possible_emergency(self) -> bool:
        return self.happening_now or self.someone_in_danger


def immediate_guidance(submission: ReportSubmission) -> list[str]:
    """What the reporter is told in the very answer to their submission."""
    guidance = [EMERGENCY_GUIDANCE] if submission.possible_emergency else []
    guidance.append(ANONYMOUS_NOTICE if submission.contact is None else REPLY_PROMISE)
    return guidance
