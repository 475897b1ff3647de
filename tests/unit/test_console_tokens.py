"""Tokens signed in the test with keys generated in the test, checked against a JWKS
served by a real local HTTP server: the valid ones believed, every forgery refused with
its reason."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from services.console.roles import Role
from services.console.tokens import ClaimPaths, TokenRefusedError, staff_from_claims
from tests.token_issuer import ServedProvider, SigningKey, serving_provider, verifier_of

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
async def provider() -> Any:
    async with serving_provider(NOW) as served:
        yield served


async def _refusal(provider: ServedProvider, token: str) -> str:
    async with verifier_of(provider) as verifier:
        with pytest.raises(TokenRefusedError) as refused:
            await verifier.access_token(token)
    return refused.value.reason


def _unsigned(claims: dict[str, Any], header: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}."


@pytest.mark.parametrize("kid", ["rsa-1", "ec-1"])
async def test_a_valid_access_token_names_the_member_of_staff(
    provider: ServedProvider, kid: str
) -> None:
    key = next(key for key in provider.keys if key.kid == kid)
    async with verifier_of(provider) as verifier:
        claims = await verifier.access_token(provider.token(key))
    staff = staff_from_claims(claims, ClaimPaths())
    assert staff.user_id == "b1c0ffee-0000-4000-8000-000000000001"
    assert staff.username == "sgt.patel"
    assert staff.roles == {Role.OPERATOR}
    assert staff.teams == {"crime_bureau"}


async def test_an_audience_list_holding_ours_is_accepted(provider: ServedProvider) -> None:
    async with verifier_of(provider) as verifier:
        claims = await verifier.access_token(provider.token(aud=["account", "frontdesk-console"]))
    assert claims["aud"] == ["account", "frontdesk-console"]


async def test_a_token_signed_by_another_key_with_a_known_kid_is_refused(
    provider: ServedProvider,
) -> None:
    impostor = SigningKey.rsa("rsa-1")
    assert await _refusal(provider, provider.token(impostor)) == "signature"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"iss": "https://idp.example/realms/frontdesk"}, "issuer"),
        ({"aud": "another-client"}, "audience"),
        ({"aud": ["account", "broker"]}, "audience"),
        ({"exp": int(NOW.timestamp()) - 31}, "expired"),
        ({"nbf": int(NOW.timestamp()) + 120}, "not_yet_valid"),
        ({"iat": int(NOW.timestamp()) + 120}, "not_yet_valid"),
        ({"exp": None}, "claims"),
        ({"iat": None}, "claims"),
        ({"typ": "ID"}, "token_type"),
    ],
)
async def test_a_token_with_wrong_claims_is_refused_with_the_reason(
    provider: ServedProvider, changes: dict[str, Any], reason: str
) -> None:
    assert await _refusal(provider, provider.token(**changes)) == reason


async def test_a_little_clock_skew_is_forgiven(provider: ServedProvider) -> None:
    now = int(NOW.timestamp())
    async with verifier_of(provider) as verifier:
        claims = await verifier.access_token(provider.token(exp=now - 10, nbf=now + 10))
    assert claims["sub"]


async def test_an_unsigned_token_is_refused(provider: ServedProvider) -> None:
    token = _unsigned(provider.claims(), {"alg": "none", "kid": "rsa-1", "typ": "JWT"})
    assert await _refusal(provider, token) == "algorithm"


async def test_hs256_with_the_public_key_as_secret_is_refused(provider: ServedProvider) -> None:
    public_pem = (
        provider.keys[0]
        .private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = {"alg": "HS256", "kid": "rsa-1", "typ": "JWT"}
    signing_input = _unsigned(provider.claims(), header).rstrip(".")
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    token = signing_input + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    assert await _refusal(provider, token) == "algorithm"


async def test_an_rsa_key_named_in_an_es256_header_is_refused(provider: ServedProvider) -> None:
    ec_key = next(key for key in provider.keys if key.algorithm == "ES256")
    token = jwt.encode(
        provider.claims(), ec_key.private, algorithm="ES256", headers={"kid": "rsa-1"}
    )
    assert await _refusal(provider, token) == "algorithm"


async def test_garbage_is_refused_as_malformed(provider: ServedProvider) -> None:
    assert await _refusal(provider, "not.a.token") == "malformed"


async def test_an_unknown_kid_is_refused_after_one_refetch(provider: ServedProvider) -> None:
    stranger = SigningKey.rsa("rsa-unknown")
    async with verifier_of(provider) as verifier:
        await verifier.access_token(provider.token())
        fetched = len(provider.jwks.calls)
        with pytest.raises(TokenRefusedError) as refused:
            await verifier.access_token(provider.token(stranger))
        provider.clock.advance(timedelta(seconds=61))
        with pytest.raises(TokenRefusedError):
            await verifier.access_token(provider.token(stranger))
    assert refused.value.reason == "kid"
    assert len(provider.jwks.calls) == fetched + 1  # first unknown kid: once, then rate-limited


async def test_a_rotated_key_is_found_by_fetching_the_keys_again(
    provider: ServedProvider,
) -> None:
    async with verifier_of(provider) as verifier:
        await verifier.access_token(provider.token())
        provider.clock.advance(timedelta(seconds=61))
        rotated = SigningKey.rsa("rsa-2")
        provider.publish(rotated)
        claims = await verifier.access_token(provider.token(rotated))
    assert claims["preferred_username"] == "sgt.patel"
    assert len(provider.jwks.calls) == 2


async def test_unknown_kids_do_not_hammer_the_provider(provider: ServedProvider) -> None:
    async with verifier_of(provider) as verifier:
        for number in range(5):
            with pytest.raises(TokenRefusedError):
                await verifier.access_token(provider.token(SigningKey.ec(f"made-up-{number}")))
    assert len(provider.jwks.calls) == 1


async def test_an_id_token_needs_the_sign_ins_nonce_and_our_azp(
    provider: ServedProvider,
) -> None:
    async with verifier_of(provider) as verifier:
        good = await verifier.id_token(
            provider.token(nonce="n-1", azp="frontdesk-console", typ="ID"), "n-1"
        )
        with pytest.raises(TokenRefusedError) as wrong_nonce:
            await verifier.id_token(provider.token(nonce="n-2", typ="ID"), "n-1")
        with pytest.raises(TokenRefusedError) as wrong_azp:
            await verifier.id_token(
                provider.token(nonce="n-1", aud=["frontdesk-console", "x"], azp="x"), "n-1"
            )
        with pytest.raises(TokenRefusedError) as as_access_token:
            await verifier.access_token(provider.token(nonce="n-1", typ="ID"))
    assert good["nonce"] == "n-1"
    assert wrong_nonce.value.reason == "nonce"
    assert wrong_azp.value.reason == "azp"
    assert as_access_token.value.reason == "token_type"


def test_roles_and_teams_come_from_the_configured_claim_paths() -> None:
    claims = {
        "sub": "s-1",
        "preferred_username": "insp.jones",
        "realm_access": {"roles": ["supervisor", "uma_authorization"]},
        "org": {"teams": "control_room"},
    }
    staff = staff_from_claims(claims, ClaimPaths(roles="realm_access.roles", teams="org.teams"))
    assert staff.roles == {Role.SUPERVISOR}
    assert staff.teams == {"control_room"}
    nobody = staff_from_claims({"sub": "s-2"}, ClaimPaths())
    assert (nobody.roles, nobody.teams, nobody.username) == (frozenset(), frozenset(), "s-2")
