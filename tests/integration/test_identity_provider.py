"""The local OpenID Connect provider (Keycloak, realm `frontdesk`) the console signs staff
in with: what the console relies on it for, against the stack's real server."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from typing import Any

import httpx
import pytest

from tests.conftest import Servers, demo_password, password_grant

pytestmark = pytest.mark.integration

CONSOLE = "frontdesk-console"
#: The demo users of deploy/local/keycloak/frontdesk-realm.json: (roles, teams).
DEMO_USERS = {
    "viewer": (["viewer"], []),
    "operator": (["operator"], ["crime_bureau", "lost_property"]),
    "operator2": (["operator"], ["road_policing"]),
    "supervisor": (["supervisor"], []),
    "auditor": (["auditor"], []),
    "newstarter": ([], []),  # an account before its roles are granted: signs in to nothing
}
HTTP_OK, HTTP_FOUND, HTTP_BAD_REQUEST, HTTP_UNAUTHORIZED = 200, 302, 400, 401


@pytest.fixture(scope="module")
def issuer(servers: Servers) -> str:
    if servers.oidc_issuer is None:
        pytest.fail("CONSOLE_OIDC_ISSUER is not set: run on the local test stack", pytrace=False)
    return servers.oidc_issuer


@pytest.fixture(scope="module")
def discovery(issuer: str) -> dict[str, Any]:
    answer = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
    assert answer.status_code == HTTP_OK
    document: dict[str, Any] = answer.json()
    return document


def _claims(token: str) -> dict[str, Any]:
    """A JWT's payload, unverified: what the provider put in it is the subject here."""
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def _audiences(claims: dict[str, Any]) -> list[str]:
    audience = claims["aud"]
    return [audience] if isinstance(audience, str) else list(audience)


def test_the_discovery_document_names_the_issuer_keys_sign_out_and_s256(
    issuer: str, discovery: dict[str, Any]
) -> None:
    keys = httpx.get(discovery["jwks_uri"], timeout=10).json()["keys"]

    assert discovery["issuer"] == issuer
    assert discovery["end_session_endpoint"].startswith(f"{issuer}/")
    assert "S256" in discovery["code_challenge_methods_supported"]
    assert any(key["alg"] == "RS256" and key["use"] == "sig" for key in keys)


@pytest.mark.parametrize("username", sorted(DEMO_USERS))
def test_every_demo_user_gets_tokens_with_their_roles_teams_and_the_console_audience(
    servers: Servers, issuer: str, username: str
) -> None:
    roles, teams = DEMO_USERS[username]

    answer = password_grant(servers, username)

    assert answer.status_code == HTTP_OK, answer.text
    access, identity = _claims(answer.json()["access_token"]), _claims(answer.json()["id_token"])
    assert access["iss"] == identity["iss"] == issuer
    assert CONSOLE in _audiences(access)
    assert access["exp"] - access["iat"] == 300  # five minutes
    for claims in (access, identity):
        assert claims["preferred_username"] == username
        assert (
            sorted(claims.get("roles", [])) == roles
        )  # only the console's four, none of Keycloak's
        assert sorted(claims.get("teams", [])) == teams  # group names, not paths


def test_a_wrong_password_is_refused(servers: Servers) -> None:
    answer = password_grant(servers, "operator", password=demo_password("operator") + "x")

    assert answer.status_code == HTTP_UNAUTHORIZED
    assert answer.json()["error"] == "invalid_grant"
    assert "access_token" not in answer.json()


def test_the_console_client_may_not_use_the_password_grant(
    servers: Servers, discovery: dict[str, Any]
) -> None:
    form = {
        "grant_type": "password",
        "client_id": CONSOLE,
        "client_secret": os.environ["CONSOLE_OIDC_CLIENT_SECRET"],
        "username": "operator",
        "password": demo_password("operator"),
    }

    answer = httpx.post(discovery["token_endpoint"], data=form, timeout=10)

    assert answer.status_code in {HTTP_BAD_REQUEST, HTTP_UNAUTHORIZED}
    assert answer.json()["error"] == "unauthorized_client"


def _authorize(discovery: dict[str, Any], redirect_uri: str, **extra: str) -> httpx.Response:
    query = {
        "client_id": CONSOLE,
        "response_type": "code",
        "scope": "openid",
        "state": secrets.token_urlsafe(16),
        "redirect_uri": redirect_uri,
        **extra,
    }
    return httpx.get(discovery["authorization_endpoint"], params=query, timeout=10)


def _challenge() -> dict[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return {"code_challenge": challenge, "code_challenge_method": "S256"}


def test_the_console_must_send_a_pkce_challenge(discovery: dict[str, Any]) -> None:
    callback = "http://127.0.0.1:18007/auth/callback"

    answer = _authorize(discovery, callback)

    assert answer.status_code == HTTP_FOUND
    refusal = httpx.URL(answer.headers["location"])
    assert str(refusal.copy_with(query=None)) == callback
    assert refusal.params["error"] == "invalid_request"
    assert "code" not in refusal.params


def test_a_plain_pkce_challenge_is_refused(discovery: dict[str, Any]) -> None:
    plain = {"code_challenge": secrets.token_urlsafe(48), "code_challenge_method": "plain"}

    answer = _authorize(discovery, "http://127.0.0.1:18007/auth/callback", **plain)

    assert answer.status_code == HTTP_FOUND
    assert httpx.URL(answer.headers["location"]).params["error"] == "invalid_request"


@pytest.mark.parametrize(
    "callback",
    [
        "http://127.0.0.1:8007/auth/callback",  # make run
        "http://127.0.0.1:18007/auth/callback",  # make test
        "http://127.0.0.1:53117/auth/callback",  # an in-process test app on a free port
        "http://localhost:8007/auth/callback",
    ],
)
def test_with_a_challenge_the_login_page_is_served(
    discovery: dict[str, Any], callback: str
) -> None:
    answer = _authorize(discovery, callback, **_challenge())

    assert answer.status_code == HTTP_OK
    assert answer.headers["content-type"].startswith("text/html")
    assert 'id="kc-form-login"' in answer.text
    assert 'name="username"' in answer.text
    assert 'name="password"' in answer.text


@pytest.mark.parametrize(
    "callback",
    [
        "http://evil.example/auth/callback",
        "http://127.0.0.1:53117@evil.example/auth/callback",
        "http://localhost:53117/auth/callback",  # localhost: only the stacks' console ports
        "https://127.0.0.1.evil.example/auth/callback",
    ],
)
def test_a_redirect_uri_outside_the_loopback_console_is_refused(
    discovery: dict[str, Any], callback: str
) -> None:
    answer = _authorize(discovery, callback, **_challenge())

    assert answer.status_code == HTTP_BAD_REQUEST
    assert "location" not in answer.headers
    assert "kc-form-login" not in answer.text
