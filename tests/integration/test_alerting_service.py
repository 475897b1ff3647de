"""Alerting on the real servers: a possible emergency pages the control room within
seconds (a signed webhook call and a duty email, no personal data); unacknowledged it
escalates at the configured minute (injected clock), acknowledged it stops; a signed link
acknowledges once and then says by whom; a delivered reply resolves a breach alert."""

from __future__ import annotations

import email
import email.policy
import json
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pydantic import SecretStr

from services.alerting.app import create_app
from services.alerting.settings import AlertingSettings
from shared import topics
from shared.delivery import SmtpSettings
from shared.events import (
    AlertEscalated,
    AlertKind,
    AlertRaised,
    AlertResolved,
    ReportClassified,
    ReportSubmitted,
    alert_id_of,
)
from shared.settings import KafkaSettings, MongoSettings
from shared.webhook_signature import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify
from tests import factories
from tests.conftest import Servers
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.http_receiver import Receiver, receiving
from tests.integration.conftest import StartProbe, eventually, publish, running

pytestmark = pytest.mark.integration

SECRET = "integration-webhook-secret"
STAFF_KEY = "integration-staff-key"
AUTH = {"Authorization": f"Bearer {STAFF_KEY}"}

POLICY = """
[contacts.control-room]
label = "Force control room"
email = "control-room@police.example"
webhook = {{ url = "{url}", secret_env = "ALERTING_TEST_WEBHOOK_SECRET" }}

[contacts.duty-sergeant]
label = "Duty sergeant"
email = "duty-sergeant@police.example"

[contacts.crime-bureau]
label = "Crime bureau"
email = "crime-bureau@police.example"

[ladders.emergency]
steps = [["control-room"], ["duty-sergeant"], ["control-room", "duty-sergeant"]]
escalate_after_minutes = {{ 1 = 5, 2 = 10, 3 = 15, 4 = 15 }}

[ladders.bureau]
steps = [["crime-bureau"], ["duty-sergeant"]]
escalate_after_minutes = {{ 1 = 30, 2 = 30, 3 = 60, 4 = 60 }}

[[rules]]
kinds = ["possible_emergency"]
ladder = "emergency"

[[rules]]
kinds = ["sla_breached"]
route = "crime_bureau"
ladder = "bureau"
"""


@pytest.fixture
async def webhook() -> AsyncIterator[Receiver]:
    async with receiving([200]) as receiver:
        yield receiver


SettingsFor = Callable[[Receiver], AlertingSettings]


@pytest.fixture
def settings_for(
    servers: Servers,
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> SettingsFor:
    """Alerting's settings on the test stack, its control room's webhook at `webhook`."""
    if servers.smtp_port is None:
        pytest.fail("the alerting tests need the SMTP sink that `make test` starts")
    monkeypatch.setenv("ALERTING_TEST_WEBHOOK_SECRET", SECRET)
    smtp = SmtpSettings(port=servers.smtp_port)

    def settings(webhook: Receiver) -> AlertingSettings:
        policy = tmp_path / "alerts.toml"
        policy.write_text(POLICY.format(url=webhook.url("/alerts")), encoding="utf-8")
        return AlertingSettings(
            kafka=kafka_settings,
            mongo=mongo_settings,
            database=database_name,
            policy_file=policy,
            link_secret=SecretStr("integration-link-secret-of-32-bytes-or-more"),
            staff_keys={STAFF_KEY: "Sgt A. Patel"},
            smtp=smtp,
            tick_interval_s=0.05,
            resync_interval_s=0.3,
            page_backoff_max_s=0.2,
        )

    return settings


@pytest.fixture
def settings(settings_for: SettingsFor, webhook: Receiver) -> AlertingSettings:
    return settings_for(webhook)


def _duty_emails(mail_dir: Path, alert_id: str) -> list[EmailMessage]:
    found = []
    for path in mail_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if isinstance(message, EmailMessage) and alert_id in str(message["Message-ID"]):
            found.append(message)
    return found


def _emergency() -> tuple[ReportSubmitted, ReportClassified]:
    submitted = factories.report_submitted()
    classified = factories.report_classified(
        submitted, grade=1, flags=["possible_emergency"], route="control_room", force_code="LP"
    )
    return submitted, classified


async def test_a_possible_emergency_pages_within_seconds_and_escalates_until_acknowledged(
    settings: AlertingSettings,
    servers: Servers,
    producer: AIOKafkaProducer,
    probe: StartProbe,
    webhook: Receiver,
) -> None:
    mail_dir = servers.mail_dir
    assert mail_dir is not None
    time_ = FrozenClock(NOW)
    submitted, classified = _emergency()
    key, alert_id = (
        str(submitted.report_id),
        alert_id_of(submitted.report_id, AlertKind.POSSIBLE_EMERGENCY),
    )
    watch = await probe(topics.ALERT_RAISED, topics.ALERT_ESCALATED, topics.ALERT_ACKNOWLEDGED)
    app = create_app(settings, time_)

    async with running(app):
        started = time.monotonic()
        await publish(producer, topics.REPORT_CLASSIFIED, classified)
        raised, *_repeats = await watch.wait_for(topics.ALERT_RAISED, key)  # at least once
        await eventually(lambda: _called(webhook, 1), what="the control room's webhook")
        paged_within_s = time.monotonic() - started

        time_.advance(timedelta(minutes=4, seconds=59))
        await publish(producer, topics.REPORT_CLASSIFIED, classified)  # a redelivery
        time_.advance(timedelta(seconds=1))  # grade 1 waits 5 minutes a step
        escalated, *_repeats = await watch.wait_for(topics.ALERT_ESCALATED, key)  # at least once
        await eventually(lambda: _emails(mail_dir, str(alert_id), 2), what="the sergeant's email")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            refused = await client.post(f"/v1/alerts/{alert_id}/acknowledgement")
            acknowledged = await client.post(f"/v1/alerts/{alert_id}/acknowledgement", headers=AUTH)
            listed = (await client.get("/v1/alerts", headers=AUTH)).json()
        await watch.wait_for(topics.ALERT_ACKNOWLEDGED, key)
        time_.advance(timedelta(hours=1))  # past the top step: acknowledged, nobody more
        await publish(producer, topics.REPORT_CLASSIFIED, classified)
        await watch.wait_for(topics.ALERT_ACKNOWLEDGED, key)

    assert paged_within_s < 5
    first = AlertRaised.model_validate_json(raised.value)
    assert first.told == ["control-room"]
    assert AlertEscalated.model_validate_json(escalated.value).step == 1
    assert len({r.value for r in watch.matching(topics.ALERT_ESCALATED, key)}) == 1
    (call,) = webhook.calls
    assert verify(SECRET, call.body, call.headers[SIGNATURE_HEADER.lower()])
    body = json.loads(call.body)
    assert body["kind"] == "possible_emergency"
    assert body["report_id"] == key
    assert body["links"]["acknowledge"].startswith("http://127.0.0.1:8006/v1/alert-links/")
    assert call.headers[IDEMPOTENCY_HEADER.lower()] == f"{alert_id}-0-control-room-webhook"
    assert submitted.contact is not None
    assert str(submitted.contact.email) not in call.body.decode()
    assert refused.status_code == 401
    assert acknowledged.json()["acknowledged_now"] is True
    assert acknowledged.json()["alert"]["acknowledged_by"] == "Sgt A. Patel"
    assert [a["state"] for a in listed if a["alert_id"] == str(alert_id)] == ["acknowledged"]


async def test_a_signed_link_acknowledges_once_then_says_by_whom_and_when(
    settings: AlertingSettings, producer: AIOKafkaProducer, webhook: Receiver
) -> None:
    submitted, classified = _emergency()
    app = create_app(settings, FrozenClock(NOW))

    async with running(app):
        await publish(producer, topics.REPORT_CLASSIFIED, classified)
        await eventually(lambda: _called(webhook, 1), what="the control room's webhook")
        link = json.loads(webhook.calls[0].body)["links"]["acknowledge"]
        path = link.removeprefix("http://127.0.0.1:8006")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            shown = await client.get(path)
            first = await client.post(path, headers={"Accept": "application/json"})
            again = await client.post(path)
            forged = await client.post(path[:-3] + "abc")
            forged_page = await client.get(path[:-3] + "abc")

    assert "<button" in shown.text
    assert first.json()["acknowledged_now"] is True
    assert first.json()["alert"]["acknowledged_by"] == "Force control room"
    assert "Already acknowledged by Force control room at" in again.text
    assert forged.status_code == 404
    assert forged_page.status_code == 404
    assert "not a link of ours" in forged_page.text  # a page, for the person who opened it
    del submitted


async def test_a_delivered_reply_resolves_a_breach_alert(
    settings: AlertingSettings, producer: AIOKafkaProducer, probe: StartProbe
) -> None:
    submitted = factories.report_submitted()
    key = str(submitted.report_id)
    breach = factories.sla_breached(submitted, grade=3)
    met = factories.sla_met(submitted)
    watch = await probe(topics.ALERT_RAISED, topics.ALERT_RESOLVED)

    async with running(create_app(settings, FrozenClock(NOW))):
        await publish(producer, topics.SLA_BREACHED, breach)
        raised, *_repeats = await watch.wait_for(topics.ALERT_RAISED, key)  # at least once
        await publish(producer, topics.SLA_MET, met)
        resolved, *_repeats = await watch.wait_for(topics.ALERT_RESOLVED, key)  # at least once

    assert AlertRaised.model_validate_json(raised.value).kind is AlertKind.SLA_BREACHED
    assert AlertResolved.model_validate_json(resolved.value).because.value == "reply_delivered"


async def _called(webhook: Receiver, count: int) -> bool:
    return len(webhook.calls) >= count


async def _emails(mail_dir: Path, alert_id: str, count: int) -> bool:
    return len(_duty_emails(mail_dir, alert_id)) >= count


async def test_a_webhook_down_for_a_while_gets_the_page_once_when_it_is_back(
    settings_for: SettingsFor, producer: AIOKafkaProducer
) -> None:
    """Four 503s use up one send's tries: the page waits for the ticker's retry (15 s on
    the injected clock), which the receiver, back by then, answers 200: one delivery, the
    same Idempotency-Key and bytes on every call."""
    async with receiving([503, 503, 503, 503, 200]) as down_then_up:
        settings = settings_for(down_then_up)
        time_ = FrozenClock(NOW)
        _submitted, classified = _emergency()

        async with running(create_app(settings, time_)):
            await publish(producer, topics.REPORT_CLASSIFIED, classified)
            await eventually(lambda: _called(down_then_up, 4), what="four tries, all refused")
            time_.advance(timedelta(seconds=15))
            await eventually(lambda: _called(down_then_up, 5), what="the ticker's retry")

        calls = list(down_then_up.calls)

    assert len(calls) == 5
    assert len({c.headers[IDEMPOTENCY_HEADER.lower()] for c in calls}) == 1
    assert len({c.body for c in calls}) == 1
