"""Alerting and who has a report, on the real servers: the assignee's notice reaches the
mail sink once however often its ReportAssigned is delivered (a hand-back tells the
team's inbox); an at-risk report nobody claims raises the unassigned alert after the
policy's minute (injected clock), and a claim resolves it."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from pydantic import SecretStr

from services.alerting.app import create_app
from services.alerting.settings import AlertingSettings
from shared import topics
from shared.delivery import SmtpSettings
from shared.events import (
    AlertKind,
    AlertRaised,
    AlertResolved,
    Assignee,
    ReportAssigned,
    ReportSubmitted,
    alert_id_of,
)
from shared.settings import KafkaSettings, MongoSettings
from tests import factories, staff_factories
from tests.conftest import Servers
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.integration.conftest import StartProbe, eventually, publish, running

pytestmark = pytest.mark.integration

POLICY = """
unassigned_after_minutes = { 1 = 1, 2 = 2, 3 = 3, 4 = 4 }

[contacts.control-room]
label = "Force control room"
email = "control-room@police.example"

[contacts.crime-bureau]
label = "Crime bureau"
email = "crime-bureau@police.example"

[staff."a.patel"]
email = "a.patel@police.example"

[ladders.emergency]
steps = [["control-room"]]
escalate_after_minutes = { 1 = 5, 2 = 10, 3 = 15, 4 = 15 }

[ladders.bureau]
steps = [["crime-bureau"], ["control-room"]]
escalate_after_minutes = { 1 = 30, 2 = 30, 3 = 60, 4 = 60 }

[[rules]]
kinds = ["possible_emergency"]
ladder = "emergency"

[[rules]]
kinds = ["unassigned"]
route = "crime_bureau"
ladder = "bureau"
"""


@pytest.fixture
def settings(
    servers: Servers,
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    tmp_path: Path,
) -> AlertingSettings:
    if servers.smtp_port is None:
        pytest.fail("the alerting tests need the SMTP sink that `make test` starts")
    policy = tmp_path / "alerts.toml"
    policy.write_text(POLICY, encoding="utf-8")
    return AlertingSettings(
        kafka=kafka_settings,
        mongo=mongo_settings,
        database=database_name,
        policy_file=policy,
        link_secret=SecretStr("integration-link-secret-of-32-bytes-or-more"),
        staff_keys={"integration-staff-key": "Sgt A. Patel"},
        smtp=SmtpSettings(port=servers.smtp_port),
        tick_interval_s=0.05,
        resync_interval_s=0.3,
        page_backoff_max_s=0.2,
    )


def _emails(mail_dir: Path, key: str) -> list[EmailMessage]:
    found = []
    for path in mail_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if isinstance(message, EmailMessage) and key in str(message["Message-ID"]):
            found.append(message)
    return found


def _given(submitted: ReportSubmitted, number: int, assignee: Assignee | None) -> ReportAssigned:
    return staff_factories.staff_event(
        ReportAssigned,
        submitted,
        number,
        actor=staff_factories.SUPERVISOR,
        team="crime_bureau",
        assignee=assignee,
        claimed=False,
        report_type=submitted.report_type,
    )


async def test_the_assignee_is_told_once_and_a_hand_back_tells_the_team(
    settings: AlertingSettings, servers: Servers, producer: AIOKafkaProducer
) -> None:
    mail_dir = servers.mail_dir
    assert mail_dir is not None
    submitted = factories.report_submitted()
    given = _given(submitted, 1, Assignee(user_id="sub-patel", username="a.patel"))
    handback = _given(submitted, 2, None)

    async with running(create_app(settings, FrozenClock(NOW))):
        await publish(producer, topics.REPORT_ASSIGNED, given)
        await publish(producer, topics.REPORT_ASSIGNED, given)  # a redelivery
        await publish(producer, topics.REPORT_ASSIGNED, handback)  # after both, in order

        async def team_told() -> list[EmailMessage] | None:
            return _emails(mail_dir, f"{handback.event_id}-crime-bureau-email") or None

        (to_team,) = await eventually(team_told, what="the crime bureau's notice")

    (to_assignee,) = _emails(mail_dir, f"{given.event_id}-assignee-email")
    assert to_assignee["To"] == "a.patel@police.example"
    assert "Assigned to you" in str(to_assignee["Subject"])
    text = to_assignee.get_content()
    assert f"Type: {submitted.report_type}" in text
    assert str(submitted.report_id) in text  # the console link
    assert submitted.contact is not None
    assert submitted.contact.name not in text
    assert submitted.description not in text
    assert to_team["To"] == "crime-bureau@police.example"
    assert "Back in the crime_bureau queue" in str(to_team["Subject"])


async def test_an_unclaimed_at_risk_report_raises_the_unassigned_alert_and_a_claim_ends_it(
    settings: AlertingSettings, producer: AIOKafkaProducer, probe: StartProbe
) -> None:
    submitted = factories.report_submitted()
    key = str(submitted.report_id)
    clock = FrozenClock(NOW)
    watch = await probe(topics.ALERT_RAISED, topics.ALERT_RESOLVED)

    async with running(create_app(settings, clock)):
        await publish(producer, topics.SLA_AT_RISK, factories.sla_at_risk(submitted, grade=1))
        clock.advance(timedelta(minutes=1))  # grade 1: one minute unclaimed
        (raised,) = await watch.wait_for(topics.ALERT_RAISED, key)
        claim = staff_factories.report_claimed(submitted, 1)
        await publish(producer, topics.REPORT_ASSIGNED, claim)
        (resolved,) = await watch.wait_for(topics.ALERT_RESOLVED, key)

    alert = AlertRaised.model_validate_json(raised.value)
    assert alert.kind is AlertKind.UNASSIGNED
    assert alert.alert_id == alert_id_of(submitted.report_id, AlertKind.UNASSIGNED)
    assert alert.told == ["crime-bureau"]
    ended = AlertResolved.model_validate_json(resolved.value)
    assert (ended.alert_id, ended.because.value) == (alert.alert_id, "assigned")
