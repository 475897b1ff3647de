"""Sign-in with the force's identity provider: OpenID Connect Authorization Code with PKCE
(S256), a nonce and a single-use state, then a server-side session.

- `GET /auth/login?next=/path` starts a sign-in and sends the browser to the provider
  (`next` must be a path of the console: anything else lands on `/`), with a login cookie
  binding the sign-in to this browser; a client starting too many gets 429;
- `GET /auth/callback` checks the state and that it came back to the browser that began
  it (the login cookie: no login CSRF), exchanges the code (client secret and PKCE
  verifier), checks the ID token (nonce, azp) and the access token (audience), opens a
  new session (a new id, whatever cookie came in) and goes to `next`;
- `POST /auth/logout` (CSRF-checked) ends the session and signs out at the provider;
- `GET /auth/signed-out`, and `GET /auth/me` (who I am, my roles and the CSRF token the
  pages' script sends back).

Every sign-in, failed sign-in and sign-out is written to the access log; a failure names
its reason, never a token or personal data. A callback bound to no sign-in of this browser
(anyone can send those) is written at most once a minute per client address.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from services.console.access import PUBLIC, allow
from services.console.audit import AccessAction
from services.console.authenticator import ConsoleAuthenticator, LoginCookie
from services.console.ports import StaffDirectory, StaffMember
from services.console.roles import Role, Staff
from services.console.settings import ConsoleSettings
from services.console.signin import LoginState, StaffSession, pkce_challenge, random_token
from services.console.tokens import (
    OidcProvider,
    ProviderError,
    TokenRefusedError,
    staff_from_claims,
)
from shared.rate_limits import RateLimiter

log = structlog.get_logger(__name__)

ANY_ROLE = tuple(Role)
_PROVIDER_ERROR = re.compile(r"[a-z_]{1,40}")


def login_limiter() -> RateLimiter:
    """Sign-ins one client address may start: 30 at once (a station behind one address
    at the start of a shift), then one every 2 s."""
    return RateLimiter(per_second=0.5, burst=30)


def unbound_failure_limiter() -> RateLimiter:
    """One noted unbound callback per client address a minute."""
    return RateLimiter(per_second=1 / 60, burst=1)


class SignInFailedError(Exception):
    """Why a callback opened no session (a word for the log) and the status to answer;
    `bound` is False for a callback that matches no sign-in this browser began."""

    def __init__(self, reason: str, status: int = 401, *, bound: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.bound = bound


@dataclass(frozen=True)
class SignIn:
    """What the sign-in routes need: the provider, the authenticator and the settings."""

    provider: OidcProvider
    authenticator: ConsoleAuthenticator
    settings: ConsoleSettings
    login_limit: RateLimiter = field(default_factory=login_limiter)
    unbound_noted: RateLimiter = field(default_factory=unbound_failure_limiter)
    directory: StaffDirectory | None = None  # who signed in, for "assign to a colleague"

    @property
    def login_cookie(self) -> LoginCookie:
        return LoginCookie(secure=self.settings.secure_cookies)

    def seconds_now(self) -> float:
        return self.authenticator.clock.now().timestamp()

    async def login_redirect(self, next_path: str | None) -> tuple[str, str]:
        """Where to send the browser, and the binding value for its login cookie."""
        binding = random_token()
        login = LoginState.start(next_path, self.authenticator.clock.now(), binding)
        await self.authenticator.sessions.begin_login(login)
        query = {
            "response_type": "code",
            "client_id": self.settings.oidc_client_id,
            "redirect_uri": self.settings.redirect_uri,
            "scope": self.settings.scope,
            "state": login.state,
            "nonce": login.nonce,
            "code_challenge": pkce_challenge(login.code_verifier),
            "code_challenge_method": "S256",
        }
        endpoint = (await self.provider.metadata()).authorization_endpoint
        return f"{endpoint}?{urlencode(query)}", binding

    async def complete(
        self, query: dict[str, str], binding: str | None
    ) -> tuple[str, StaffSession, str]:
        """The new session's id, the session and where to go; or SignInFailedError."""
        login = await self._login_of(query, binding)
        if "iss" in query and query["iss"] != self.provider.issuer:  # RFC 9207: a mix-up
            raise SignInFailedError("issuer", 400)
        code = query.get("code")
        if not code:
            raise SignInFailedError("no_code", 400)
        secret = self.settings.oidc_client_secret
        tokens = await self.provider.exchange_code(
            code,
            login.code_verifier,
            self.settings.redirect_uri,
            self.settings.oidc_client_id,
            "" if secret is None else secret.get_secret_value(),
        )
        verifier = self.authenticator.verifier
        identity = await verifier.id_token(tokens.id_token, login.nonce)
        claims = await verifier.access_token(tokens.access_token)
        if identity["sub"] != claims["sub"]:
            raise SignInFailedError("subject")
        staff = staff_from_claims(claims, self.authenticator.claims)
        session_id, session = StaffSession.open(
            staff, tokens.id_token, self.authenticator.clock.now()
        )
        await self.authenticator.sessions.open(session)
        return session_id, session, login.next_path

    async def _login_of(self, query: dict[str, str], binding: str | None) -> LoginState:
        """The callback's login state, taken only once it is known to be this browser's."""
        sessions = self.authenticator.sessions
        state = query.get("state")
        found = None if not state else await sessions.find_login(state)
        if found is None:
            raise SignInFailedError("state", 400, bound=False)
        if not found.bound_to(binding):  # another browser's sign-in: leave it be
            raise SignInFailedError("binding", 400, bound=False)
        login = await sessions.take_login(found.state)
        if login is None:  # taken meanwhile by another callback of this browser
            raise SignInFailedError("state", 400)
        error = query.get("error")
        if error is not None:
            word = error if _PROVIDER_ERROR.fullmatch(error) else "unreadable"
            raise SignInFailedError(f"provider: {word}")
        if login.expired(self.authenticator.clock.now()):
            raise SignInFailedError("state_expired", 400)
        return login

    async def record(self, action: AccessAction, staff: Staff | None, detail: str | None) -> None:
        entry = self.authenticator.entry(action, staff, detail)
        await self.authenticator.access_log.record(entry)


def sign_in_router(sign_in: SignIn) -> APIRouter:
    """The `/auth` routes. The browser's (redirects and pages) are left out of the OpenAPI,
    as the pages are; `/auth/me` is an API and stays in it."""
    router = APIRouter(prefix="/auth")

    @router.get("/login", dependencies=[PUBLIC], include_in_schema=False)
    async def login(request: Request, next: str | None = None) -> Response:
        return await _login(sign_in, request, next)

    @router.get("/callback", dependencies=[PUBLIC], include_in_schema=False)
    async def callback(request: Request) -> Response:
        return await _callback(sign_in, request)

    @router.post("/logout", dependencies=[PUBLIC], include_in_schema=False)
    async def logout(request: Request) -> Response:
        return await _logout(sign_in, request)

    @router.get("/signed-out", dependencies=[PUBLIC], include_in_schema=False)
    async def signed_out() -> Response:
        return HTMLResponse(_page("You are signed out", "Close the browser on a shared computer."))

    @router.get("/me")
    async def me(request: Request, staff: Annotated[Staff, allow(*ANY_ROLE)]) -> dict[str, Any]:
        session = await sign_in.authenticator.session_of(request)
        return {
            "user_id": staff.user_id,
            "username": staff.username,
            "roles": staff.role_names,
            "teams": sorted(staff.teams),
            "csrf_token": None if session is None else session.csrf_token,
        }

    return router


def _client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _login(sign_in: SignIn, request: Request, next_path: str | None) -> Response:
    wait = sign_in.login_limit.retry_after(_client_of(request), sign_in.seconds_now())
    if wait is not None:
        log.info("sign_ins_limited")
        page = _page("Too many sign-ins", "Try again shortly.")
        return HTMLResponse(page, 429, headers={"Retry-After": str(wait)})
    try:
        url, binding = await sign_in.login_redirect(next_path)
    except ProviderError:
        log.warning("identity_provider_unavailable")
        return HTMLResponse(_page("Sign-in is unavailable", "Try again shortly."), 502)
    response = RedirectResponse(url, status_code=303)
    sign_in.login_cookie.set(response, binding)
    return response


async def _callback(sign_in: SignIn, request: Request) -> Response:
    binding = sign_in.login_cookie.of(request)
    try:
        response = await _signed_in(sign_in, request, binding)
    except SignInFailedError as failed:
        if not failed.bound:  # another browser's sign-in or none: its cookie is not ours
            return await _unbound(sign_in, request, failed)
        response = await _failed(sign_in, failed.reason, failed.status)
    except TokenRefusedError as refused:
        response = await _failed(sign_in, f"token: {refused.reason}", 401)
    except ProviderError:
        response = await _failed(sign_in, "provider_unavailable", 502)
    sign_in.login_cookie.clear(response)  # the sign-in it bound is over
    return response


async def _unbound(sign_in: SignIn, request: Request, failed: SignInFailedError) -> Response:
    """Anyone can send these: noted in the access log once a minute per client address."""
    if sign_in.unbound_noted.retry_after(_client_of(request), sign_in.seconds_now()) is None:
        return await _failed(sign_in, failed.reason, failed.status)
    log.info("sign_in_failed", reason=failed.reason, noted=False)
    return HTMLResponse(_page("Sign-in failed", "You are not signed in."), failed.status)


async def _signed_in(sign_in: SignIn, request: Request, binding: str | None) -> Response:
    authenticator = sign_in.authenticator
    query = dict(request.query_params)
    session_id, session, next_path = await sign_in.complete(query, binding)
    previous = await authenticator.session_of(request)
    if previous is not None:  # a new id on every sign-in: no session fixation
        await authenticator.sessions.close(previous.key)
    await sign_in.record(AccessAction.SIGN_IN, session.staff, None)
    if sign_in.directory is not None:
        await sign_in.directory.remember(
            StaffMember.of(session.staff, sign_in.authenticator.clock.now())
        )
    log.info("signed_in", roles=session.staff.role_names)
    response = RedirectResponse(next_path, status_code=303)
    authenticator.cookie.set(response, session_id)
    return response


async def _logout(sign_in: SignIn, request: Request) -> Response:
    authenticator = sign_in.authenticator
    session = await authenticator.session_of(request)
    if session is None:
        response = RedirectResponse("/auth/signed-out", status_code=303)
        authenticator.cookie.clear(response)
        return response
    if not await authenticator.session_csrf_valid(request, session):
        await authenticator.denied(request, session.staff, "csrf")
        return HTMLResponse(_page("Not signed out", "The form had expired."), 403)
    await authenticator.sessions.close(session.key)
    await sign_in.record(AccessAction.SIGN_OUT, session.staff, None)
    response = RedirectResponse(await _end_session_url(sign_in, session), status_code=303)
    authenticator.cookie.clear(response)
    return response


async def _failed(sign_in: SignIn, reason: str, status: int) -> Response:
    log.info("sign_in_failed", reason=reason)
    await sign_in.record(AccessAction.SIGN_IN_FAILED, None, reason)
    return HTMLResponse(_page("Sign-in failed", "You are not signed in."), status)


async def _end_session_url(sign_in: SignIn, session: StaffSession) -> str:
    try:
        endpoint = (await sign_in.provider.metadata()).end_session_endpoint
    except ProviderError:
        endpoint = None
    if endpoint is None:
        return "/auth/signed-out"
    query = {
        "id_token_hint": session.id_token,
        "post_logout_redirect_uri": sign_in.settings.signed_out_url,
        "client_id": sign_in.settings.oidc_client_id,
    }
    return f"{endpoint}?{urlencode(query)}"


def _page(title: str, text: str) -> str:
    """A page with no script and no inline style (the CSP allows neither)."""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title></head><body><main><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
        '<p><a href="/auth/login">Sign in</a></p></main></body></html>'
    )
