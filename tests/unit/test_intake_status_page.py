"""The reporter's status page: its facts per state in English and Welsh, neutral wording
where contact must be safe, 404 for anyone without the token, the answer form adding once
under a double submit, and everything escaped."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.intake.access import ChannelAccess
from services.intake.admission import Admission
from services.intake.api import reports_router
from services.intake.edge import admitted_routes
from services.intake.handlers import STATUS_PAGE_KEY_ID, Intake
from services.intake.status_api import StatusPages, status_router
from services.intake.status_page import ANSWER_LIMIT, StatusPage
from services.intake.status_words import ENGLISH, WELSH, StatusWords, words_in
from shared.api_keys import ApiKeys
from shared.events import (
    Channel,
    NoFurtherActionReason,
    Outcome,
    ReportSubmitted,
    ReportType,
    ReportUpdated,
    UpdateRole,
)
from shared.rate_limits import RateLimiter
from shared.status_tokens import StatusTokens
from tests import factories, staff_factories
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.intake import FakeReports

TOKENS = StatusTokens(b"unit-test-secret")
EVERY_TYPE = ChannelAccess(ApiKeys({}), {Channel.WEB: frozenset(ReportType)})
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
LANGUAGES = [("en", ENGLISH), ("cy", WELSH)]


class Desk:
    """Intake on fakes, its status page and JSON status served in memory."""

    def __init__(self) -> None:
        self.reports = FakeReports()
        self.clock = FrozenClock(NOW)
        self.intake = Intake(
            self.reports, self.reports, access=EVERY_TYPE, clock=self.clock, force_code="LP"
        )
        limit = RateLimiter(per_second=100.0, burst=1000)
        route_class = admitted_routes(Admission(ApiKeys({}), limit, limit, limit))
        self.app = FastAPI()
        pages = StatusPages(self.intake, TOKENS, StatusPage.create("Europe/London"))
        self.app.include_router(status_router(pages, route_class))
        self.app.include_router(
            reports_router(intake=self.intake, route_class=route_class, tokens=TOKENS)
        )

    async def report(self, **contact: Any) -> ReportSubmitted:
        anonymous = contact.pop("anonymous", False)
        submitted = factories.report_submitted(
            contact=None if anonymous else factories.contact(**contact)
        )
        await self.reports.add(submitted, "fingerprint")
        return submitted


@pytest.fixture
def desk() -> Desk:
    return Desk()


@pytest.fixture
async def http(desk: Desk) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=desk.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        yield client


async def _page(http: httpx.AsyncClient, submitted: ReportSubmitted, **params: str) -> str:
    token = TOKENS.token_for(submitted.report_id)
    answer = await http.get(f"/status/{submitted.report_id}", params={"token": token} | params)
    assert answer.status_code == 200
    return answer.text


async def _json(http: httpx.AsyncClient, submitted: ReportSubmitted) -> dict[str, Any]:
    token = TOKENS.token_for(submitted.report_id)
    answer = await http.get(f"/v1/reports/{submitted.report_id}", params={"token": token})
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def _form_id(page: str) -> str:
    found = re.search(r'name="form_id" value="([0-9a-f]{32})"', page)
    assert found is not None, "the page has no answer form"
    return found.group(1)


async def _post(
    http: httpx.AsyncClient, submitted: ReportSubmitted, answer: str, form_id: str
) -> httpx.Response:
    token = TOKENS.token_for(submitted.report_id)
    return await http.post(
        f"/status/{submitted.report_id}/answer",
        params={"token": token},
        content=str(httpx.QueryParams({"answer": answer, "form_id": form_id})),
        headers=FORM,
    )


def _text(words_sentence: str) -> str:
    """A sentence as the escaped page prints it."""
    return words_sentence.replace("'", "&#39;")


@pytest.mark.parametrize(("language", "words"), LANGUAGES)
async def test_an_open_report_shows_its_reference_when_it_came_and_the_reply(
    desk: Desk, http: httpx.AsyncClient, language: str, words: StatusWords
) -> None:
    submitted = await desk.report(language=language)
    before = await _page(http, submitted)
    await desk.reports.record_reference(submitted.report_id, "LP-20261130-000042-3")
    await desk.reports.record_reply(submitted.report_id, NOW + timedelta(minutes=5))

    after = await _page(http, submitted)

    month = words.months[10]  # November: London is on UTC, so the times are as stored
    assert f'<html lang="{language}">' in after
    assert _text(words.no_reference_yet) in before
    assert _text(words.reply_not_yet) in before
    assert "LP-20261130-000042-3" in after
    assert f"30 {month} 2026, 09:30" in after
    assert _text(words.reply_reached.format(date=f"30 {month} 2026, 09:35")) in after
    assert _text(words.open) in after
    assert _text(words.anything_to_add) in after


async def test_an_anonymous_report_says_no_reply_follows(
    desk: Desk, http: httpx.AsyncClient
) -> None:
    submitted = await desk.report(anonymous=True)

    page = await _page(http, submitted)

    assert _text(ENGLISH.no_reply_anonymous) in page


@pytest.mark.parametrize(("language", "words"), LANGUAGES)
async def test_a_question_waits_with_its_date_until_answered_then_the_report_is_open(
    desk: Desk, http: httpx.AsyncClient, language: str, words: StatusWords
) -> None:
    submitted = await desk.report(language=language)
    asked = staff_factories.information_requested(submitted, 1, question="Which way did he go?")
    await desk.intake.learn_staff_action(asked)

    waiting, waiting_json = await _page(http, submitted), await _json(http, submitted)
    desk.clock.advance(timedelta(hours=1))
    posted = await _post(http, submitted, "Towards the station.", _form_id(waiting))
    answered, answered_json = await _page(http, submitted), await _json(http, submitted)

    assert "Which way did he go?" in waiting
    assert _text(words.answer_by.format(date=f"5 {words.months[11]} 2026")) in waiting
    assert _text(words.your_answer) in waiting
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
    view = await _json(http, submitted)

    assert (view["state"], view["question"]) == ("open", None)


async def test_a_double_submit_adds_the_answer_once_as_the_reporter_s_update(
    desk: Desk, http: httpx.AsyncClient
) -> None:
    submitted = await desk.report()
    form_id = _form_id(await _page(http, submitted))

    first = await _post(http, submitted, "Towards the station.\r\nHe ran.", form_id)
    second = await _post(http, submitted, "Towards the station.\r\nHe ran.", form_id)
    thanked = await http.get(first.headers["location"])

    updates = [e for e in desk.reports.published if isinstance(e, ReportUpdated)]
    assert (first.status_code, second.status_code) == (303, 303)
    assert first.headers["location"] == (
        f"/status/{submitted.report_id}?token={TOKENS.token_for(submitted.report_id)}&sent=1"
    )
    assert len(updates) == 1
    assert updates[0].information == "Towards the station.\nHe ran."
    assert updates[0].given_by is not None
    assert updates[0].given_by.role is UpdateRole.REPORTER
    assert (updates[0].given_by.channel, updates[0].given_by.key_id) == (
        Channel.WEB,
        STATUS_PAGE_KEY_ID,
    )
    assert _text(ENGLISH.thanks) in thanked.text
    assert _form_id(thanked.text) != form_id  # a fresh form adds anew


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

    page, view = await _page(http, submitted), await _json(http, submitted)

    assert _text(english if language == "en" else welsh) in page
    assert _text(words_in(language).closed) in page
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

    page, view = await _page(http, submitted), await _json(http, submitted)

    assert _text(ENGLISH.neutral_closed) in page
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

    page, view = await _page(http, submitted), await _json(http, submitted)

    assert _text(WELSH.reopened) in page
    assert _text(WELSH.anything_to_add) in page
    assert (view["state"], view["outcome"]) == ("open", None)


async def test_anyone_without_the_token_gets_the_same_404_and_no_body_is_read(
    desk: Desk, http: httpx.AsyncClient
) -> None:
    submitted = await desk.report()
    path = f"/status/{submitted.report_id}"

    answers = [
        await http.get(path, params={"token": "guess"}),
        await http.get(path),
        await http.get(f"/status/{uuid.uuid4()}", params={"token": "guess"}),
        await http.get("/status/not-a-uuid", params={"token": "guess"}),
    ]
    posted = await http.post(f"{path}/answer", params={"token": "guess"}, content=b"\xff" * 10)

    assert {a.status_code for a in [*answers, posted]} == {404}
    assert len({a.text for a in [*answers, posted]}) == 1
    assert str(submitted.report_id) not in answers[0].text
    assert "Alex" not in answers[0].text
    assert desk.reports.updates == {}


async def test_every_answer_of_the_page_carries_the_strict_headers(
    desk: Desk, http: httpx.AsyncClient
) -> None:
    submitted = await desk.report()
    page_answer = await http.get(
        f"/status/{submitted.report_id}", params={"token": TOKENS.token_for(submitted.report_id)}
    )
    not_found = await http.get(f"/status/{submitted.report_id}")
    redirect = await _post(http, submitted, "More", _form_id(page_answer.text))

    for answer in (page_answer, not_found, redirect):
        csp = answer.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp
        assert "script-src" not in csp
        assert "frame-ancestors 'none'" in csp
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["Cache-Control"] == "no-store"
    assert "<script" not in page_answer.text


async def test_staff_text_is_escaped_never_markup(desk: Desk, http: httpx.AsyncClient) -> None:
    submitted = await desk.report()
    question = '<script>alert("x")</script>\n<img src=x onerror=alert(1)>'
    await desk.intake.learn_staff_action(
        staff_factories.information_requested(submitted, 1, question=question)
    )
    asked = await _page(http, submitted)
    await desk.intake.learn_staff_action(
        staff_factories.report_closed(
            submitted, 2, outcome=Outcome.REFERRED, crime_reference=None, agency="<b>Agency</b>"
        )
    )

    closed = await _page(http, submitted)

    assert "<script>" not in asked
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;<br>&lt;img" in asked
    assert "<b>" not in closed
    assert "&lt;b&gt;Agency&lt;/b&gt;" in closed


@pytest.mark.parametrize(
    ("answer", "problem"),
    [("   ", ENGLISH.empty_answer), ("x" * (ANSWER_LIMIT + 1), ENGLISH.long_answer)],
)
async def test_an_empty_or_overlong_answer_is_refused_on_the_page_and_adds_nothing(
    desk: Desk, http: httpx.AsyncClient, answer: str, problem: str
) -> None:
    submitted = await desk.report()

    refused = await _post(http, submitted, answer, _form_id(await _page(http, submitted)))

    assert refused.status_code == 422
    assert _text(problem) in refused.text
    assert desk.reports.updates == {}


async def test_a_closed_report_takes_no_answer_and_a_non_form_body_is_refused(
    desk: Desk, http: httpx.AsyncClient
) -> None:
    submitted = await desk.report()
    form_id = _form_id(await _page(http, submitted))
    token = TOKENS.token_for(submitted.report_id)
    as_json = await http.post(
        f"/status/{submitted.report_id}/answer", params={"token": token}, json={"answer": "x"}
    )
    await desk.intake.learn_staff_action(staff_factories.report_closed(submitted, 1))

    closed = await _post(http, submitted, "More", form_id)

    assert as_json.status_code == 415
    assert closed.status_code == 409
    assert _text(ENGLISH.closed_cannot_add) in closed.text
    assert desk.reports.updates == {}
