"""Channel API keys, sent as `Authorization: Bearer <key>`, for every channel-facing API."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Generic, TypeVar

from shared.events import Channel

Holder = TypeVar("Holder")


class UnauthenticatedError(Exception):
    """No valid API key was presented."""


@dataclass(frozen=True)
class Caller:
    """Who is calling: their channel, and an id of their key that is safe to log."""

    channel: Channel
    key_id: str


@dataclass(frozen=True)
class BearerKeys(Generic[Holder]):
    """Configured keys, each naming who holds it (a channel, a member of staff), presented
    as `Authorization: Bearer <key>` and compared in constant time."""

    keys: dict[str, Holder]

    def holder(self, authorization: str | None) -> tuple[Holder, str]:
        """Who holds the presented key, and an id of the key that is safe to log."""
        scheme, _, key = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not key:
            raise UnauthenticatedError("send an API key as 'Authorization: Bearer <key>'")
        given = key.strip().encode("utf-8", "replace")
        for known, holder in self.keys.items():
            if secrets.compare_digest(known.encode(), given):
                return holder, hashlib.sha256(known.encode()).hexdigest()[:16]
        raise UnauthenticatedError("unknown API key")


@dataclass(frozen=True)
class ApiKeys(BearerKeys[Channel]):
    """The configured channel keys, each naming the channel it belongs to."""

    def authenticate(self, authorization: str | None) -> Caller:
        channel, key_id = self.holder(authorization)
        return Caller(channel, key_id)
