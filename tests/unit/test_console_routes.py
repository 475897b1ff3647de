"""Deny by default, over the real console's whole route table: every route names who may
call it (`allow(roles)` or `PUBLIC`, services/console/access.py) and only the routes listed
here are public; without a session or token each protected route answers 401, with each
role it does not allow 403, and a state-changing one without its CSRF token 403. A new
route that names no role, or a new public one, fails here before it can ship open."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from httpx import ASGITransport, AsyncClient
from pydantic import SecretStr
from starlette.routing import BaseRoute

from services.console.access import SAFE_METHODS, PublicAccess, RoleCheck
from services.console.app import create_app
from services.console.roles import Role, Staff
from services.console.settings import ConsoleSettings
from shared.settings import DeploymentSettings, KafkaSettings, MongoSettings
from tests.fakes.console import FakeAuthenticator

#: Every public route, and why it is public. Anything else must name its roles.
PUBLIC_ROUTES = {
    ("GET", "/health"): "the orchestrator's probe; says nothing of reports",
    ("GET", "/metrics"): "answers only a scraper with the metrics token",
    ("GET", "/openapi.json"): "the API's shape, local stacks only",
    ("GET", "/auth/login"): "starts the sign-in",
    ("GET", "/auth/callback"): "the provider sends the browser back here",
    ("POST", "/auth/logout"): "works with an expired session; checks the CSRF token itself",
    ("GET", "/auth/signed-out"): "a page with no data",
    ("GET", "/static/{name}"): "the pages' scripts and styles, a fixed list of files",
}
#: Sample values for path parameters, by name.
PATH_VALUES = {
    "report_id": str(uuid.uuid4()),
    "reference": "LP-20261201-000001-7",
    "name": "console.css",
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    route: BaseRoute
    dependencies: tuple[Any, ...]

    @property
    def access(self) -> RoleCheck | PublicAccess | None:
        """The one access dependency the route names, if it names one."""
        found = [call for call in self.dependencies if isinstance(call, RoleCheck | PublicAccess)]
        assert len(found) <= 1, f"{self.method} {self.path} names its access twice"
        return found[0] if found else None

    @property
    def url(self) -> str:
        url = self.path
        for name, value in PATH_VALUES.items():
            url = url.replace("{" + name + "}", value)
        assert "{" not in url, f"no sample value for a path parameter of {self.path}"
        return url


def console_app(authenticator: FakeAuthenticator | None = None) -> FastAPI:
    """The real console, with settings that name servers nothing connects to (no lifespan
    runs) and the caller whom `authenticator` vouches for."""
    settings = ConsoleSettings(
        kafka=KafkaSettings(bootstrap_servers="127.0.0.1:9"),
        mongo=MongoSettings(uri="mongodb://127.0.0.1:9"),
        oidc_issuer="http://127.0.0.1:9/realms/frontdesk",
        oidc_client_secret=SecretStr("unused-client-secret"),
        audit_digest_key=SecretStr("a-digest-key-for-the-route-table-test"),
        deployment=DeploymentSettings(environment="local"),
    )
    app = create_app(settings)
    app.state.authenticator = authenticator or FakeAuthenticator()
    return app


def _walk(routes: Sequence[Any], prefix: str, inherited: tuple[Any, ...]) -> Iterator[Endpoint]:
    """Routes, including those of included routers (FastAPI 0.165 keeps an included router
    as one object in `app.routes`; its prefix and dependencies apply to its routes)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            context = route.include_context
            calls = tuple(d.dependency for d in context.dependencies)
            yield from _walk(included.routes, prefix + context.prefix, (*inherited, *calls))
            continue
        calls = inherited
        if isinstance(route, APIRoute):
            calls = (*inherited, *(d.call for d in route.dependant.dependencies))
        for method in sorted((getattr(route, "methods", None) or {"GET"}) - {"HEAD"}):
            yield Endpoint(method, prefix + route.path, route, calls)


def endpoints(app: FastAPI) -> list[Endpoint]:
    return list(_walk(app.routes, "", ()))


def _protected() -> list[Any]:
    found = [e for e in endpoints(console_app()) if isinstance(e.access, RoleCheck)]
    return [pytest.param(e.method, e.path, id=f"{e.method} {e.path}") for e in found]


def _too_low() -> list[Any]:
    cases = []
    for endpoint in endpoints(console_app()):
        access = endpoint.access
        if isinstance(access, RoleCheck):
            for role in sorted(set(Role) - access.roles):
                case_id = f"{endpoint.method} {endpoint.path} as {role}"
                cases.append(pytest.param(endpoint.method, endpoint.path, role, id=case_id))
    return cases


def _find(app: FastAPI, method: str, path: str) -> Endpoint:
    return next(e for e in endpoints(app) if (e.method, e.path) == (method, path))


def _staff(*roles: Role) -> Staff:
    teams = frozenset({"crime_bureau"})
    return Staff(user_id="u-routes", username="routes", roles=frozenset(roles), teams=teams)


async def _call(app: FastAPI, endpoint: Endpoint) -> int:
    async with AsyncClient(transport=ASGITransport(app), base_url="http://127.0.0.1") as client:
        answer = await client.request(
            endpoint.method, endpoint.url, headers={"Accept": "application/json"}
        )
    return answer.status_code


def test_every_route_names_who_may_call_it_and_only_the_listed_ones_are_public() -> None:
    table = endpoints(console_app())
    named_public = {(e.method, e.path) for e in table if isinstance(e.access, PublicAccess)}
    unnamed = {(e.method, e.path) for e in table if e.access is None}
    assert unnamed - PUBLIC_ROUTES.keys() == set(), "routes that name no role"
    assert named_public | unnamed == PUBLIC_ROUTES.keys()
    assert len([e for e in table if isinstance(e.access, RoleCheck)]) >= 15


@pytest.mark.parametrize(("method", "path"), _protected())
async def test_without_a_session_or_token_a_protected_route_answers_401(
    method: str, path: str
) -> None:
    authenticator = FakeAuthenticator(staff=None)
    app = console_app(authenticator)
    assert await _call(app, _find(app, method, path)) == 401
    assert authenticator.refusals == []


@pytest.mark.parametrize(("method", "path", "role"), _too_low())
async def test_with_a_role_the_route_does_not_allow_it_answers_403(
    method: str, path: str, role: Role
) -> None:
    authenticator = FakeAuthenticator(staff=_staff(role))
    app = console_app(authenticator)
    assert await _call(app, _find(app, method, path)) == 403
    assert authenticator.refusals == [("u-routes", "role")]


@pytest.mark.parametrize("role", list(Role))
async def test_no_role_alone_opens_a_route_to_staff_without_any_role(role: Role) -> None:
    """A signed-in member of staff holding none of the console's roles (a new starter)
    gets 403 everywhere, whichever role the route names."""
    authenticator = FakeAuthenticator(staff=_staff())
    app = console_app(authenticator)
    named = [
        e for e in endpoints(app) if isinstance(e.access, RoleCheck) and role in e.access.roles
    ]
    assert named, f"no route allows {role}"
    assert [await _call(app, e) for e in named] == [403] * len(named)


async def test_a_state_changing_route_without_its_csrf_token_answers_403() -> None:
    """Every route that changes state refuses a request without its session's CSRF token:
    those behind a role through `RoleCheck`; sign-out checks it itself (with a real session:
    tests/e2e/test_console_browser.py)."""
    authenticator = FakeAuthenticator(staff=_staff(*Role), csrf=False)
    app = console_app(authenticator)
    changing = [e for e in endpoints(app) if e.method not in SAFE_METHODS]
    behind_roles = [e for e in changing if isinstance(e.access, RoleCheck)]
    checked_itself = {(e.method, e.path) for e in changing if e not in behind_roles}
    statuses = [await _call(app, e) for e in behind_roles]
    assert checked_itself == {("POST", "/auth/logout")}
    assert statuses == [403] * len(behind_roles)
    assert authenticator.refusals == [("u-routes", "csrf")] * len(behind_roles)
