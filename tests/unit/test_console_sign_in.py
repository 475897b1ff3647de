"""The start of a sign-in and the callbacks that must open no session (the whole flow runs
against a real Keycloak in tests/integration/test_console_sign_in.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from services.console.audit import AccessAction
from services.console.signin import pkce_challenge
from tests.console_auth_app import Console, console_app
from tests.token_issuer import serving_provider

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
async def console() -> Any:
    async with serving_provider(NOW) as provider, console_app(provider) as app:
        yield app


async def _start(console: Console, next_path: str) -> dict[str, str]:
    answer = await console.http.get("/auth/login", params={"next": next_path})
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        console.provider.issuer + "/auth"
    )
    return {name: values[0] for name, values in parse_qs(location.query).items()}


async def test_login_sends_the_browser_to_the_provider_with_pkce(console: Console) -> None:
    query = await _start(console, "/reports/1")
    login = console.sessions.logins[query["state"]]
    assert query["response_type"] == "code"
    assert query["client_id"] == "frontdesk-console"
    assert query["redirect_uri"] == "http://console.test/auth/callback"
    assert query["scope"].split() == ["openid", "profile"]
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == pkce_challenge(login.code_verifier)
    assert query["nonce"] == login.nonce
    assert login.code_verifier not in str(query)
    assert login.next_path == "/reports/1"


async def test_login_refuses_to_send_anyone_elsewhere_afterwards(console: Console) -> None:
    query = await _start(console, "https://evil.example/phish")
    assert console.sessions.logins[query["state"]].next_path == "/"


async def _failure(console: Console, params: dict[str, str]) -> tuple[int, str | None]:
    answer = await console.http.get("/auth/callback", params=params)
    assert console.authenticator.cookie.name not in answer.headers.get("set-cookie", "")
    assert 'href="/auth/login"' in answer.text
    assert console.sessions.sessions == {}
    (entry,) = console.access_log.recorded
    assert (entry.action, entry.user_id, entry.username) == (
        AccessAction.SIGN_IN_FAILED,
        None,
        None,
    )
    return answer.status_code, entry.detail


async def test_a_failed_sign_in_shows_its_page_and_does_not_loop(console: Console) -> None:
    query = await _start(console, "/")
    answer = await console.http.get(
        "/auth/callback",
        params={"state": query["state"], "error": "access_denied"},
        headers={"Accept": "text/html"},
    )
    assert answer.status_code == 401
    assert "Sign-in failed" in answer.text
    assert "http-equiv" not in answer.text


async def test_a_callback_with_an_unknown_state_is_refused(console: Console) -> None:
    await _start(console, "/")
    assert await _failure(console, {"state": "forged", "code": "c"}) == (400, "state")


async def test_a_state_serves_once(console: Console) -> None:
    query = await _start(console, "/")
    await console.http.get("/auth/callback", params={"state": query["state"], "error": "x"})
    console.access_log.stored.clear()
    assert await _failure(console, {"state": query["state"], "code": "c"}) == (400, "state")


async def test_a_state_lasts_ten_minutes(console: Console) -> None:
    query = await _start(console, "/")
    console.provider.clock.advance(timedelta(minutes=10))
    params = {"state": query["state"], "code": "c"}
    assert await _failure(console, params) == (400, "state_expired")


async def test_the_providers_error_is_noted_by_its_code_only(console: Console) -> None:
    query = await _start(console, "/")
    params = {"state": query["state"], "error": "access_denied", "error_description": "a@b.c"}
    assert await _failure(console, params) == (401, "provider: access_denied")
    query = await _start(console, "/")
    console.access_log.stored.clear()
    params = {"state": query["state"], "error": "<script>alert(1)</script>"}
    assert await _failure(console, params) == (401, "provider: unreadable")


async def test_a_callback_without_a_code_is_refused(console: Console) -> None:
    query = await _start(console, "/")
    assert await _failure(console, {"state": query["state"]}) == (400, "no_code")


async def test_a_token_endpoint_that_gives_no_tokens_opens_no_session(console: Console) -> None:
    query = await _start(console, "/")  # the test provider's token endpoint answers nonsense
    params = {"state": query["state"], "code": "c"}
    assert await _failure(console, params) == (502, "provider_unavailable")


async def test_sign_out_without_a_session_lands_on_signed_out(console: Console) -> None:
    answer = await console.http.post("/auth/logout")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/auth/signed-out"
    page = await console.http.get("/auth/signed-out")
    assert "You are signed out" in page.text
    assert 'href="/auth/login"' in page.text


async def test_sign_out_needs_the_csrf_token(console: Console) -> None:
    session = await console.sign_in()
    refused = await console.http.post("/auth/logout", data={"csrf_token": "guess"})
    assert refused.status_code == 403
    assert session.key in console.sessions.sessions
    answer = await console.http.post("/auth/logout", data={"csrf_token": session.csrf_token})
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    query = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert location.path == "/realms/test/logout"
    assert query["id_token_hint"] == "id-token"
    assert query["post_logout_redirect_uri"] == "http://console.test/auth/signed-out"
    assert console.sessions.sessions == {}
    assert [e.action for e in console.access_log.recorded] == [
        AccessAction.DENIED,
        AccessAction.SIGN_OUT,
    ]
    assert 'frontdesk_session=""' in answer.headers["set-cookie"]


async def test_me_tells_who_i_am_and_my_csrf_token(console: Console) -> None:
    session = await console.sign_in()
    answer = await console.http.get("/auth/me")
    assert answer.json() == {
        "user_id": "u-1",
        "username": "sgt.patel",
        "roles": ["operator"],
        "teams": ["crime_bureau"],
        "csrf_token": session.csrf_token,
    }


async def test_a_provider_that_cannot_be_read_is_an_unavailable_sign_in(
    console: Console,
) -> None:
    console.provider.discovery.statuses = [500]
    page = await console.http.get("/auth/login", params={"next": "/"})
    assert page.status_code == 502
    assert "Sign-in is unavailable" in page.text
    headers = {"Authorization": f"Bearer {console.provider.token()}"}
    assert (await console.http.get("/v1/queue", headers=headers)).status_code == 503
    assert console.access_log.recorded == []
