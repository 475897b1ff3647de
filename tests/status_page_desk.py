"""The reporter's status page on fakes, for its unit tests: intake with its status page
and JSON status served in memory, and the requests a reporter's browser makes."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi import FastAPI

from services.intake.access import ChannelAccess
from services.intake.admission import Admission
from services.intake.api import reports_router
from services.intake.edge import admitted_routes
from services.intake.handlers import Intake
from services.intake.status_api import StatusPages, status_router
from services.intake.status_page import StatusPage
from services.intake.status_words import ENGLISH, WELSH
from shared.api_keys import ApiKeys
from shared.events import (
    Channel,
    ReportSubmitted,
    ReportType,
)
from shared.rate_limits import RateLimiter
from shared.status_tokens import StatusTokens
from tests import factories
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


async def page_of(http: httpx.AsyncClient, submitted: ReportSubmitted, **params: str) -> str:
    token = TOKENS.token_for(submitted.report_id)
    answer = await http.get(f"/status/{submitted.report_id}", params={"token": token} | params)
    assert answer.status_code == 200
    return answer.text


async def json_of(http: httpx.AsyncClient, submitted: ReportSubmitted) -> dict[str, Any]:
    token = TOKENS.token_for(submitted.report_id)
    answer = await http.get(f"/v1/reports/{submitted.report_id}", params={"token": token})
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def form_id_of(page: str) -> str:
    found = re.search(r'name="form_id" value="([0-9a-f]{32})"', page)
    assert found is not None, "the page has no answer form"
    return found.group(1)


async def post_answer(
    http: httpx.AsyncClient, submitted: ReportSubmitted, answer: str, form_id: str
) -> httpx.Response:
    token = TOKENS.token_for(submitted.report_id)
    return await http.post(
        f"/status/{submitted.report_id}/answer",
        params={"token": token},
        content=str(httpx.QueryParams({"answer": answer, "form_id": form_id})),
        headers=FORM,
    )


def escaped(words_sentence: str) -> str:
    """A sentence as the escaped page prints it."""
    return words_sentence.replace("'", "&#39;")
