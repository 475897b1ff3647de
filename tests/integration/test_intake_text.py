"""What people type, through the real HTTP app: control and bidi characters refused by
field (finding 5), email domains kept in ASCII form and addresses our relay cannot serve
refused at once (finding 10)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared import topics
from shared.events import ReportSubmitted
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.integration.conftest import StartProbe, running
from tests.integration.test_intake_service import WEB, intake_settings

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(
    kafka_settings: KafkaSettings, mongo_settings: MongoSettings, database_name: str
) -> IntakeSettings:
    return intake_settings(kafka_settings, mongo_settings, database_name)


@pytest.fixture
async def client(settings: IntakeSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
            yield http


def _with_contact(**contact: Any) -> dict[str, Any]:
    fields = {"name": "Alex Example", "email": "alex@example.org", "preferred_channel": "email"}
    return factories.submission_body(contact=fields | contact)


def _locations(answer: httpx.Response) -> list[tuple[str, ...]]:
    return [tuple(problem["loc"]) for problem in answer.json()["detail"]]


@pytest.mark.parametrize(
    "name",
    [
        "Alex\r\nBcc: victim@example.org",
        "Alex\r\n\r\nYour account is suspended: visit http://evil.example",
        "Alex\u202egnp.exe",
        "Alex\x1b[2J",
        "Alex\x00",
    ],
)
async def test_finding_5_a_name_with_control_or_bidi_characters_gets_422_naming_it(
    client: httpx.AsyncClient, name: str
) -> None:
    answer = await client.post("/v1/reports", json=_with_contact(name=name), headers=WEB)

    assert answer.status_code == 422
    assert _locations(answer) == [("body", "crime", "contact", "name")]
    assert "Alex" not in answer.text


@pytest.mark.parametrize(
    ("body", "location"),
    [
        (factories.submission_body(description="Stolen\x07bike"), ("description",)),
        (
            factories.submission_body(answers={"crime_kind": "theft", "location": "A\nB"}),
            ("answers", "location"),
        ),
        (
            _with_contact(safe_contact={"safe_times": "After 6\u2066pm"}),
            ("contact", "safe_contact", "safe_times"),
        ),
    ],
)
async def test_finding_5_every_free_text_field_refuses_control_characters(
    client: httpx.AsyncClient, body: dict[str, Any], location: tuple[str, ...]
) -> None:
    answer = await client.post("/v1/reports", json=body, headers=WEB)

    assert answer.status_code == 422
    assert _locations(answer) == [("body", "crime", *location)]


async def test_finding_5_new_information_refuses_them_too(client: httpx.AsyncClient) -> None:
    accepted = (await client.post("/v1/reports", json=_with_contact(), headers=WEB)).json()

    answer = await client.post(
        f"/v1/reports/{accepted['report_id']}/updates",
        json={"information": "He came back\u202e"},
        headers=WEB,
    )

    assert answer.status_code == 422
    assert _locations(answer) == [("body", "information")]


async def test_finding_5_welsh_and_other_names_are_accepted_as_given(
    client: httpx.AsyncClient, probe: StartProbe
) -> None:
    watch = await probe(topics.REPORT_SUBMITTED)
    name = "Siân Ŵyn ap Dafydd"

    answer = await client.post("/v1/reports", json=_with_contact(name=name), headers=WEB)
    (record,) = await watch.wait_for(topics.REPORT_SUBMITTED, answer.json()["report_id"])

    assert answer.status_code == 202
    contact = ReportSubmitted.model_validate_json(record.value).contact
    assert contact is not None
    assert contact.name == name


@pytest.mark.parametrize(
    "email", ["alex@xn--80ak6aa92e.com", "alex@\u0430\u0440\u0440\u04cf\u0435.com"]
)
async def test_finding_10_an_idn_domain_is_kept_in_ascii_form(
    client: httpx.AsyncClient, probe: StartProbe, email: str
) -> None:
    watch = await probe(topics.REPORT_SUBMITTED)

    answer = await client.post("/v1/reports", json=_with_contact(email=email), headers=WEB)
    (record,) = await watch.wait_for(topics.REPORT_SUBMITTED, answer.json()["report_id"])

    assert answer.status_code == 202
    assert b"alex@xn--80ak6aa92e.com" in record.value
    contact = ReportSubmitted.model_validate_json(record.value).contact
    assert contact is not None
    assert contact.email == "alex@xn--80ak6aa92e.com"


async def test_finding_10_an_address_needing_smtputf8_gets_422_naming_the_email(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.post(
        "/v1/reports", json=_with_contact(email="jörg@example.de"), headers=WEB
    )

    assert answer.status_code == 422
    assert _locations(answer) == [("body", "crime", "contact", "email")]
    assert "cannot be served" in answer.json()["detail"][0]["msg"]
    assert "jörg" not in answer.text
