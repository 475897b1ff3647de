"""Information added to a report: its giver is answered in the report's language, with the
call-999 words first when it is urgent now."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from services.intake.access import ChannelAccess
from services.intake.domain import EMERGENCY_GUIDANCE, ReportSubmission
from services.intake.handlers import Intake
from services.intake.updates import (
    UPDATE_RECEIVED,
    UPDATES_RECEIVED,
    ReportUpdate,
    update_guidance,
)
from shared.api_keys import ApiKeys
from shared.events import Channel, ReportType
from shared.guidance import URGENT_GUIDANCE
from tests import factories
from tests.fakes import FrozenClock
from tests.fakes.intake import FakeReports

SUBMISSION = TypeAdapter[Any](ReportSubmission)
#: The web channel may submit and add to every type: these tests are about the answer.
EVERY_TYPE = ChannelAccess(ApiKeys({}), {Channel.WEB: frozenset(ReportType)})


@pytest.mark.parametrize("language", ["en", "cy"])
def test_an_update_is_answered_in_the_report_s_language_with_999_first_if_urgent(
    language: str,
) -> None:
    urgent = ReportUpdate(information="He is back and shouting", someone_in_danger=True)
    calm = ReportUpdate(information="The bike was blue")

    assert update_guidance(urgent, language) == [
        URGENT_GUIDANCE[language].answer,
        UPDATES_RECEIVED[language],
    ]
    assert update_guidance(calm, language) == [UPDATES_RECEIVED[language]]


def test_the_english_answer_to_an_urgent_update_is_as_it_was() -> None:
    urgent = ReportUpdate(information="It is happening again", happening_now=True)

    assert update_guidance(urgent, "en") == [EMERGENCY_GUIDANCE, UPDATE_RECEIVED]


@pytest.mark.parametrize(
    ("language", "anonymous", "answered_in"),
    [
        ("cy", False, "cy"),
        ("en", False, "en"),
        ("cy", True, "en"),
    ],
)
async def test_adding_information_tells_the_language_of_the_report_s_replies(
    language: str, anonymous: bool, answered_in: str
) -> None:
    reports, clock = FakeReports(), FrozenClock()
    contact = None if anonymous else factories.submission_body()["contact"] | {"language": language}
    body = SUBMISSION.validate_python(factories.submission_body(contact=contact))
    intake = Intake(reports, reports, access=EVERY_TYPE, clock=clock, force_code="LP")
    accepted = await intake.submit(body, channel=Channel.WEB, key_id="web-1")

    added = await intake.add_information(
        accepted.submitted.report_id,
        ReportUpdate(information="The bike was blue"),
        channel=Channel.WEB,
        key_id="web-1",
        reporter_proven=True,
    )

    assert (added.update_number, added.repeated, added.language) == (1, False, answered_in)
