"""The console's `Authenticator`: who is behind a request, from the session cookie of a
browser sign-in or from an API client's `Authorization: Bearer <access token>`.

A session is live until its idle or absolute timeout (`SessionPolicy`, on every read, by
the injected clock); an ended one is removed. A refused bearer token is written to the
access log as a failed sign-in with its reason, at most once a minute per token (by
digest), so a misbehaving client cannot flood the log.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs

import structlog
from fastapi import HTTPException, Request, Response

from services.console.audit import AccessAction, AccessEntry
from services.console.ports import AccessLog, Sessions
from services.console.roles import Staff
from services.console.signin import (
    LOGIN_STATE_TTL,
    SessionPolicy,
    StaffSession,
    csrf_matches,
    session_key,
)
from services.console.tokens import (
    ClaimPaths,
    ProviderError,
    TokenRefusedError,
    TokenVerifier,
    staff_from_claims,
)
from shared.clock import Clock

log = structlog.get_logger(__name__)

CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
FAILURE_NOTED_EVERY = timedelta(minutes=1)
MAX_FAILURES_REMEMBERED = 10_000
#: The header the pages' background polls send: a poll does not keep a session alive.
POLL_HEADER = "x-console-poll"
#: `Sec-Fetch-Site` values of a request the console's own pages (or the user) made.
OWN_SITE = frozenset({"same-origin", "none"})


@dataclass(frozen=True)
class SessionCookie:
    """The session cookie: HttpOnly, SameSite=Lax, Path=/, Secure (and so `__Host-`) on
    https; no Max-Age, so it ends with the browser, and never outlives the session's
    absolute timeout, which the server enforces."""

    secure: bool

    @property
    def name(self) -> str:
        return "__Host-frontdesk_session" if self.secure else "frontdesk_session"

    def set(self, response: Response, session_id: str) -> None:
        response.set_cookie(
            self.name, session_id, path="/", secure=self.secure, httponly=True, samesite="lax"
        )

    def clear(self, response: Response) -> None:
        response.delete_cookie(
            self.name, path="/", secure=self.secure, httponly=True, samesite="lax"
        )

    def of(self, request: Request) -> str | None:
        return request.cookies.get(self.name) or None


@dataclass(frozen=True)
class LoginCookie:
    """The cookie that binds a sign-in to the browser that began it: a random value, its
    digest in the login state. HttpOnly, SameSite=Lax (the provider's redirect back is a
    top-level GET), Path=/auth, no longer than a login state lives; on https Secure, and so
    `__Secure-` (`__Host-` would need Path=/)."""

    secure: bool

    @property
    def name(self) -> str:
        return "__Secure-frontdesk_login" if self.secure else "frontdesk_login"

    def set(self, response: Response, binding: str) -> None:
        response.set_cookie(
            self.name,
            binding,
            max_age=int(LOGIN_STATE_TTL.total_seconds()),
            path="/auth",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )

    def clear(self, response: Response) -> None:
        response.delete_cookie(
            self.name, path="/auth", secure=self.secure, httponly=True, samesite="lax"
        )

    def of(self, request: Request) -> str | None:
        return request.cookies.get(self.name) or None


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


class ConsoleAuthenticator:
    """Sessions and bearer tokens, checked; refusals noted in the access log."""

    def __init__(
        self,
        *,
        sessions: Sessions,
        verifier: TokenVerifier,
        access_log: AccessLog,
        clock: Clock,
        policy: SessionPolicy,
        cookie: SessionCookie,
        claims: ClaimPaths,
    ) -> None:
        self.sessions = sessions
        self.verifier = verifier
        self.access_log = access_log
        self.clock = clock
        self.policy = policy
        self.cookie = cookie
        self.claims = claims
        self._failures_noted: dict[str, datetime] = {}

    async def session_of(self, request: Request) -> StaffSession | None:
        """The request's live session, if any (an ended one is removed)."""
        if hasattr(request.state, "console_session"):  # read once per request
            found: StaffSession | None = request.state.console_session
            return found
        request.state.console_session = session = await self._live_session(request)
        return session

    async def _live_session(self, request: Request) -> StaffSession | None:
        session_id = self.cookie.of(request)
        if session_id is None:
            return None
        session = await self.sessions.find(session_key(session_id))
        if session is None:
            return None
        now = self.clock.now()
        if not self.policy.live(session, now):
            await self.sessions.close(session.key)
            return None
        if self.policy.due_touch(session, now) and not _is_poll(request):
            await self.sessions.touch(session.key, now)
            session = session.seen(now)
        return session

    async def staff_of(self, request: Request) -> Staff | None:
        token = bearer_token(request)
        if token is not None:
            return await self._staff_of_token(request, token)
        session = await self.session_of(request)
        return None if session is None else session.staff

    async def csrf_valid(self, request: Request) -> bool:
        if bearer_token(request) is not None:
            return True
        session = await self.session_of(request)
        if session is None:
            return False
        return await self.session_csrf_valid(request, session)

    @staticmethod
    async def session_csrf_valid(request: Request, session: StaffSession) -> bool:
        """Whether the request carries `session`'s CSRF token, whatever other credential
        it has (sign-out acts on the cookie's session, so a bearer header excuses nothing)."""
        return csrf_matches(session.csrf_token, await _csrf_given(request))

    async def cross_site(self, request: Request) -> bool:
        """Whether a cookie-borne API request came from another site: SameSite=Lax sends
        the cookie on a top-level cross-site GET, and a GET of ours may write the access
        log. Browsers name the initiator in `Sec-Fetch-Site`; bearer requests carry no
        ambient credential, and pages are navigations, so neither is refused."""
        if not request.url.path.startswith("/v1/") or bearer_token(request) is not None:
            return False
        site = request.headers.get("sec-fetch-site")
        return site is not None and site.lower() not in OWN_SITE

    async def denied(self, request: Request, staff: Staff, why: str) -> None:
        await self.access_log.record(
            self.entry(AccessAction.DENIED, staff, f"{why}: {request.method} {_route_of(request)}")
        )

    def entry(self, action: AccessAction, staff: Staff | None, detail: str | None) -> AccessEntry:
        return AccessEntry(
            entry_id=uuid.uuid4(),
            at=self.clock.now(),
            action=action,
            user_id=None if staff is None else staff.user_id,
            username=None if staff is None else staff.username,
            roles=[] if staff is None else staff.role_names,
            detail=detail,
        )

    async def _staff_of_token(self, request: Request, token: str) -> Staff | None:
        try:
            claims = await self.verifier.access_token(token)
        except TokenRefusedError as refused:
            await self._note_refused(token, refused.reason)
            return None
        except ProviderError as error:
            log.warning("identity_provider_unavailable", error=str(error))
            raise HTTPException(503, "the identity provider cannot be reached") from None
        return staff_from_claims(claims, self.claims)

    async def _note_refused(self, token: str, reason: str) -> None:
        digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
        now = self.clock.now()
        last = self._failures_noted.get(digest)
        if last is not None and now - last < FAILURE_NOTED_EVERY:
            return
        if len(self._failures_noted) >= MAX_FAILURES_REMEMBERED:
            self._failures_noted = {
                d: at for d, at in self._failures_noted.items() if now - at < FAILURE_NOTED_EVERY
            }
        log.info("bearer_token_refused", reason=reason)
        if len(self._failures_noted) >= MAX_FAILURES_REMEMBERED:
            return  # a flood of distinct tokens: logged, not each written to the access log
        self._failures_noted[digest] = now
        detail = f"bearer token: {reason}"
        await self.access_log.record(self.entry(AccessAction.SIGN_IN_FAILED, None, detail))


def _is_poll(request: Request) -> bool:
    return request.headers.get(POLL_HEADER) == "1"


async def _csrf_given(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        # the body is read once and kept by the request, so the route can still read it
        try:
            fields = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=99)
        except ValueError:  # more fields than any form of ours has
            return None
        values = fields.get(CSRF_FIELD, [])
        return values[0] if len(values) == 1 else None
    return None


def _route_of(request: Request) -> str:
    """The route's template (`/v1/reports/{report_id}`), not the path: no search terms."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "(no route)"
