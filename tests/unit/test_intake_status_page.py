"""What the reporter's status page shows: its facts per state in English and Welsh, the
question until answered, the outcome in plain words, neutral wording where contact must be
safe, and a reopened report open again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from services.intake.status_words import ENGLISH, WELSH, StatusWords, words_in
from shared.events import NoFurtherActionReason, Outcome
from tests import staff_factories
from tests.factories import NOW
from tests.status_page_desk import (
    LANGUAGES,
    Desk,
    escaped,
    form_id_of,
    json_of,
    page_of,
    post_answer,
)


@pytest.fixture
def desk() -> Desk:
    return Desk()


@pytest.fixture
async def http(desk: Desk) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=desk.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        yield client


@pytest.mark.parametrize(("language", "words"), LANGUAGES)
async def test_an_open_report_shows_its_reference_when_it_came_and_the_reply(
    desk: Desk, http: httpx.AsyncClient, language: str, words: StatusWords
) -> None:
    submitted = await desk.report(language=language)
    before = await page_of(http, submitted)
    await desk.reports.record_reference(submitted.report_id, "LP-20261130-000042-3")
    await desk.reports.record_reply(submitted.report_id, NOW + timedelta(minutes=5))

    after = await page_of(http, submitted)

    month = words.months[10]  # November: London is on UTC, so the times are as stored
    assert f'<html lang="{language}">' in after
    assert escaped(words.no_reference_yet) in before
    assert escaped(words.reply_not_yet) in before
    assert "LP-20261130-000042-3" in after
    assert f"30 {month} 2026, 09:30" in after
    assert escaped(words.reply_reached.format(date=f"30 {month} 2026, 09:35")) in after
    assert escaped(words.open) in after
    assert escaped(words.anything_to_add) in after


async def test_an_anonymous_report_says_no_reply_follows(
    desk: Desk, http: httpx.AsyncClient
) -> None:
    submitted = await desk.report(anonymous=True)

    page = await page_of(http, submitted)

    assert escaped(ENGLISH.no_reply_anonymous) in page


@pytest.mark.parametrize(("language", "words"), LANGUAGES)
async def test_a_question_waits_with_its_date_until_answered_then_the_report_is_open(
    desk: Desk, http: httpx.AsyncClient, language: str, words: StatusWords
) -> None:
    submitted = await desk.report(language=language)
    asked = staff_factories.information_requested(submitted, 1, question="Which way did he go?")
    await desk.intake.learn_staff_action(asked)

    waiting, waiting_json = await page_of(http, submitted), await json_of(http, submitted)
    desk.clock.advance(timedelta(hours=1))
    posted = await post_answer(http, submitted, "Towards the station.", form_id_of(waiting))
    answered, answered_json = await page_of(http, submitted), await json_of(http, submitted)

    assert "Which way did he go?" in waiting
    assert escaped(words.answer_by.format(date=f"5 {words.months[11]} 2026")) in waiting
    assert escaped(words.your_answer) in waiting
    assert (waiting_json["state"], waiting_json["question"]) == (
        "awaiting_answer",
        "Which way did he go?",
    )
    assert waiting_json["answer_by"] == "2026-12-05T09:30:00Z"
    assert posted.status_code == 303
    assert "Which way did he go?" not in answered
    assert (answered_json["state"], answered_json["question"]) == ("open", None)


async def test_a_question_past_its_date_is_no_longer_awaited(
    desk: Desk, http: httpx.AsyncClient
) -> None:
    submitted = await desk.report()
    await desk.intake.learn_staff_action(staff_factories.information_requested(submitted, 1))

    desk.clock.advance(timedelta(days=5, seconds=1))
    view = await json_of(http, submitted)

    assert (view["state"], view["question"]) == ("open", None)


@pytest.mark.parametrize(
    ("closure", "english", "welsh"),
    [
        (
            {"outcome": Outcome.CRIME_RECORDED, "crime_reference": "CR/12345/26"},
            "We have recorded a crime. Its crime reference is CR/12345/26.",
            "Rydym wedi cofnodi trosedd. Ei chyfeirnod trosedd yw CR/12345/26.",
        ),
        (
            {
                "outcome": Outcome.NO_FURTHER_ACTION,
                "crime_reference": None,
                "reason_code": NoFurtherActionReason.CIVIL_MATTER,
            },
            "We will not be taking further action: it is a civil matter, not one for the police.",
            "Ni fyddwn yn cymryd camau pellach: mater sifil ydyw, nid mater i'r heddlu.",
        ),
        (
            {"outcome": Outcome.REFERRED, "crime_reference": None, "agency": "Report Fraud"},
            "We have passed your report to Report Fraud, who will deal with it.",
            "Rydym wedi trosglwyddo eich adroddiad i Report Fraud, a fydd yn delio ag ef.",
        ),
        (
            {"outcome": Outcome.INFORMATION_ONLY, "crime_reference": None},
            "We have recorded what you told us as information. Thank you for telling us.",
            "Rydym wedi cofnodi'r hyn a ddywedoch wrthym fel gwybodaeth. "
            "Diolch am roi gwybod i ni.",
        ),
        (
            {
                "outcome": Outcome.DUPLICATE,
                "crime_reference": None,
                "duplicate_of": "LP-20261129-000007-1",
            },
            "We already have a report of this, reference LP-20261129-000007-1: "
            "we are dealing with it under that reference.",
            "Mae gennym adroddiad am hyn eisoes, cyfeirnod LP-20261129-000007-1: "
            "rydym yn delio ag ef o dan y cyfeirnod hwnnw.",
        ),
    ],
)
@pytest.mark.parametrize("language", ["en", "cy"])
async def test_a_closed_report_shows_its_outcome_in_plain_words_and_no_form(
    desk: Desk,
    http: httpx.AsyncClient,
    closure: dict[str, Any],
    english: str,
    welsh: str,
    language: str,
) -> None:
    submitted = await desk.report(language=language)
    await desk.intake.learn_staff_action(staff_factories.report_closed(submitted, 1, **closure))

    page, view = await page_of(http, submitted), await json_of(http, submitted)

    assert escaped(english if language == "en" else welsh) in page
    assert escaped(words_in(language).closed) in page
    assert 'name="form_id"' not in page
    assert (view["state"], view["outcome"]) == ("closed", closure["outcome"].value)
    for fact in ("crime_reference", "agency", "duplicate_of"):
        assert view[fact] == closure.get(fact)


@pytest.mark.parametrize(
    ("contact", "reply", "asked_neutrally"),
    [
        ({}, {"neutral": True}, False),  # the outcome message was neutral
        ({"safe_times": "weekdays 9-5"}, {"neutral": False}, False),  # the reporter limited it
        ({}, None, False),  # no safe way to tell them at all
        ({}, {"neutral": False}, True),  # an earlier question was asked neutrally
    ],
)
async def test_where_contact_must_be_safe_a_closure_says_only_that_it_is_closed(
    desk: Desk,
    http: httpx.AsyncClient,
    contact: dict[str, Any],
    reply: dict[str, Any] | None,
    asked_neutrally: bool,
) -> None:
    submitted = await desk.report(**contact)
    neutral_message = staff_factories.message(neutral=asked_neutrally, body="{status_link}")
    asked = staff_factories.information_requested(submitted, 1, message=neutral_message)
    message = None if reply is None else staff_factories.message(**reply)
    closed = staff_factories.report_closed(submitted, 2, reply=message)
    await desk.intake.learn_staff_action(closed)
    await desk.intake.learn_staff_action(asked)  # late, and older: the closure stands

    page, view = await page_of(http, submitted), await json_of(http, submitted)

    assert escaped(ENGLISH.neutral_closed) in page
    assert "CR/12345/26" not in page
    assert (view["state"], view["neutral_wording"]) == ("closed", True)
    assert (view["outcome"], view["crime_reference"]) == (None, None)


async def test_a_reopened_report_is_open_again_whatever_arrives_late(
    desk: Desk, http: httpx.AsyncClient
) -> None:
    submitted = await desk.report(language="cy")
    await desk.intake.learn_staff_action(staff_factories.report_closed(submitted, 2))
    await desk.intake.learn_staff_action(staff_factories.report_reopened(submitted, 3))
    await desk.intake.learn_staff_action(staff_factories.report_closed(submitted, 2))  # again
    await desk.intake.learn_staff_action(staff_factories.information_requested(submitted, 1))

    page, view = await page_of(http, submitted), await json_of(http, submitted)

    assert escaped(WELSH.reopened) in page
    assert escaped(WELSH.anything_to_add) in page
    assert (view["state"], view["outcome"]) == ("open", None)
