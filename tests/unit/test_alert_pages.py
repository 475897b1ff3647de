"""What a duty team is told, and the links in it: no personal data of the reporter, a link
that only this service can sign, that expires, and is the same on every retry; the policy
refuses what would leave a possible emergency unannounced."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from services.alerting.domain import Alert
from services.alerting.links import BadLinkError, ExpiredLinkError, LinkClaim, LinkSigner
from services.alerting.messages import PageLinks, duty_message
from services.alerting.policy import AlertPolicy
from services.alerting.settings import AlertingSettings
from shared.events import AlertKind, CauseRef, alert_id_of
from tests import factories
from tests.factories import NOW

SIGNER = LinkSigner("a-secret-of-at-least-thirty-two-bytes!", timedelta(hours=24))


def _alert() -> tuple[Alert, str]:
    submitted = factories.report_submitted()
    alert = Alert(
        alert_id=alert_id_of(submitted.report_id, AlertKind.POSSIBLE_EMERGENCY),
        kind=AlertKind.POSSIBLE_EMERGENCY,
        raised=CauseRef.of(submitted),
        raised_at=NOW,
        grade=1,
        force_code="LP",
        route="control_room",
        reference=None,
        steps=(("control-room",), ("duty-sergeant",)),
        wait=timedelta(minutes=5),
        channels=None,
    )
    assert submitted.contact is not None
    personal = [
        submitted.contact.name,
        submitted.contact.email,
        submitted.contact.phone,
        submitted.description,
    ]
    return alert, json.dumps([p for p in personal if p])


def test_a_page_names_the_reference_grade_route_and_links_and_no_personal_data() -> None:
    alert, personal = _alert()
    links = PageLinks("https://ops.example/r/1", "https://alerts.example/ack/t")

    message = duty_message(alert, 0, "control-room", "LP-20261130-000001-7", links)

    body = json.dumps(message.webhook_body)
    for words in (message.subject, message.text, message.sms_text, body):
        assert "LP-20261130-000001-7" in words
        for value in json.loads(personal):
            assert value not in words
    assert message.webhook_body["links"] == {
        "report": "https://ops.example/r/1",
        "acknowledge": "https://alerts.example/ack/t",
    }
    assert message.webhook_body["escalates_at"] == (NOW + timedelta(minutes=5)).isoformat()
    assert "duty-sergeant will be told" in message.text


def test_a_link_reads_back_until_it_expires_and_is_the_same_each_time() -> None:
    claim = LinkClaim(alert_id_of(NOW_ID, AlertKind.SLA_BREACHED), 1, "duty-sergeant")
    token = SIGNER.token(claim, NOW)

    assert SIGNER.token(claim, NOW) == token
    assert SIGNER.read(token, NOW + timedelta(hours=23)) == claim
    with pytest.raises(ExpiredLinkError):
        SIGNER.read(token, NOW + timedelta(hours=24))


def test_a_link_altered_or_signed_by_another_secret_is_refused() -> None:
    claim = LinkClaim(alert_id_of(NOW_ID, AlertKind.SLA_BREACHED), 1, "duty-sergeant")
    token = SIGNER.token(claim, NOW)
    payload, mac = token.split(".")
    other = LinkSigner("another-secret-of-at-least-32-bytes!!", timedelta(hours=24))

    for forged in (f"{payload}x.{mac}", f"{payload}.{mac[:-2]}", other.token(claim, NOW), "x"):
        with pytest.raises(BadLinkError):
            SIGNER.read(forged, NOW)


NOW_ID = factories.report_submitted().report_id

CONTACTS = {"duty": {"label": "Duty", "email": "duty@police.example"}}
LADDERS = {"l": {"steps": [["duty"]], "escalate_after_minutes": {1: 5, 2: 5, 3: 5, 4: 5}}}


def test_the_policy_must_send_every_possible_emergency_somewhere() -> None:
    only_one_force = [{"kinds": ["possible_emergency"], "force": "LP", "ladder": "l"}]
    with pytest.raises(ValidationError, match="every possible_emergency"):
        AlertPolicy.model_validate(
            {"contacts": CONTACTS, "ladders": LADDERS, "rules": only_one_force}
        )


@pytest.mark.parametrize(
    ("ladders", "rules", "problem"),
    [
        (LADDERS, [{"kinds": ["possible_emergency"], "ladder": "nope"}], "unknown ladder"),
        (
            {"l": {"steps": [["nobody"]], "escalate_after_minutes": {1: 5, 2: 5, 3: 5, 4: 5}}},
            [{"kinds": ["possible_emergency"], "ladder": "l"}],
            "unknown contacts",
        ),
        (
            {"l": {"steps": [["duty"]], "escalate_after_minutes": {1: 5}}},
            [{"kinds": ["possible_emergency"], "ladder": "l"}],
            "grades 1, 2, 3 and 4",
        ),
        (
            LADDERS,
            [{"kinds": ["possible_emergency"], "channels": ["sms"], "ladder": "l"}],
            r"rules\[0\] allows no channel that duty has \(email\)",
        ),
        (
            LADDERS,
            [
                {"kinds": ["possible_emergency"], "ladder": "l"},
                {"kinds": ["sla_at_risk"], "thresholds": ["75"], "ladder": "l"},
            ],
            "String should match pattern",
        ),
    ],
)
def test_the_policy_names_what_is_wrong(
    ladders: dict[str, object], rules: list[dict[str, object]], problem: str
) -> None:
    with pytest.raises(ValidationError, match=problem):
        AlertPolicy.model_validate({"contacts": CONTACTS, "ladders": ladders, "rules": rules})


def test_a_contact_with_no_channel_is_refused() -> None:
    with pytest.raises(ValidationError, match="needs a webhook, an email or an sms"):
        AlertPolicy.model_validate(
            {
                "contacts": {"duty": {"label": "Duty"}},
                "ladders": LADDERS,
                "rules": [{"kinds": ["possible_emergency"], "ladder": "l"}],
            }
        )


def test_a_page_claim_shorter_than_the_longest_send_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="page_lease_s must be above 72 s"):
        AlertingSettings(policy_file=tmp_path / "alerts.toml", page_lease_s=60)
