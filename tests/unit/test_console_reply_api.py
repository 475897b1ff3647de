"""The standard texts offered for a report and the preview of a message to its reporter, on
fakes of the console's ports and the real texts: who may ask (role, team), what the
preview shows (channel, sender, subject, the body as it will arrive, SMS parts), that it
writes nothing but its access-log entry, and bad input answered 422 naming the field."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.console.audit import AccessAction
from services.console.pages import STATIC, STATIC_FILES
from services.console.records import ReportRecord
from services.console.reply_api import reply_texts_router
from services.console.reply_texts import StandardReplyTexts
from services.console.roles import Role, Staff
from shared.http_limits import install_error_handlers
from tests.console_factories import report_record, staff
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.console import FakeAccessLog, FakeAuthenticator, GivenRecords

OPERATOR = staff(Role.OPERATOR, teams=("crime_bureau",), user="op")
OTHER_TEAM = staff(Role.OPERATOR, teams=("road_policing",), user="op2")
SUPERVISOR = staff(Role.SUPERVISOR, teams=(), user="sup")
VIEWER = staff(Role.VIEWER, teams=(), user="view")
STATUS_PAGE = "https://report.example.police.uk"
FORCE = "Leicestershire Police"


@dataclass
class Console:
    views: GivenRecords
    log: FakeAccessLog
    auth: FakeAuthenticator
    client: httpx.AsyncClient

    def as_(self, who: Staff | None) -> httpx.AsyncClient:
        self.auth.staff = who
        return self.client

    def given(self, **contact: Any) -> ReportRecord:
        """A crime report of the crime bureau; `contact` overrides its contact details
        (by default: email preferred and safe, contact at any time, so full wording)."""
        base = report_record()
        assert base.contact is not None
        details = {**base.contact, "safe_times": None, **contact}
        record = replace(base, contact=details)
        self.views.add(record)
        return record


@pytest.fixture
async def console() -> AsyncIterator[Console]:
    views, log, auth = GivenRecords(), FakeAccessLog(), FakeAuthenticator(OPERATOR)
    app = FastAPI()
    app.state.authenticator = auth
    install_error_handlers(app)
    texts = StandardReplyTexts(FORCE)
    app.include_router(reply_texts_router(views, texts, log, FrozenClock(NOW), STATUS_PAGE))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield Console(views, log, auth, client)


def _templates(record: ReportRecord, situation: str) -> str:
    return f"/v1/reports/{record.report_id}/templates?situation={situation}"


def _preview(record: ReportRecord) -> str:
    return f"/v1/reports/{record.report_id}/replies/preview"


async def test_the_texts_offered_follow_the_report_and_write_no_log(console: Console) -> None:
    record = console.given()

    answer = await console.as_(OPERATOR).get(_templates(record, "reply"))

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    templates = [choice["template"] for choice in body["choices"]]
    assert (body["neutral_required"], body["language"]) == (False, "en")
    assert {"update", "tried_to_call", "crime.update"} <= set(templates)
    assert not any(t.startswith(("neutral.", "fraud.")) for t in templates)
    assert console.log.recorded == []


async def test_where_contact_must_be_safe_only_neutral_texts_are_offered(console: Console) -> None:
    record = console.given(safe_times="weekdays 9 to 11")

    body = (await console.as_(OPERATOR).get(_templates(record, "outcome"))).json()

    assert body["neutral_required"] is True
    assert len(body["choices"]) == 5
    assert all(choice["neutral"] for choice in body["choices"])


async def test_another_teams_operator_is_refused_and_the_refusal_logged(console: Console) -> None:
    record = console.given()
    asked = {"template": "update", "language": "en"}

    templates = await console.as_(OTHER_TEAM).get(_templates(record, "reply"))
    preview = await console.as_(OTHER_TEAM).post(_preview(record), json=asked)
    viewer = await console.as_(VIEWER).post(_preview(record), json=asked)
    missing = await console.as_(OPERATOR).get(
        f"/v1/reports/{uuid.uuid4()}/templates?situation=reply"
    )

    assert (templates.status_code, preview.status_code, viewer.status_code) == (403, 403, 403)
    assert missing.status_code == 404
    assert [(e.action, e.detail) for e in console.log.recorded] == [
        (AccessAction.DENIED, "team"),
        (AccessAction.DENIED, "team"),
    ]


async def test_the_preview_shows_the_rendered_text_as_the_reporter_gets_it(
    console: Console,
) -> None:
    record = console.given()

    answer = await console.as_(OPERATOR).post(
        _preview(record), json={"template": "crime.update", "language": "cy"}
    )

    assert answer.status_code == 200, answer.text
    shown = answer.json()
    assert (shown["channel"], shown["sender"], shown["neutral"]) == ("email", "force", False)
    assert shown["subject"] == f"Eich adroddiad {record.reference}: diweddariad"
    assert shown["body"].startswith("Annwyl Alex,\n\nMae ymchwilydd")
    assert shown["body"].endswith(f"{FORCE}\nPeidiwch ag ateb y neges hon.")
    assert (shown["segments"], shown["problem"], shown["warnings"]) == (None, None, [])
    [entry] = console.log.recorded
    assert (entry.action, entry.report_id, entry.shown) == (
        AccessAction.VIEW_REPORT,
        record.report_id,
        ["reply_preview"],
    )
    assert "Alex" not in repr(entry)
    assert "ymchwilydd" not in repr(entry)


async def test_an_edited_text_is_shown_exactly_with_the_status_link_in_place(
    console: Console,
) -> None:
    record = console.given()
    edited = "Dear Alex,\n\nWhat colour was the car?  Answer here:\n{status_link}\n\nThanks"

    shown = (
        await console.as_(SUPERVISOR).post(
            _preview(record),
            json={
                "template": "more_information",
                "language": "en",
                "subject": "A question",
                "body": edited,
            },
        )
    ).json()

    link = f"{STATUS_PAGE}/status/{record.report_id}?token=[token]"
    assert shown["subject"] == "A question"
    assert shown["body"] == edited.replace("{status_link}", link)
    assert shown["situation"] == "more_information"
    assert shown["warnings"] == []


async def test_a_request_for_information_without_its_link_is_warned_of(console: Console) -> None:
    record = console.given()
    asked = {"template": "more_information", "language": "en", "body": "What colour?"}

    shown = (await console.as_(OPERATOR).post(_preview(record), json=asked)).json()

    assert shown["body"] == "What colour?"
    assert any("{status_link}" in warning for warning in shown["warnings"])


async def test_a_text_message_has_no_subject_and_its_parts_counted(console: Console) -> None:
    record = console.given(preferred_channel="sms", sms_safe=True)

    shown = (
        await console.as_(OPERATOR).post(
            _preview(record), json={"template": "tried_to_call", "language": "en"}
        )
    ).json()
    long = (
        await console.as_(OPERATOR).post(
            _preview(record), json={"template": "update", "language": "en", "body": "x" * 400}
        )
    ).json()

    assert (shown["channel"], shown["subject"], shown["segments"]) == ("sms", None, 2)
    assert shown["body"].startswith(f"{FORCE}: we tried to call you")
    assert long["segments"] == 3
    assert any("3 text messages" in warning for warning in long["warnings"])


async def test_with_no_safe_channel_the_preview_says_it_cannot_be_sent(console: Console) -> None:
    record = console.given(email_safe=False, sms_safe=False)

    shown = (
        await console.as_(OPERATOR).post(
            _preview(record), json={"template": "update", "language": "en"}
        )
    ).json()

    assert shown["channel"] is None
    assert "cannot be sent" in shown["problem"]


async def test_a_neutral_preview_comes_from_the_neutral_sender(console: Console) -> None:
    record = console.given(safe_times="after 6pm")

    shown = (
        await console.as_(OPERATOR).post(
            _preview(record), json={"template": "neutral.update", "language": "en"}
        )
    ).json()

    assert (shown["sender"], shown["neutral"]) == ("neutral", True)
    assert "Police" not in shown["body"]
    assert "Alex" not in shown["body"]


@pytest.mark.parametrize(
    ("asked", "loc"),
    [
        ({"template": "crime.update", "language": "en"}, ["body", "template"]),  # full, not safe
        ({"template": "no.such.text", "language": "en"}, ["body", "template"]),
        ({"template": "neutral.update", "language": "fr"}, ["body", "language"]),
        ({"template": "neutral.outcome.crime_recorded", "language": "en"}, None),
        ({"template": "neutral.update", "language": "en", "colour": "red"}, ["body", "colour"]),
    ],
)
async def test_bad_input_answers_422_naming_the_field(
    console: Console, asked: dict[str, Any], loc: list[str] | None
) -> None:
    record = console.given(safe_times="after 6pm")

    answer = await console.as_(OPERATOR).post(_preview(record), json=asked)

    assert answer.status_code == 422, answer.text
    expected = loc or ["body", "details", "crime_reference"]
    assert [problem["loc"] for problem in answer.json()["detail"]] == [expected]
    assert console.log.recorded == []


async def test_an_outcome_preview_fills_in_its_details(console: Console) -> None:
    record = console.given()
    asked = {
        "template": "outcome.no_further_action",
        "language": "en",
        "details": {"reason_code": "suspect_not_identified"},
    }

    shown = (await console.as_(OPERATOR).post(_preview(record), json=asked)).json()
    situation = await console.as_(OPERATOR).get(_templates(record, "chat"))

    assert "We have not been able to identify who was responsible." in shown["body"]
    assert situation.status_code == 422
    assert situation.json()["detail"][0]["loc"] == ["query", "situation"]


def test_the_report_page_has_a_form_for_every_action_named_for_assistive_technology() -> None:
    page = (STATIC / "report.html").read_text(encoding="utf-8")
    actions = re.findall(r'<form data-action="([a-z_]+)" aria-label="([^"]+)" hidden>', page)
    scripts = re.findall(r'<script src="/static/([a-z-]+\.js)"', page)

    assert [name for name, _ in actions] == [
        *("claim", "assign", "record_contact", "send_reply", "request_information"),
        *("regrade", "close", "reopen", "add_note"),
    ]
    assert all(script in STATIC_FILES for script in scripts)
    assert page.count('aria-label="Reply preview"') == 1


def test_every_command_of_the_page_carries_its_csrf_token_and_idempotency_key() -> None:
    console_js = (STATIC / "console.js").read_text(encoding="utf-8")
    actions_js = (STATIC / "actions.js").read_text(encoding="utf-8")

    assert '"X-CSRF-Token": csrf' in console_js
    assert 'headers["Idempotency-Key"] = idempotencyKey' in console_js
    assert "f.dataset.key = f.dataset.key || crypto.randomUUID()" in actions_js
    assert "postJson(base + path, body, f.dataset.key)" in actions_js
