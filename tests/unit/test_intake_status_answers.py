"""The reporter's answers on their status page, and its guards: an answer added once under a
double submit, the same 404 for anyone without the token (no body read), the strict
headers, everything escaped, bad answers refused on the page."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from services.intake.handlers import STATUS_PAGE_KEY_ID
from services.intake.status_page import ANSWER_LIMIT
from services.intake.status_words import ENGLISH
from shared.events import Channel, Outcome, ReportUpdated, UpdateRole
from tests import staff_factories
from tests.status_page_desk import (
    TOKENS,
    Desk,
    escaped,
    form_id_of,
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


async def test_a_double_submit_adds_the_answer_once_as_the_reporter_s_update(
    desk: Desk, http: httpx.AsyncClient
) -> None:
    submitted = await desk.report()
    form_id = form_id_of(await page_of(http, submitted))

    first = await post_answer(http, submitted, "Towards the station.\r\nHe ran.", form_id)
    second = await post_answer(http, submitted, "Towards the station.\r\nHe ran.", form_id)
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
    assert escaped(ENGLISH.thanks) in thanked.text
    assert form_id_of(thanked.text) != form_id  # a fresh form adds anew


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
    redirect = await post_answer(http, submitted, "More", form_id_of(page_answer.text))

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
    asked = await page_of(http, submitted)
    await desk.intake.learn_staff_action(
        staff_factories.report_closed(
            submitted, 2, outcome=Outcome.REFERRED, crime_reference=None, agency="<b>Agency</b>"
        )
    )

    closed = await page_of(http, submitted)

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

    refused = await post_answer(http, submitted, answer, form_id_of(await page_of(http, submitted)))

    assert refused.status_code == 422
    assert escaped(problem) in refused.text
    assert desk.reports.updates == {}


async def test_a_closed_report_takes_no_answer_and_a_non_form_body_is_refused(
    desk: Desk, http: httpx.AsyncClient
) -> None:
    submitted = await desk.report()
    form_id = form_id_of(await page_of(http, submitted))
    token = TOKENS.token_for(submitted.report_id)
    as_json = await http.post(
        f"/status/{submitted.report_id}/answer", params={"token": token}, json={"answer": "x"}
    )
    await desk.intake.learn_staff_action(staff_factories.report_closed(submitted, 1))

    closed = await post_answer(http, submitted, "More", form_id)

    assert as_json.status_code == 415
    assert closed.status_code == 409
    assert escaped(ENGLISH.closed_cannot_add) in closed.text
    assert desk.reports.updates == {}
