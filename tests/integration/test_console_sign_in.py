"""Sign-in to the console against a real Keycloak: the login form is driven over HTTP as a
browser would (GET the provider's login page, POST username and password, follow the
redirects to the callback), so the whole Authorization Code + PKCE flow runs for real; the
sessions are in the real Mongo-wire server.

The provider is the test stack's Keycloak with its realm `frontdesk` and demo users
(deploy/local/keycloak/frontdesk-realm.json)."""

from __future__ import annotations

import html
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr
from pymongo import AsyncMongoClient

from services.console.audit import AccessAction
from services.console.authenticator import ConsoleAuthenticator
from services.console.roles import Role, Staff
from services.console.sessions import MongoSessions
from services.console.settings import ConsoleSettings
from services.console.signin import LoginState, SessionPolicy, StaffSession, session_key
from services.console.staff_store import MongoStaffDirectory
from shared.clock import SystemClock
from shared.mongo import Document
from shared.settings import DeploymentSettings
from tests.conftest import Servers, demo_password, password_grant
from tests.console_auth_app import build_console
from tests.fakes.console import FakeAccessLog

pytestmark = pytest.mark.integration

#: A loopback address: the realm's redirect URIs allow any port of 127.0.0.1 (RFC 8252).
CONSOLE = "http://127.0.0.1:18999"
IGNORED = frozenset({"Secure", "Version=1"})
FORM_ACTION = re.compile(r'<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"')


class LoopbackBrowser(httpx.AsyncBaseTransport):
    """Keeps Keycloak's cookies as a browser does: a loopback address is a secure context,
    so its Secure cookies come back over http, and the obsolete `Version=1` attribute is
    ignored (Python's cookie jar would otherwise never send either back)."""

    def __init__(self) -> None:
        self._network = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._network.handle_async_request(request)
        headers = [(k, v) for k, v in response.headers.multi_items() if k != "set-cookie"]
        for cookie in response.headers.get_list("set-cookie"):
            kept = [part for part in cookie.split(";") if part.strip() not in IGNORED]
            headers.append(("set-cookie", ";".join(kept)))
        return httpx.Response(
            response.status_code,
            headers=headers,
            stream=response.stream,
            extensions=response.extensions,
            request=request,
        )

    async def aclose(self) -> None:
        await self._network.aclose()


@dataclass
class SignedIn:
    browser: httpx.AsyncClient
    authenticator: ConsoleAuthenticator
    access_log: FakeAccessLog
    issuer: str
    database: str


@pytest.fixture
async def console(
    servers: Servers, mongo: AsyncMongoClient[Document], database_name: str
) -> AsyncIterator[SignedIn]:
    if servers.oidc_issuer is None:
        pytest.fail("CONSOLE_OIDC_ISSUER is not set: run on the local test stack", pytrace=False)
    settings = ConsoleSettings(
        oidc_issuer=servers.oidc_issuer,
        oidc_client_secret=SecretStr(os.environ["CONSOLE_OIDC_CLIENT_SECRET"]),
        public_url=CONSOLE,
        deployment=DeploymentSettings(environment="local"),
    )
    policy = SessionPolicy(settings.session_idle, settings.session_absolute)
    sessions = MongoSessions(mongo[database_name], policy)
    await sessions.create_indexes()
    access_log = FakeAccessLog()
    directory = MongoStaffDirectory(mongo[database_name])
    async with httpx.AsyncClient(timeout=10.0) as outbound:
        app, authenticator = build_console(
            settings, sessions, access_log, SystemClock(), outbound, directory
        )
        mounts = {f"{CONSOLE}/": httpx.ASGITransport(app=app)}
        browser_client = httpx.AsyncClient(transport=LoopbackBrowser(), mounts=mounts, timeout=10.0)
        async with browser_client as browser:
            yield SignedIn(browser, authenticator, access_log, servers.oidc_issuer, database_name)


async def _sign_in(console: SignedIn, username: str, next_path: str) -> httpx.Response:
    """As a browser: to the console's login, the provider's form, and back."""
    browser = console.browser
    page = await browser.get(
        f"{CONSOLE}/auth/login", params={"next": next_path}, follow_redirects=True
    )
    assert page.status_code == 200, page.text
    action = FORM_ACTION.search(page.text)
    assert action is not None, "no login form on the provider's page"
    return await browser.post(
        html.unescape(action.group(1)),
        data={"username": username, "password": demo_password(username), "credentialId": ""},
        follow_redirects=True,
    )


def _callback_of(landed: httpx.Response) -> httpx.Response:
    return next(r for r in landed.history if r.url.path == "/auth/callback")


async def test_an_operator_signs_in_with_pkce_and_lands_where_they_were_going(
    console: SignedIn, mongo: AsyncMongoClient[Document]
) -> None:
    landed = await _sign_in(console, "operator", "/queue?grade=2")
    assert landed.status_code == 200, landed.text
    assert str(landed.url) == f"{CONSOLE}/queue?grade=2"
    assert landed.text == "queue of operator"
    callback = _callback_of(landed)
    cookies = callback.headers.get_list("set-cookie")
    assert any(c.startswith('frontdesk_login=""') for c in cookies)  # the binding, cleared
    cookie = next(c for c in cookies if c.startswith("frontdesk_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Max-Age" not in cookie
    session_id = cookie.split(";")[0].split("=", 1)[1]
    stored = await mongo[console.database]["sessions"].find_one({"_id": session_key(session_id)})
    assert stored is not None
    assert session_id not in str(stored)
    assert stored["staff"]["roles"] == ["operator"]
    assert sorted(stored["staff"]["teams"]) == ["crime_bureau", "lost_property"]
    (entry,) = console.access_log.recorded
    assert (entry.action, entry.username, entry.roles) == (
        AccessAction.SIGN_IN,
        "operator",
        ["operator"],
    )
    colleagues = await MongoStaffDirectory(mongo[console.database]).of_team("lost_property")
    assert [(m.username, sorted(m.teams)) for m in colleagues] == [
        ("operator", ["crime_bureau", "lost_property"])
    ]  # remembered at sign-in, for "assign to a colleague"


async def test_me_then_sign_out_at_the_provider(console: SignedIn) -> None:
    await _sign_in(console, "supervisor", "/")
    me = (await console.browser.get(f"{CONSOLE}/auth/me")).json()
    assert (me["username"], me["roles"]) == ("supervisor", ["supervisor"])
    answer = await console.browser.post(
        f"{CONSOLE}/auth/logout", data={"csrf_token": me["csrf_token"]}
    )
    assert answer.status_code == 303
    end_session = urlsplit(answer.headers["location"])
    assert answer.headers["location"].startswith(console.issuer + "/protocol/openid-connect")
    assert "id_token_hint" in parse_qs(end_session.query)
    landed = await console.browser.get(answer.headers["location"], follow_redirects=True)
    assert str(landed.url) == f"{CONSOLE}/auth/signed-out"
    assert "You are signed out" in landed.text
    assert (await console.browser.get(f"{CONSOLE}/auth/me")).status_code == 401
    assert [e.action for e in console.access_log.recorded] == [
        AccessAction.SIGN_IN,
        AccessAction.SIGN_OUT,
    ]


async def test_someone_with_no_console_role_signs_in_to_nothing(console: SignedIn) -> None:
    landed = await _sign_in(console, "newstarter", "/queue")
    assert landed.status_code == 403
    assert [e.action for e in console.access_log.recorded] == [
        AccessAction.SIGN_IN,
        AccessAction.DENIED,
    ]


async def test_a_replayed_callback_opens_no_second_session(console: SignedIn) -> None:
    landed = await _sign_in(console, "operator", "/queue")
    replay = await console.browser.get(str(_callback_of(landed).url))
    assert replay.status_code == 400
    assert console.access_log.recorded[-1].detail == "state"


async def test_a_callback_replayed_in_another_browser_signs_no_one_in(
    console: SignedIn,
) -> None:
    """Login CSRF: browser A's sign-in stops before its callback; A's callback URL, sent to
    browser B (signed in as someone else), is refused and B's session stays open."""
    browser_a = console.browser
    landed = await _sign_in(console, "supervisor", "/queue")  # B's own sign-in, first
    b_session = browser_a.cookies["frontdesk_session"]
    b_cookies = httpx.Cookies(browser_a.cookies)
    browser_a.cookies.clear()
    page = await browser_a.get(f"{CONSOLE}/auth/login", params={"next": "/"}, follow_redirects=True)
    action = FORM_ACTION.search(page.text)
    assert action is not None, "no login form on the provider's page"
    to_callback = await browser_a.post(
        html.unescape(action.group(1)),
        data={"username": "operator", "password": demo_password("operator"), "credentialId": ""},
    )
    assert to_callback.status_code == 302, to_callback.text
    callback_url = to_callback.headers["location"]
    assert urlsplit(callback_url).path == "/auth/callback"
    browser_a.cookies.clear()
    browser_a.cookies.update(b_cookies)  # now the cookie jar is browser B's
    replayed = await browser_a.get(callback_url)
    assert replayed.status_code == 400
    assert "set-cookie" not in replayed.headers
    me = await browser_a.get(f"{CONSOLE}/auth/me")
    assert (me.status_code, me.json()["username"]) == (200, "supervisor")
    assert browser_a.cookies["frontdesk_session"] == b_session
    assert landed.status_code == 403  # a supervisor has no queue page in this app
    assert console.access_log.recorded[-1].action == AccessAction.SIGN_IN_FAILED
    assert console.access_log.recorded[-1].detail == "binding"


async def test_an_api_client_with_a_keycloak_access_token(
    console: SignedIn, servers: Servers
) -> None:
    grant = password_grant(servers, "operator")
    grant.raise_for_status()
    tokens = grant.json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    answer = await console.browser.post(f"{CONSOLE}/v1/notes", headers=bearer)
    assert answer.status_code == 200
    assert answer.json() == {"username": "operator"}
    id_as_access = {"Authorization": f"Bearer {tokens['id_token']}"}
    refused = await console.browser.get(f"{CONSOLE}/v1/queue", headers=id_as_access)
    assert refused.status_code == 401
    assert console.access_log.recorded[-1].detail in {
        "bearer token: audience",
        "bearer token: token_type",
    }


async def test_mongo_sessions_keep_sessions_and_give_a_login_state_once(
    mongo: AsyncMongoClient[Document], database_name: str
) -> None:
    policy = SessionPolicy(timedelta(minutes=30), timedelta(hours=10))
    sessions = MongoSessions(mongo[database_name], policy)
    await sessions.create_indexes()
    now = SystemClock().now().replace(microsecond=0)
    staff = Staff("u-9", "insp.jones", frozenset({Role.SUPERVISOR}), frozenset({"control_room"}))
    _, session = StaffSession.open(staff, "id-token", now)
    await sessions.open(session)
    assert await sessions.find(session.key) == session
    await sessions.touch(session.key, now + timedelta(minutes=2))
    await sessions.touch(session.key, now + timedelta(minutes=1))  # never moves back
    found = await sessions.find(session.key)
    assert found is not None
    assert found.last_seen_at == now + timedelta(minutes=2)
    await sessions.close(session.key)
    assert await sessions.find(session.key) is None
    login = LoginState.start("/queue", now, "the-binding")
    await sessions.begin_login(login)
    assert await sessions.find_login(login.state) == login
    assert await sessions.take_login(login.state) == login
    assert await sessions.take_login(login.state) is None
