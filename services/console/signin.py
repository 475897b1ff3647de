"""The rules of signing in, pure: the login state a sign-in carries to the provider and
back (state, nonce, PKCE verifier, where to go after), which paths `next` may name, the
session a sign-in opens and when it ends, and the CSRF comparison.

A session id is 256 random bits, given to the browser only; what is stored is its SHA-256
digest (`session_key`), so a copy of the sessions collection opens no session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from services.console.roles import Staff

#: How long a sign-in may take at the provider before its login state is refused.
LOGIN_STATE_TTL = timedelta(minutes=10)
#: A session's last_seen_at is written at most this often (one write per request is waste).
TOUCH_EVERY = timedelta(minutes=1)
#: Where a sign-in lands when `next` names nowhere acceptable.
HOME = "/"


def random_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def pkce_challenge(code_verifier: str) -> str:
    """The S256 code challenge of a PKCE verifier (RFC 7636 s.4.2)."""
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def safe_next_path(raw: str | None) -> str:
    """`raw` if it is a path on this site, else HOME: no scheme, no host, no `//` or `/\\`
    (which browsers read as another host), no control characters."""
    if not raw or not raw.startswith("/") or raw.startswith(("//", "/\\")):
        return HOME
    if "\\" in raw or any(not char.isprintable() for char in raw):
        return HOME
    return raw


@dataclass(frozen=True)
class LoginState:
    """One sign-in under way: single use, valid LOGIN_STATE_TTL, and bound to the browser
    that began it (`binding_digest`, the digest of the login cookie's value): a callback
    from another browser is refused, so no one can sign a victim in as themselves."""

    state: str
    nonce: str
    code_verifier: str
    next_path: str
    created_at: datetime
    binding_digest: str

    @classmethod
    def start(cls, next_path: str | None, now: datetime, binding: str) -> LoginState:
        """A new login state bound to `binding` (the random value of the login cookie)."""
        return cls(
            random_token(),
            random_token(),
            random_token(),
            safe_next_path(next_path),
            now,
            binding_digest(binding),
        )

    def bound_to(self, binding: str | None) -> bool:
        """Whether `binding` (the login cookie's value) is the one this sign-in began with,
        compared in constant time."""
        if not binding:
            return False
        return hmac.compare_digest(self.binding_digest, binding_digest(binding))

    def expired(self, now: datetime) -> bool:
        return now - self.created_at >= LOGIN_STATE_TTL or now < self.created_at


def binding_digest(binding: str) -> str:
    """What a login state stores of its browser binding: the digest, never the value."""
    return hashlib.sha256(binding.encode("utf-8")).hexdigest()


def session_key(session_id: str) -> str:
    """What a session is stored under: the digest of its id, never the id."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StaffSession:
    """A signed-in browser: who, its CSRF token, the ID token (the hint sign-out gives the
    provider) and when it began and was last used."""

    key: str
    staff: Staff
    csrf_token: str
    id_token: str
    created_at: datetime
    last_seen_at: datetime

    @classmethod
    def open(cls, staff: Staff, id_token: str, now: datetime) -> tuple[str, StaffSession]:
        """A new session and its id (for the cookie; the session holds only its digest)."""
        session_id = random_token()
        return session_id, cls(session_key(session_id), staff, random_token(), id_token, now, now)

    def seen(self, now: datetime) -> StaffSession:
        return replace(self, last_seen_at=now)


@dataclass(frozen=True)
class SessionPolicy:
    """When a session ends: after `idle` without a request, or `absolute` after sign-in,
    whichever comes first."""

    idle: timedelta
    absolute: timedelta

    def live(self, session: StaffSession, now: datetime) -> bool:
        if now < session.created_at:  # a clock that went back: trust nothing
            return False
        return now - session.last_seen_at < self.idle and now - session.created_at < self.absolute

    @staticmethod
    def due_touch(session: StaffSession, now: datetime) -> bool:
        return now - session.last_seen_at >= TOUCH_EVERY


def csrf_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a request's CSRF token with its session's."""
    if not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))
