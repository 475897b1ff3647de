"""Text messages through Notify against a real HTTP server of the test's own: the request
carries Notify's JWT and the body for the message; a busy Notify (429) is asked again, a
refusal is final at once."""

from __future__ import annotations

import base64
import json

import pytest
from pydantic import SecretStr

from shared.delivery import NotifySettings, NotifySms, PermanentDeliveryError, Retries, SmsOut
from tests.http_receiver import receiving

SERVICE_ID = "0" * 36
API_KEY = f"test-key-{SERVICE_ID}-{'1' * 36}"
SMS = SmsOut(to="07700900123", text="We have your report.", reference="LP-1", sender_id=None)


def _notify(base_url: str) -> NotifySms:
    settings = NotifySettings(base_url=base_url, api_key=SecretStr(API_KEY))
    return NotifySms(settings, Retries(attempts=3, backoff_max_s=0.01))


def _claims(authorization: str) -> dict[str, object]:
    payload = authorization.removeprefix("Bearer ").split(".")[1]
    claims: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=="))
    return claims


async def test_a_busy_notify_is_asked_again_and_its_id_returned() -> None:
    async with receiving([429, 201], answer=b'{"id": "notification-1"}') as notify:
        notification_id = await _notify(notify.url()).send(SMS)

    busy, accepted = notify.calls
    assert notification_id == "notification-1"
    assert accepted.line == "POST /v2/notifications/sms HTTP/1.1"
    assert json.loads(accepted.body) == json.loads(busy.body) == _notify("http://x").body(SMS)
    assert _claims(accepted.headers["authorization"])["iss"] == SERVICE_ID


async def test_a_refusal_is_final_at_once() -> None:
    async with receiving([400, 201], answer=b'{"id": "notification-1"}') as notify:
        with pytest.raises(PermanentDeliveryError, match="400"):
            await _notify(notify.url()).send(SMS)

    assert len(notify.calls) == 1


def test_a_sender_id_names_notifys_sender_and_no_reference_is_empty() -> None:
    body = _notify("http://x").body(SmsOut("07700900123", "Hello.", None, sender_id="sender-1"))

    assert body["sms_sender_id"] == "sender-1"
    assert body["reference"] == ""
