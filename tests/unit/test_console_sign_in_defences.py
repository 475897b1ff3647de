"""The defences the security review asked for: a sign-in bound to the browser that began
it (no login CSRF), unbound callbacks and sign-in starts that cannot flood the access log
or the login states, cross-site API requests refused, polls that keep no session alive,
sign-out's own CSRF check, ID tokens refused as access tokens however marked, and a
provider's unusable answers."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from fastapi import Response

from services.console.audit import AccessAction
from services.console.authenticator import LoginCookie
from services.console.tokens import TokenRefusedError
from tests.console_auth_app import Console, console_app
from tests.token_issuer import ServedProvider, serving_provider, verifier_of

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LOGIN_COOKIE = "frontdesk_login"


@pytest.fixture
async def console() -> Any:
    async with serving_provider(NOW) as provider, console_app(provider) as app:
        yield app


async def _start(console: Console) -> str:
    answer = await console.http.get("/auth/login", params={"next": "/queue"})
    assert answer.status_code == 303
    return parse_qs(urlsplit(answer.headers["location"]).query)["state"][0]


def _failures(console: Console) -> list[str | None]:
    return [
        e.detail for e in console.access_log.recorded if e.action == AccessAction.SIGN_IN_FAILED
    ]


@pytest.mark.parametrize("secure", [False, True])
def test_the_login_cookie_is_httponly_lax_under_auth_and_short_lived(secure: bool) -> None:
    response = Response()
    LoginCookie(secure=secure).set(response, "the-binding")
    cookie = response.headers["set-cookie"]
    name = "__Secure-frontdesk_login" if secure else LOGIN_COOKIE
    assert cookie.startswith(f"{name}=the-binding;")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/auth" in cookie
    assert "Max-Age=600" in cookie
    assert ("Secure" in cookie) is secure


async def test_login_binds_the_state_to_a_cookie_of_this_browser(console: Console) -> None:
    state = await _start(console)
    binding = console.http.cookies[LOGIN_COOKIE]
    digest = hashlib.sha256(binding.encode()).hexdigest()
    assert console.sessions.logins[state].binding_digest == digest
    assert binding not in str(console.sessions.logins[state])


async def test_a_callback_in_another_browser_is_refused_and_closes_nothing(
    console: Console,
) -> None:
    state = await _start(console)  # the attacker's sign-in, its callback sent to a victim
    console.http.cookies.clear()
    victim = await console.sign_in()
    answer = await console.http.get("/auth/callback", params={"state": state, "code": "c"})
    assert answer.status_code == 400
    assert victim.key in console.sessions.sessions
    assert state in console.sessions.logins  # not taken: its own browser may still finish
    console.http.cookies.set(LOGIN_COOKIE, "another-browsers", path="/auth")
    answer = await console.http.get("/auth/callback", params={"state": state, "code": "c"})
    assert answer.status_code == 400
    assert list(console.sessions.sessions) == [victim.key]
    assert _failures(console) == ["binding"]  # the second: same address, same minute


async def test_unbound_callbacks_are_noted_once_a_minute_per_client(console: Console) -> None:
    for _ in range(20):
        answer = await console.http.get("/auth/callback", params={"state": "made-up"})
        assert answer.status_code == 400
    assert _failures(console) == ["state"]
    console.provider.clock.advance(timedelta(minutes=1))
    await console.http.get("/auth/callback", params={"state": "made-up"})
    assert _failures(console) == ["state", "state"]


async def test_failures_of_bound_sign_ins_are_each_noted(console: Console) -> None:
    for _ in range(3):
        state = await _start(console)
        params = {"state": state, "error": "access_denied"}
        answer = await console.http.get("/auth/callback", params=params)
        assert answer.status_code == 401
        assert f'{LOGIN_COOKIE}=""' in answer.headers["set-cookie"]  # cleared after
    assert _failures(console) == ["provider: access_denied"] * 3


async def test_one_client_cannot_start_unbounded_sign_ins(console: Console) -> None:
    for _ in range(30):
        assert (await console.http.get("/auth/login")).status_code == 303
    refused = await console.http.get("/auth/login")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert len(console.sessions.logins) == 30
    console.provider.clock.advance(timedelta(seconds=2))
    assert (await console.http.get("/auth/login")).status_code == 303


@pytest.mark.parametrize("site", ["cross-site", "same-site", "CROSS-SITE"])
async def test_a_cross_site_api_request_with_the_cookie_is_refused(
    console: Console, site: str
) -> None:
    await console.sign_in()
    answer = await console.http.get("/v1/queue", headers={"Sec-Fetch-Site": site})
    assert answer.status_code == 403
    (entry,) = console.access_log.recorded
    assert (entry.action, entry.detail) == (AccessAction.DENIED, "cross-site: GET /v1/queue")


async def test_own_site_requests_pages_and_bearer_tokens_are_not_cross_site(
    console: Console,
) -> None:
    await console.sign_in()
    for headers in [{}, {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}]:
        assert (await console.http.get("/v1/queue", headers=headers)).status_code == 200
    page = await console.http.get("/queue", headers={"Sec-Fetch-Site": "cross-site"})
    assert page.status_code == 200
    console.http.cookies.clear()
    bearer = {"Authorization": f"Bearer {console.provider.token()}", "Sec-Fetch-Site": "cross-site"}
    assert (await console.http.get("/v1/queue", headers=bearer)).status_code == 200
    assert console.access_log.recorded == []


async def test_polls_do_not_keep_an_idle_session_alive(console: Console) -> None:
    await console.sign_in()
    poll = {"X-Console-Poll": "1"}
    for _ in range(59):  # every 30 s for 29.5 minutes
        console.provider.clock.advance(timedelta(seconds=30))
        assert (await console.http.get("/v1/queue", headers=poll)).status_code == 200
    assert console.sessions.touches == 0
    console.provider.clock.advance(timedelta(seconds=30))  # 30 minutes since the last use
    assert (await console.http.get("/v1/queue", headers=poll)).status_code == 401
    assert console.sessions.sessions == {}


def test_the_queue_page_sends_its_polls_as_polls() -> None:
    with open("services/console/static/console.js", encoding="utf-8") as script:
        assert '"X-Console-Poll": "1"' in script.read()
    with open("services/console/static/queue.js", encoding="utf-8") as script:
        assert "setInterval(() => refresh(true)" in script.read()


async def test_a_bearer_header_does_not_excuse_sign_out_from_its_csrf_token(
    console: Console,
) -> None:
    session = await console.sign_in()
    bearer = {"Authorization": f"Bearer {console.provider.token()}"}
    refused = await console.http.post("/auth/logout", headers=bearer)
    assert refused.status_code == 403
    assert session.key in console.sessions.sessions
    assert [e.detail for e in console.access_log.recorded] == ["csrf: POST /auth/logout"]


def _token(provider: ServedProvider, header_type: str | None, **claims: Any) -> str:
    key = provider.keys[0]
    headers = {"kid": key.kid, "typ": header_type}
    return jwt.encode(provider.claims(**claims), key.private, key.algorithm, headers=headers)


@pytest.mark.parametrize(
    ("header_type", "claims"),
    [
        ("JWT", {"nonce": "n-1"}),
        ("id+jwt", {}),
        ("ID", {}),
        ("logout+jwt", {}),
        ("JWT", {"typ": "ID"}),
    ],
)
async def test_an_id_token_is_no_access_token_however_marked(
    header_type: str, claims: dict[str, Any]
) -> None:
    async with serving_provider(NOW) as provider, verifier_of(provider) as verifier:
        # Entra ID's ID tokens: our client as audience, a nonce, no `typ` claim
        token = _token(provider, header_type, **{"typ": None, **claims})
        with pytest.raises(TokenRefusedError) as refused:
            await verifier.access_token(token)
    assert refused.value.reason == "token_type"


@pytest.mark.parametrize("header_type", [None, "JWT", "jwt", "at+jwt", "AT+JWT"])
async def test_access_token_header_types_are_accepted(header_type: str | None) -> None:
    async with serving_provider(NOW) as provider, verifier_of(provider) as verifier:
        claims = await verifier.access_token(_token(provider, header_type))
    assert claims["preferred_username"] == "sgt.patel"


@pytest.mark.parametrize("answer", [b"not json", b"[1, 2]", b'"tokens"'])
async def test_a_token_endpoint_answering_no_json_object_is_the_provider_unavailable(
    console: Console, answer: bytes
) -> None:
    state = await _start(console)  # discovery read; the token endpoint is the same server
    console.provider.discovery.answer = answer
    callback = await console.http.get("/auth/callback", params={"state": state, "code": "c"})
    assert callback.status_code == 502
    assert _failures(console) == ["provider_unavailable"]


async def test_a_failed_discovery_is_not_fetched_again_for_five_seconds(
    console: Console,
) -> None:
    console.provider.discovery.statuses = [500, 200]
    assert (await console.http.get("/auth/login")).status_code == 502
    for _ in range(10):
        assert (await console.http.get("/auth/login")).status_code == 502
    assert len(console.provider.discovery.calls) == 1
    console.provider.clock.advance(timedelta(seconds=5))
    assert (await console.http.get("/auth/login")).status_code == 303
    assert len(console.provider.discovery.calls) == 2
