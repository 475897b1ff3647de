"""The reporter's status-page token: an HMAC of the report id under a secret that intake
(which checks it) and the notifier (which puts the link in a request for information)
share. Nothing is stored: the same report always has the same token."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class StatusTokens:
    """Unguessable per-report tokens for the reporter's status page: an HMAC of the id.

    Nothing is stored: the same report always has the same token, so a repeated
    idempotent submission can hand it out again.
    """

    secret: bytes

    def token_for(self, report_id: uuid.UUID) -> str:
        return hmac.new(self.secret, report_id.bytes, hashlib.sha256).hexdigest()[:40]

    def matches(self, report_id: uuid.UUID, token: str | None) -> bool:
        if token is None:
            return False
        given = token.encode("utf-8", "replace")  # compare_digest refuses non-ASCII text
        return hmac.compare_digest(self.token_for(report_id).encode(), given)
