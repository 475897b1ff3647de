"""Text messages through GOV.UK Notify's REST API, with its JWT authentication."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import httpx

from shared.delivery.errors import PermanentDeliveryError, TemporaryDeliveryError
from shared.delivery.http import json_bytes, post_json
from shared.delivery.retries import Retries
from shared.delivery.settings import NotifySettings


@dataclass(frozen=True)
class SmsOut:
    """A text message to send. Notify has no idempotency key; `reference` is for
    reconciling and must carry no personal data. `sender_id` is a Notify sender's id;
    None sends from the service's default sender."""

    to: str
    text: str
    reference: str | None
    sender_id: str | None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def notify_jwt(api_key: str, now: float | None = None) -> str:
    """The bearer token Notify expects: HS256 over {iss: service id, iat: now}."""
    service_id, secret = api_key[-73:-37], api_key[-36:]
    header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
    claims = {"iss": service_id, "iat": int(now if now is not None else time.time())}
    payload = _b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256)
    return f"{header}.{payload}.{_b64(signature.digest())}"


class NotifySms:
    """Sends text messages through Notify, with the template whose body is the whole text,
    retrying a busy (429, 5xx) or unreachable Notify."""

    def __init__(self, settings: NotifySettings, retries: Retries) -> None:
        if settings.api_key is None:
            raise ValueError("NOTIFY_API_KEY is needed to send text messages")
        self._settings = settings
        self._api_key = settings.api_key.get_secret_value()
        self._retries = retries

    async def send(self, sms: SmsOut) -> str:
        """Send `sms`; returns Notify's id for the notification."""
        return await self._retries.run(lambda: self._send_once(sms))

    def body(self, sms: SmsOut) -> dict[str, Any]:
        """The request Notify is sent."""
        body: dict[str, Any] = {
            "phone_number": sms.to,
            "template_id": self._settings.sms_template_id,
            "personalisation": {"body": sms.text},
            "reference": sms.reference or "",
        }
        if sms.sender_id is not None:
            body["sms_sender_id"] = sms.sender_id
        return body

    async def _send_once(self, sms: SmsOut) -> str:
        answer = await post_json(
            f"{self._settings.base_url}/v2/notifications/sms",
            json_bytes(self.body(sms)),
            {"Authorization": f"Bearer {notify_jwt(self._api_key)}"},
            self._settings.timeout_s,
            provider="Notify",
        )
        return _notification_id(answer)


def _notification_id(answer: httpx.Response) -> str:
    status = answer.status_code
    if status == HTTPStatus.CREATED:
        return str(answer.json()["id"])
    if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        raise TemporaryDeliveryError(f"Notify answered {status}")
    raise PermanentDeliveryError(f"Notify refused the message: {status}")
