"""Who may call each console endpoint: deny by default.

Every route of the console names who may call it with one dependency: `allow(roles...)`
(a signed-in member of staff holding one of the roles) or `PUBLIC` (sign-in itself,
health, the static files). tests/unit/test_console_routes.py walks the route table and
fails on a route with neither, so a new endpoint cannot be left open by omission.

The caller is found by the app's `Authenticator` (`app.state.authenticator`): a session
cookie from the browser sign-in, or a bearer access token from an API client. A request
that changes state and comes with a session cookie must carry the session's CSRF token
(header `X-CSRF-Token` or form field `csrf_token`); bearer requests carry no ambient
credential, so they need none. A cookie-borne API request (`/v1/`, any method, GETs too:
they write the access log) sent by another site, by its `Sec-Fetch-Site`, is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from fastapi import Depends, HTTPException, Request

from services.console.roles import Role, Staff

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Authenticator(Protocol):
    """Finds the member of staff behind a request (`services.console.sessions` and
    `services.console.tokens` implement it)."""

    async def staff_of(self, request: Request) -> Staff | None:
        """The caller, from a live session cookie or a valid bearer token; None if neither."""
        ...

    async def csrf_valid(self, request: Request) -> bool:
        """Whether a state-changing request carries its session's CSRF token (always
        True for a bearer-token request)."""
        ...

    async def cross_site(self, request: Request) -> bool:
        """Whether a request authenticated by the session cookie to the API (`/v1/`) was
        sent by another site (`Sec-Fetch-Site`), any method: refused."""
        ...

    async def denied(self, request: Request, staff: Staff, why: str) -> None:
        """Note a refused request in the access log."""
        ...


class NotSignedInError(HTTPException):
    """401: no session or token. Pages answer it with a way to sign in; the API with
    `WWW-Authenticate: Bearer`."""

    def __init__(self) -> None:
        super().__init__(401, "sign in first", {"WWW-Authenticate": "Bearer"})


class RoleCheck:
    """The dependency `allow` returns: the caller, if they hold one of `roles`."""

    def __init__(self, roles: Iterable[Role]) -> None:
        self.roles = frozenset(roles)
        if not self.roles:
            raise ValueError("a route must name at least one role")

    async def __call__(self, request: Request) -> Staff:
        authenticator: Authenticator = request.app.state.authenticator
        staff = await authenticator.staff_of(request)
        if staff is None:
            raise NotSignedInError
        if await authenticator.cross_site(request):
            await authenticator.denied(request, staff, "cross-site")
            raise HTTPException(403, "a request from another site")
        if not staff.holds(*self.roles):
            await authenticator.denied(request, staff, "role")
            raise HTTPException(403, f"needs the role {' or '.join(sorted(self.roles))}")
        if request.method not in SAFE_METHODS and not await authenticator.csrf_valid(request):
            await authenticator.denied(request, staff, "csrf")
            raise HTTPException(403, "the CSRF token is missing or wrong")
        return staff


class PublicAccess:
    """The dependency `PUBLIC` stands for: anyone may call the route."""

    async def __call__(self) -> None:
        return None


def allow(*roles: Role) -> Any:
    """`Depends` on the caller holding one of `roles`; returns the `Staff`."""
    return Depends(RoleCheck(roles))


PUBLIC: Any = Depends(PublicAccess())
