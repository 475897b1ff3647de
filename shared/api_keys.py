"""Channel API keys, sent as `Authorization: Bearer <key>`, for every channel-facing API."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from shared.events import Channel


class UnauthenticatedError(Exception):
    """No valid API key was presented."""


@dataclass(frozen=True)
class Caller:
    """Who is calling: their channel, and an id of their key that is safe to log."""

    channel: Channel
    key_id: str


@dataclass(frozen=True)
class ApiKeys:
    """The configured keys, each naming the channel it belongs to."""

    keys: dict[str, Channel]

    def authenticate(self, authorization: str | None) -> Caller:
        scheme, _, key = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not key:
            raise UnauthenticatedError("send an API key as 'Authorization: Bearer <key>'")
        given = key.strip().encode("utf-8", "replace")
        for known, channel in self.keys.items():
            if secrets.compare_digest(known.encode(), given):
                return Caller(channel, hashlib.sha256(known.encode()).hexdigest()[:16])
        raise UnauthenticatedError("unknown API key")
