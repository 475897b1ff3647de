"""Signed acknowledgement links: one per page, naming the alert, the step and the contact
it was sent to, with an expiry, under an HMAC-SHA256 only this service can make. Used once:
the first use acknowledges; any later one says who acknowledged and when."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


class BadLinkError(Exception):
    """Not a link this service signed (or it was altered)."""


class ExpiredLinkError(Exception):
    """A genuine link, past its expiry."""


@dataclass(frozen=True)
class LinkClaim:
    alert_id: uuid.UUID
    step: int
    contact: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LinkSigner:
    """Makes and reads acknowledgement tokens."""

    def __init__(self, secret: str, valid_for: timedelta) -> None:
        self._secret = secret.encode()
        self.valid_for = valid_for

    def token(self, claim: LinkClaim, sent_at: datetime) -> str:
        """The token of a page sent at `sent_at` (the step's own time, so a page sent again
        after a restart carries the very same link)."""
        expires = int((sent_at + self.valid_for).timestamp())
        payload = f"{claim.alert_id}.{claim.step}.{claim.contact}.{expires}".encode()
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def read(self, token: str, now: datetime) -> LinkClaim:
        payload = self._verified(token)
        try:
            alert_id, step, contact, expires = payload.decode().split(".")
            claim = LinkClaim(uuid.UUID(alert_id), int(step), contact)
            expiry = datetime.fromtimestamp(int(expires), UTC)
        except ValueError as error:
            raise BadLinkError("malformed link") from error
        if now >= expiry:
            raise ExpiredLinkError(f"expired at {expiry:%Y-%m-%d %H:%M} UTC")
        return claim

    def _verified(self, token: str) -> bytes:
        encoded_payload, _, encoded_mac = token.partition(".")
        try:
            payload, mac = _unb64(encoded_payload), _unb64(encoded_mac)
        except (binascii.Error, ValueError) as error:
            raise BadLinkError("malformed link") from error
        if not hmac.compare_digest(self._mac(payload), mac):
            raise BadLinkError("not a link of ours")
        return payload

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()
