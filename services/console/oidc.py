"""Sign-in with the force's identity provider: OpenID Connect Authorization Code with PKCE
(S256), a nonce and a single-use state, then a server-side session.

- `GET /auth/login?next=/path` starts a sign-in and sends the browser to the provider
  (`next` must be a path of the console: anything else lands on `/`);
- `GET /auth/callback` checks the state, exchanges the code (client secret and PKCE
  verifier), checks the ID token (nonce, azp) and the access token (audience), opens a
  new session (a new id, whatever cookie came in) and goes to `next`;
- `POST /auth/logout` (CSRF-checked) ends the session and signs out at the provider;
- `GET /auth/signed-out`, and `GET /auth/me` (who I am, my roles and the CSRF token the
  pages' script sends back).

Every sign-in, failed sign-in and sign-out is written to the access log; a failure names
its reason, never a token or personal data.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from services.console.access import PUBLIC, allow
from services.console.audit import AccessAction
from services.console.authenticator import ConsoleAuthenticator
from services.console.roles import Role, Staff
from services.console.settings import ConsoleSettings
from services.console.signin import LoginState, StaffSession, pkce_challenge
from services.console.tokens import (
    OidcProvider,
    ProviderError,
    TokenRefusedError,
    staff_from_claims,
)

log = structlog.get_logger(__name__)

ANY_ROLE = tuple(Role)
_PROVIDER_ERROR = re.compile(r"[a-z_]{1,40}")


class SignInFailedError(Exception):
    """Why a callback opened no session (a word for the log) and the status to answer."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class SignIn:
    """What the sign-in routes need: the provider, the authenticator and the settings."""

    provider: OidcProvider
    authenticator: ConsoleAuthenticator
    settings: ConsoleSettings

    async def login_redirect(self, next_path: str | None) -> str:
        login = LoginState.start(next_path, self.authenticator.clock.now())
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
        return f"{endpoint}?{urlencode(query)}"

    async def complete(self, query: dict[str, str]) -> tuple[str, StaffSession, str]:
        """The new session's id, the session and where to go; or SignInFailedError."""
        login = await self._login_of(query)
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

    async def _login_of(self, query: dict[str, str]) -> LoginState:
        state = query.get("state")
        login = None if not state else await self.authenticator.sessions.take_login(state)
        error = query.get("error")
        if error is not None:
            word = error if _PROVIDER_ERROR.fullmatch(error) else "unreadable"
            raise SignInFailedError(f"provider: {word}")
        if login is None:
            raise SignInFailedError("state", 400)
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
    async def login(next: str | None = None) -> Response:
        try:
            return RedirectResponse(await sign_in.login_redirect(next), status_code=303)
        except ProviderError:
            log.warning("identity_provider_unavailable")
            return HTMLResponse(_page("Sign-in is unavailable", "Try again shortly."), 502)

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


async def _callback(sign_in: SignIn, request: Request) -> Response:
    authenticator = sign_in.authenticator
    try:
        session_id, session, next_path = await sign_in.complete(dict(request.query_params))
    except SignInFailedError as failed:
        return await _failed(sign_in, failed.reason, failed.status)
    except TokenRefusedError as refused:
        return await _failed(sign_in, f"token: {refused.reason}", 401)
    except ProviderError:
        return await _failed(sign_in, "provider_unavailable", 502)
    previous = await authenticator.session_of(request)
    if previous is not None:  # a new id on every sign-in: no session fixation
        await authenticator.sessions.close(previous.key)
    await sign_in.record(AccessAction.SIGN_IN, session.staff, None)
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
    if not await authenticator.csrf_valid(request):
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
