"""Sessions, CSRF, bearer tokens and the security headers, through the real Authenticator
and middleware over fake sessions and access log (the provider's keys served locally)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import Response

from services.console.audit import AccessAction
from services.console.authenticator import SessionCookie
from services.console.roles import Staff
from services.console.signin import (
    LoginState,
    SessionPolicy,
    StaffSession,
    csrf_matches,
    pkce_challenge,
    safe_next_path,
    session_key,
)
from tests.console_auth_app import OPERATOR, Console, console_app
from tests.token_issuer import serving_provider

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture
async def console() -> Any:
    async with serving_provider(NOW) as provider, console_app(provider) as app:
        yield app


def test_the_pkce_challenge_is_rfc_7636s() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@pytest.mark.parametrize(
    ("raw", "lands_on"),
    [
        ("/reports/1?tab=timeline", "/reports/1?tab=timeline"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/ok\\..\\", "/"),
        ("reports", "/"),
        ("/a\r\nSet-Cookie: x=1", "/"),
        ("/\u202ereversed", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_names_only_a_path_of_the_console(raw: str | None, lands_on: str) -> None:
    assert safe_next_path(raw) == lands_on


def test_a_login_state_is_random_and_lasts_ten_minutes() -> None:
    first, second = LoginState.start("/queue", NOW, "b1"), LoginState.start("//evil", NOW, "b2")
    assert len({first.state, first.nonce, first.code_verifier, second.state}) == 4
    assert "b1" not in first.binding_digest
    assert first.bound_to("b1")
    assert not first.bound_to("b2")
    assert not first.bound_to(None)
    assert len(first.code_verifier) >= 43  # 256 bits, as RFC 7636 asks at least
    assert second.next_path == "/"
    assert not first.expired(NOW + timedelta(minutes=9, seconds=59))
    assert first.expired(NOW + timedelta(minutes=10))


def test_a_session_is_stored_under_the_digest_of_its_id() -> None:
    session_id, session = StaffSession.open(OPERATOR, "id-token", NOW)
    assert session.key == session_key(session_id) != session_id
    assert len(session_id) >= 43


def test_sessions_end_when_idle_or_too_old() -> None:
    policy = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=10))
    _, session = StaffSession.open(OPERATOR, "id-token", NOW)
    assert policy.live(session, NOW + timedelta(minutes=29))
    assert not policy.live(session, NOW + timedelta(minutes=30))
    busy = session.seen(NOW + timedelta(hours=9, minutes=59))
    assert policy.live(busy, NOW + timedelta(hours=9, minutes=59, seconds=30))
    assert not policy.live(busy, NOW + timedelta(hours=10))
    assert not policy.live(session, NOW - timedelta(seconds=1))


def test_csrf_tokens_compare_whole() -> None:
    assert csrf_matches("abc", "abc")
    assert not csrf_matches("abc", "abd")
    assert not csrf_matches("abc", "ab")
    assert not csrf_matches("abc", None)
    assert not csrf_matches("abc", "")


@pytest.mark.parametrize("secure", [True, False])
def test_the_session_cookie_is_httponly_lax_and_ends_with_the_browser(secure: bool) -> None:
    response = Response()
    SessionCookie(secure=secure).set(response, "the-id")
    cookie = response.headers["set-cookie"]
    name = "__Host-frontdesk_session" if secure else "frontdesk_session"
    assert cookie.startswith(f"{name}=the-id;")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie
    assert ("Secure" in cookie) is secure
    assert "Max-Age" not in cookie
    assert "expires" not in cookie.lower()
    assert "Domain" not in cookie


async def test_a_live_session_lets_its_holder_in(console: Console) -> None:
    await console.sign_in()
    answer = await console.http.get("/v1/queue")
    assert answer.status_code == 200
    assert answer.json() == {"username": "sgt.patel"}


async def test_an_idle_session_ends_and_is_removed(console: Console) -> None:
    await console.sign_in()
    console.provider.clock.advance(timedelta(minutes=30))
    answer = await console.http.get("/v1/queue")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert console.sessions.sessions == {}


async def test_a_busy_session_ends_at_its_absolute_timeout(console: Console) -> None:
    await console.sign_in()
    for _ in range(29):
        console.provider.clock.advance(timedelta(minutes=20))
        assert (await console.http.get("/v1/queue")).status_code == 200
    console.provider.clock.advance(timedelta(minutes=20))  # 10 h after sign-in
    assert (await console.http.get("/v1/queue")).status_code == 401


async def test_last_seen_is_written_at_most_once_a_minute(console: Console) -> None:
    await console.sign_in()
    for _ in range(3):
        console.provider.clock.advance(timedelta(seconds=19))
        await console.http.get("/v1/queue")
    assert console.sessions.touches == 0
    console.provider.clock.advance(timedelta(seconds=4))
    await console.http.get("/v1/queue")
    assert console.sessions.touches == 1


async def test_a_state_change_needs_the_sessions_csrf_token(console: Console) -> None:
    session = await console.sign_in()
    without = await console.http.post("/v1/notes")
    wrong = await console.http.post("/v1/notes", headers={"X-CSRF-Token": "guess"})
    by_header = await console.http.post("/v1/notes", headers={"X-CSRF-Token": session.csrf_token})
    by_form = await console.http.post("/v1/notes", data={"csrf_token": session.csrf_token})
    assert (without.status_code, wrong.status_code) == (403, 403)
    assert (by_header.status_code, by_form.status_code) == (200, 200)
    denials = [e for e in console.access_log.recorded if e.action == AccessAction.DENIED]
    assert [e.detail for e in denials] == ["csrf: POST /v1/notes"] * 2
    assert denials[0].user_id == "u-1"


async def test_a_role_the_route_does_not_allow_is_denied_and_noted(console: Console) -> None:
    await console.sign_in(Staff("u-2", "pc.nobody", frozenset(), frozenset()))
    answer = await console.http.get("/v1/queue")
    assert answer.status_code == 403
    (entry,) = console.access_log.recorded
    assert (entry.action, entry.detail, entry.username) == (
        AccessAction.DENIED,
        "role: GET /v1/queue",
        "pc.nobody",
    )


async def test_a_bearer_token_needs_no_csrf_token(console: Console) -> None:
    headers = {"Authorization": f"Bearer {console.provider.token()}"}
    answer = await console.http.post("/v1/notes", headers=headers)
    assert answer.status_code == 200
    assert answer.json() == {"username": "sgt.patel"}


async def test_a_bearer_token_with_no_console_role_is_signed_in_but_may_do_nothing(
    console: Console,
) -> None:
    headers = {"Authorization": f"Bearer {console.provider.token(roles=['offline_access'])}"}
    for path in ("/v1/queue", "/auth/me"):
        assert (await console.http.get(path, headers=headers)).status_code == 403
    assert {e.action for e in console.access_log.recorded} == {AccessAction.DENIED}


async def test_a_refused_bearer_token_is_noted_once_a_minute(console: Console) -> None:
    expired = console.provider.token(exp=int(NOW.timestamp()) - 120)
    headers = {"Authorization": f"Bearer {expired}"}
    for _ in range(5):
        answer = await console.http.get("/v1/queue", headers=headers)
        assert answer.status_code == 401
    console.provider.clock.advance(timedelta(minutes=1))
    await console.http.get("/v1/queue", headers=headers)
    failures = [e for e in console.access_log.recorded if e.action == AccessAction.SIGN_IN_FAILED]
    assert [e.detail for e in failures] == ["bearer token: expired"] * 2
    assert all(e.user_id is None for e in failures)


async def test_every_answer_carries_the_security_headers(console: Console) -> None:
    answer = await console.http.get("/v1/queue")
    csp = answer.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self';" in csp
    assert "'unsafe-inline'" not in csp
    assert f"form-action 'self' {console.provider.issuer.split('/realms')[0]};" in csp
    assert "frame-ancestors 'none'" in csp
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["cross-origin-opener-policy"] == "same-origin"
    assert answer.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in answer.headers
    static = await console.http.get("/static/console.js")
    assert "cache-control" not in static.headers
    assert static.headers["x-content-type-options"] == "nosniff"


async def test_https_adds_hsts() -> None:
    async with serving_provider(NOW) as provider, console_app(provider, "https://c.test") as app:
        answer = await app.http.get("/auth/signed-out")
    assert answer.headers["strict-transport-security"].startswith("max-age=")


async def test_a_page_asks_a_stranger_to_sign_in_without_script(console: Console) -> None:
    answer = await console.http.get("/queue?grade=1&team=crime_bureau", headers=HTML)
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("text/html")
    target = "/auth/login?next=/queue%3Fgrade%3D1%26team%3Dcrime_bureau"
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in answer.text
    assert f'<a href="{target}">' in answer.text
    assert "<script" not in answer.text
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")


async def test_the_api_answers_a_stranger_in_json(console: Console) -> None:
    answer = await console.http.get("/v1/queue", headers=HTML)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.json() == {"detail": "sign in first"}
