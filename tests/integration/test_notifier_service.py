"""The notifier on the real servers: email over real SMTP, text messages through the Notify
stand-in (which can be told to fail), receipts, fallback, and one message per reply."""

from __future__ import annotations

import email
import email.policy
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from pydantic import SecretStr

from services.notifier.app import create_app
from services.notifier.settings import NotifierSettings
from shared import topics
from shared.delivery import NotifySettings, SmtpSettings
from shared.events import ContactMethod, ReplyFailed, ReportSubmitted
from shared.references import format_reference
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.conftest import Servers
from tests.factories import NOW
from tests.integration.conftest import (
    StartProbe,
    consumed_by,
    publish,
    running,
    served_on_free_port,
)

pytestmark = pytest.mark.integration

RECEIPT_TOKEN = "test-receipt-token"


def _messages_for(mail_dir: Path, report_id: str) -> list[EmailMessage]:
    messages = [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in mail_dir.glob("*.eml")
    ]
    return [
        m for m in messages if isinstance(m, EmailMessage) and report_id in str(m["Message-ID"])
    ]


@pytest.fixture
def notify_url() -> str:
    url = os.environ.get("NOTIFY_BASE_URL")
    if not url:
        pytest.fail("the notifier tests need the Notify stand-in that `make test` starts")
    return url


@pytest.fixture
def settings(
    servers: Servers,
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    notify_url: str,
) -> NotifierSettings:
    if servers.smtp_port is None or servers.mail_dir is None:
        pytest.fail("the notifier tests need the SMTP sink that `make test` starts")
    return NotifierSettings(
        kafka=kafka_settings,
        mongo=mongo_settings,
        database=database_name,
        smtp=SmtpSettings(port=servers.smtp_port),
        notify=NotifySettings(base_url=notify_url, api_key=SecretStr(os.environ["NOTIFY_API_KEY"])),
        receipt_token=SecretStr(RECEIPT_TOKEN),
        send_backoff_max_s=0.2,
    )


def _unique_reference() -> str:
    """A reference no earlier run used, since the stand-in keeps what it was sent."""
    return format_reference("LP", NOW.date(), uuid.uuid4().int % 999_999 + 1)


@asynccontextmanager
async def served(app: FastAPI, notify_url: str) -> AsyncIterator[None]:
    """Serve the notifier on a free port and point the stand-in's receipts at it."""
    async with served_on_free_port(app) as port:
        async with httpx.AsyncClient() as client:
            await client.post(
                f"{notify_url}/_control/callback",
                json={"url": f"http://127.0.0.1:{port}/v1/receipts/notify", "token": RECEIPT_TOKEN},
            )
        yield


async def _control(notify_url: str, path: str, body: Any) -> None:
    async with httpx.AsyncClient() as client:
        (await client.post(f"{notify_url}/_control/{path}", json=body)).raise_for_status()


async def _texts_for(notify_url: str, reference: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient() as client:
        messages = (await client.get(f"{notify_url}/_control/messages")).json()
    return [m for m in messages if m["reference"] == reference]


async def _publish_report(
    producer: AIOKafkaProducer, submitted: ReportSubmitted, reference: str, times: int = 1
) -> Any:
    last = None
    for _ in range(times):
        await publish(
            producer, topics.REFERENCE_ISSUED, factories.reference_issued(submitted, reference)
        )
        await publish(producer, topics.REPORT_CLASSIFIED, factories.report_classified(submitted))
        last = await publish(producer, topics.REPORT_SUBMITTED, submitted)
    return last


async def test_the_acknowledgement_is_emailed_once_when_events_arrive_backwards_and_twice(
    servers: Servers, settings: NotifierSettings, producer: AIOKafkaProducer, probe: StartProbe
) -> None:
    assert servers.mail_dir is not None
    submitted = factories.report_submitted()
    reference = _unique_reference()
    key = str(submitted.report_id)
    watch = await probe(topics.REPLY_SENT, topics.REPLY_DELIVERED)

    async with running(create_app(settings)):
        last = await _publish_report(producer, submitted, reference, times=2)
        await watch.wait_for(topics.REPLY_DELIVERED, key)
        await consumed_by(servers, "notifier", topics.REPORT_SUBMITTED, last.partition, last.offset)

    (message,) = _messages_for(servers.mail_dir, key)
    body = message.get_body(("plain",))
    assert body is not None
    assert reference in body.get_content()
    assert reference in str(message["Subject"])
    assert message["To"] == "alex@example.org"
    assert len(watch.matching(topics.REPLY_SENT, key)) == 1


async def test_a_text_goes_through_notify_after_429_and_500_and_its_receipt_is_delivery(
    settings: NotifierSettings, notify_url: str, producer: AIOKafkaProducer, probe: StartProbe
) -> None:
    submitted = factories.report_submitted(
        contact=factories.contact(preferred_channel=ContactMethod.SMS, phone="+447700900456")
    )
    reference = _unique_reference()
    watch = await probe(topics.REPLY_DELIVERED)
    await _control(notify_url, "failures", [429, 500])

    async with served(create_app(settings), notify_url):
        await _publish_report(producer, submitted, reference)
        (delivered,) = await watch.wait_for(topics.REPLY_DELIVERED, str(submitted.report_id))

    (text,) = await _texts_for(notify_url, reference)
    assert text["phone_number"] == "+447700900456"
    assert reference in text["body"]
    assert b'"channel":"sms"' in delivered.value


async def test_a_permanent_sms_failure_falls_back_to_email(
    servers: Servers,
    settings: NotifierSettings,
    notify_url: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
) -> None:
    assert servers.mail_dir is not None
    submitted = factories.report_submitted(
        contact=factories.contact(preferred_channel=ContactMethod.SMS)
    )
    reference = _unique_reference()
    key = str(submitted.report_id)
    watch = await probe(topics.REPLY_FAILED, topics.REPLY_DELIVERED)
    await _control(notify_url, "failures", [400])

    async with served(create_app(settings), notify_url):
        await _publish_report(producer, submitted, reference)
        (delivered,) = await watch.wait_for(topics.REPLY_DELIVERED, key)

    (failed,) = watch.matching(topics.REPLY_FAILED, key)
    failure = ReplyFailed.model_validate_json(failed.value)
    assert (failure.channel, failure.permanent, failure.final) == (ContactMethod.SMS, True, False)
    assert b'"channel":"email"' in delivered.value
    assert len(_messages_for(servers.mail_dir, key)) == 1


async def test_a_failed_delivery_receipt_falls_back_to_email(
    servers: Servers,
    settings: NotifierSettings,
    notify_url: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
) -> None:
    assert servers.mail_dir is not None
    submitted = factories.report_submitted(
        contact=factories.contact(preferred_channel=ContactMethod.SMS)
    )
    reference = _unique_reference()
    key = str(submitted.report_id)
    watch = await probe(topics.REPLY_FAILED, topics.REPLY_DELIVERED)
    await _control(notify_url, "outcomes", ["permanent-failure"])

    async with served(create_app(settings), notify_url):
        await _publish_report(producer, submitted, reference)
        (delivered,) = await watch.wait_for(topics.REPLY_DELIVERED, key)

    assert b'"channel":"email"' in delivered.value
    assert len(watch.matching(topics.REPLY_FAILED, key)) == 1
    assert len(await _texts_for(notify_url, reference)) == 1


async def test_two_notifiers_and_a_storm_of_redeliveries_send_one_message_each(
    servers: Servers, settings: NotifierSettings, producer: AIOKafkaProducer, probe: StartProbe
) -> None:
    assert servers.mail_dir is not None
    reports = [factories.report_submitted() for _ in range(20)]
    watch = await probe(topics.REPLY_SENT)

    async with running(create_app(settings)), running(create_app(settings)):
        for report in reports:
            reference = _unique_reference()
            await _publish_report(producer, report, reference, times=3)
        for report in reports:
            await watch.wait_for(topics.REPLY_SENT, str(report.report_id))

    for report in reports:
        assert len(_messages_for(servers.mail_dir, str(report.report_id))) == 1
        assert len(watch.matching(topics.REPLY_SENT, str(report.report_id))) == 1


async def test_receipts_need_the_agreed_token(settings: NotifierSettings) -> None:
    app = create_app(settings)
    receipt = {"id": str(uuid.uuid4()), "reference": None, "status": "delivered"}

    async with running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://notifier") as client:
            anonymous = await client.post("/v1/receipts/notify", json=receipt)
            wrong = await client.post(
                "/v1/receipts/notify", json=receipt, headers={"Authorization": "Bearer guess"}
            )
            unknown = await client.post(
                "/v1/receipts/notify",
                json=receipt,
                headers={"Authorization": f"Bearer {RECEIPT_TOKEN}"},
            )

    assert (anonymous.status_code, wrong.status_code, unknown.status_code) == (401, 401, 204)
