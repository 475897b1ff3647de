"""Information added to a report after it was made: stored, then re-assessed downstream.

A call handler (or the web form, for the reporter) adds what they have learnt; intake
stores it with a numbered ReportUpdated in the report's document, in one write, and the
classifier re-grades the report from everything it now knows.

Only those `access.update_role` names may add to a report, and only to types their
channel handles; every update records who gave it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from services.intake import SERVICE
from services.intake.access import update_role
from services.intake.ports import StoredReport
from shared.events import Channel, ReportSubmitted, ReportUpdated, UpdateGiver
from shared.guidance import urgent_guidance
from shared.text import MultiLineText

UPDATE_RECEIVED = "Thank you: the new information has been added to the report."
UPDATES_RECEIVED = {
    "en": UPDATE_RECEIVED,
    "cy": "Diolch: mae'r wybodaeth newydd wedi'i hychwanegu at yr adroddiad.",
}


class ReportUpdate(BaseModel):
    """What is added to a report."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    information: MultiLineText = Field(min_length=1, max_length=10_000, description="What is new.")
    happening_now: StrictBool = Field(default=False, description="It is happening now.")
    someone_in_danger: StrictBool = Field(default=False, description="Someone is in danger now.")

    def fingerprint(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


def update_events(
    report: ReportSubmitted, update: ReportUpdate, giver: UpdateGiver, now: datetime
) -> Callable[[int], ReportUpdated]:
    """The ReportUpdated of `update` for whichever number it gets (taken when stored)."""

    def event_for(number: int) -> ReportUpdated:
        return ReportUpdated.caused_by(
            report,
            producer=SERVICE,
            occurred_at=now,
            discriminator=str(number),
            update_number=number,
            information=update.information,
            happening_now=update.happening_now,
            someone_in_danger=update.someone_in_danger,
            given_by=giver,
        )

    return event_for


def giver_of(
    stored: StoredReport, channel: Channel, key_id: str, reporter_proven: bool
) -> UpdateGiver | None:
    """Who the caller is to this report, or None if they may not add to it."""
    role = update_role(
        caller_channel=channel,
        caller_key_id=key_id,
        report_channel=stored.submitted.channel,
        report_key_id=stored.key_id,
        reporter_proven=reporter_proven,
    )
    return None if role is None else UpdateGiver(role=role, channel=channel, key_id=key_id)


def update_guidance(update: ReportUpdate, language: str) -> list[str]:
    """What the giver is told at once, in the language of the report's replies (English
    for an anonymous report): call 999 first if it is an emergency now."""
    urgent = update.happening_now or update.someone_in_danger
    received = UPDATES_RECEIVED.get(language, UPDATE_RECEIVED)
    return [urgent_guidance(language).answer, received] if urgent else [received]
