"""A partner system publishes a report to Kafka as its own principal, and the five services,
each signed in as its own principal, take it to an email: the ACLs let the whole journey
through. The channel is the one whose ingress topic the report came on."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from shared import topics
from shared.events import Channel, ReportSubmitted
from shared.principals import channel_principal
from shared.settings import KafkaSettings
from tests import factories
from tests.conftest import Servers
from tests.e2e.test_report_journey import _wait_for_emails
from tests.integration.conftest import TopicProbe, eventually

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))

import stack

pytestmark = pytest.mark.e2e


def _as_partner(servers: Servers) -> KafkaSettings:
    principal = channel_principal("partner")
    return KafkaSettings(
        bootstrap_servers=servers.kafka_bootstrap,
        username=principal,
        password=stack.STACKS["test"].kafka_passwords()[principal],  # type: ignore[arg-type]
    )


async def test_finding_1_a_partners_report_is_taken_as_the_partner_channel_whatever_it_claims(
    servers: Servers, running_system: dict[str, int]
) -> None:
    assert servers.mail_dir is not None
    marker = f"Bicycle taken from the rack outside the library, tag {uuid.uuid4().hex}"
    honest = {
        "submission_id": str(uuid.uuid4()),
        "submission": factories.submission_of("crime", description=marker),
    }
    claims_phone = {**honest, "submission_id": str(uuid.uuid4()), "channel": "phone"}
    watch = TopicProbe(servers.kafka_bootstrap, [topics.REPORT_SUBMITTED, "dlq.intake.v1"])
    await watch.start()
    producer = AIOKafkaProducer(**_as_partner(servers).client_options(), acks="all")
    await producer.start()
    try:
        for message in (claims_phone, honest):
            await producer.send_and_wait(
                topics.INGRESS_TOPICS["partner"], json.dumps(message).encode(), key=b"partner"
            )

        async def accepted() -> ReportSubmitted | None:
            await watch.poll()
            for record in watch.records:
                if record.topic == topics.REPORT_SUBMITTED and marker.encode() in record.value:
                    return ReportSubmitted.model_validate_json(record.value)
            return None

        submitted = await eventually(accepted, what="the partner's report to be accepted")
        dead = await watch.wait_for("dlq.intake.v1", "partner")
    finally:
        await producer.stop()
        await watch.stop()

    assert submitted.channel is Channel.PARTNER
    reasons = [dict(r.headers)["dlq_reason"].decode() for r in dead]
    assert len(reasons) == 1
    assert "channel: extra_forbidden" in reasons[0]
    assert submitted.contact is not None
    emails = await _wait_for_emails(servers.mail_dir, str(submitted.report_id), count=1)
    assert emails[0]["To"] == submitted.contact.email
