"""The notifier's staff messages on the real servers: a reply staff asked for, emailed once
in exactly its words over real SMTP, tracked on Kafka by its request id; a request for
information whose link names the reporter's status page with intake's token."""

from __future__ import annotations

import os
import re

import pytest
from aiokafka import AIOKafkaProducer
from pydantic import SecretStr

from services.notifier.app import create_app
from services.notifier.settings import NotifierSettings
from shared import topics
from shared.delivery import SmtpSettings
from shared.events import ReplyDelivered, ReplyKind, ReplySent
from shared.settings import KafkaSettings, MongoSettings
from shared.status_tokens import StatusTokens
from tests import factories, staff_factories
from tests.conftest import Servers
from tests.integration.conftest import StartProbe, publish, running
from tests.integration.test_notifier_service import _messages_for

pytestmark = pytest.mark.integration

STATUS_PAGE = "http://127.0.0.1:8000"


def _stack_secret() -> str:
    secret = os.environ.get("NOTIFIER_STATUS_TOKEN_SECRET")
    if not secret:
        pytest.fail("the staff message tests need the stack's NOTIFIER_STATUS_TOKEN_SECRET")
    return secret


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").rstrip("\n")


@pytest.fixture
def settings(
    servers: Servers,
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
) -> NotifierSettings:
    if servers.smtp_port is None or servers.mail_dir is None:
        pytest.fail("the notifier tests need the SMTP sink that `make test` starts")
    return NotifierSettings(
        kafka=kafka_settings,
        mongo=mongo_settings,
        database=database_name,
        smtp=SmtpSettings(port=servers.smtp_port),
        receipt_token=SecretStr("test-receipt-token"),
        status_page_url=STATUS_PAGE,
        status_token_secret=SecretStr(_stack_secret()),
        send_backoff_max_s=0.2,
    )


async def test_a_requested_reply_is_emailed_once_in_its_exact_words_and_tracked_by_id(
    servers: Servers, settings: NotifierSettings, producer: AIOKafkaProducer, probe: StartProbe
) -> None:
    assert servers.mail_dir is not None
    submitted = factories.report_submitted()
    requested = staff_factories.reply_requested(submitted)
    key = str(submitted.report_id)
    watch = await probe(topics.REPLY_SENT, topics.REPLY_DELIVERED)

    async with running(create_app(settings)):
        await publish(producer, topics.REPLY_REQUESTED, requested)  # before the submission
        await publish(producer, topics.REPORT_SUBMITTED, submitted)
        await publish(producer, topics.REPLY_REQUESTED, requested)  # and redelivered
        (delivered,) = await watch.wait_for(topics.REPLY_DELIVERED, key)

    (message,) = _messages_for(servers.mail_dir, key)
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None
    assert html is not None
    assert str(message["Subject"]) == requested.message.subject
    assert _lines(plain.get_content()) == requested.message.body  # SMTP sends CRLF
    assert "<p>We are looking into your report.</p>" in html.get_content()
    (sent,) = [
        ReplySent.model_validate_json(r.value) for r in watch.matching(topics.REPLY_SENT, key)
    ]
    receipt = ReplyDelivered.model_validate_json(delivered.value)
    assert (sent.request_id, receipt.request_id) == (requested.message.request_id,) * 2
    assert (sent.reply_kind, sent.body) == (ReplyKind.STAFF_REPLY, requested.message.body)


async def test_an_information_request_links_the_status_page_with_intakes_token(
    servers: Servers, settings: NotifierSettings, producer: AIOKafkaProducer, probe: StartProbe
) -> None:
    assert servers.mail_dir is not None
    submitted = factories.report_submitted()
    asked = staff_factories.information_requested(submitted)
    key = str(submitted.report_id)
    watch = await probe(topics.REPLY_SENT)

    async with running(create_app(settings)):
        await publish(producer, topics.REPORT_SUBMITTED, submitted)
        await publish(producer, topics.INFORMATION_REQUESTED, asked)
        (sent,) = await watch.wait_for(topics.REPLY_SENT, key)

    (message,) = _messages_for(servers.mail_dir, key)
    plain = message.get_body(("plain",))
    assert plain is not None
    found = re.search(r"(\S+)/status/([0-9a-f-]{36})\?token=(\w+)", plain.get_content())
    assert found is not None, "the email holds the status link"
    base, report_id, token = found.groups()
    assert (base, report_id) == (STATUS_PAGE, key)
    assert StatusTokens(_stack_secret().encode()).matches(submitted.report_id, token)
    recorded = ReplySent.model_validate_json(sent.value)
    assert recorded.body is not None
    assert f"/status/{key}?token=[token]" in recorded.body
    assert token not in recorded.body
