"""The notifier on the real servers: one email over real SMTP, whatever the event order."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from services.notifier.app import create_app
from services.notifier.settings import NotifierSettings, SmtpSettings
from shared import topics
from shared.references import format_reference
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.conftest import Servers
from tests.factories import NOW
from tests.integration.conftest import StartProbe, consumed_by, publish, running

pytestmark = pytest.mark.integration


def _messages_for(mail_dir: Path, report_id: str) -> list[EmailMessage]:
    messages = [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in mail_dir.glob("*.eml")
    ]
    return [m for m in messages if report_id in str(m["Message-ID"])]


async def test_the_acknowledgement_is_emailed_once_when_events_arrive_backwards_and_twice(
    servers: Servers,
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
) -> None:
    if servers.smtp_port is None or servers.mail_dir is None:
        pytest.fail("the notifier tests need the SMTP sink that `make test` starts")
    settings = NotifierSettings(
        kafka=kafka_settings,
        mongo=mongo_settings,
        database=database_name,
        smtp=SmtpSettings(port=servers.smtp_port),
    )
    submitted = factories.report_submitted()
    reference = format_reference("LP", NOW.date(), 999_000)
    key = str(submitted.report_id)
    watch = await probe(topics.REPLY_SENT, topics.REPLY_DELIVERED)

    async with running(create_app(settings)):
        for _ in range(2):
            await publish(
                producer, topics.REFERENCE_ISSUED, factories.reference_issued(submitted, reference)
            )
            await publish(
                producer, topics.REPORT_CLASSIFIED, factories.report_classified(submitted)
            )
            last = await publish(producer, topics.REPORT_SUBMITTED, submitted)
        await watch.wait_for(topics.REPLY_DELIVERED, key)
        await consumed_by(servers, "notifier", topics.REPORT_SUBMITTED, last.partition, last.offset)

    (message,) = _messages_for(servers.mail_dir, key)
    body = message.get_body(("plain",))
    assert body is not None
    assert reference in body.get_content()
    assert reference in str(message["Subject"])
    assert message["To"] == "alex@example.org"
    assert len(watch.matching(topics.REPLY_SENT, key)) == 1
