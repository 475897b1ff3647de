"""A throwaway Keycloak realm for the sign-in tests, made through the admin REST API of a
running Keycloak (`CONSOLE_TEST_KEYCLOAK_URL`, admin `KC_BOOTSTRAP_ADMIN_USERNAME` /
`KC_BOOTSTRAP_ADMIN_PASSWORD`) and deleted afterwards. It is shaped as the stack's realm
is: a confidential client `frontdesk-console` with PKCE S256 required, access tokens for
audience `frontdesk-console` with a flat `roles` claim and a `teams` claim, and a
direct-grant client `frontdesk-tests`."""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

CONSOLE_CLIENT = "frontdesk-console"
TESTS_CLIENT = "frontdesk-tests"
PASSWORD = "local-only-password-1"


@dataclass(frozen=True)
class Realm:
    base_url: str
    name: str
    client_secret: str

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/realms/{self.name}"


def _mapper(name: str, kind: str, config: dict[str, str]) -> dict[str, Any]:
    tokens = {"access.token.claim": "true", "id.token.claim": "true"}
    return {
        "name": name,
        "protocol": "openid-connect",
        "protocolMapper": kind,
        "config": {**tokens, **config},
    }


CLAIM_MAPPERS = [
    _mapper(
        "audience",
        "oidc-audience-mapper",
        {"included.client.audience": CONSOLE_CLIENT, "id.token.claim": "false"},
    ),
    _mapper(
        "roles",
        "oidc-usermodel-realm-role-mapper",
        {"claim.name": "roles", "jsonType.label": "String", "multivalued": "true"},
    ),
    _mapper(
        "teams",
        "oidc-usermodel-attribute-mapper",
        {
            "user.attribute": "teams",
            "claim.name": "teams",
            "jsonType.label": "String",
            "multivalued": "true",
        },
    ),
]


def _realm(name: str, secret: str, redirect_uri: str, signed_out_uri: str) -> dict[str, Any]:
    console = {
        "clientId": CONSOLE_CLIENT,
        "publicClient": False,
        "secret": secret,
        "standardFlowEnabled": True,
        "directAccessGrantsEnabled": False,
        "redirectUris": [redirect_uri],
        "attributes": {
            "pkce.code.challenge.method": "S256",
            "post.logout.redirect.uris": signed_out_uri,
        },
        "protocolMappers": CLAIM_MAPPERS,
    }
    tests = {
        "clientId": TESTS_CLIENT,
        "publicClient": True,
        "standardFlowEnabled": False,
        "directAccessGrantsEnabled": True,
        "protocolMappers": CLAIM_MAPPERS,
    }
    roles = [{"name": name} for name in ("viewer", "operator", "supervisor", "auditor")]
    return {
        "realm": name,
        "enabled": True,
        "clients": [console, tests],
        "roles": {"realm": roles},
    }


class KeycloakAdmin:
    def __init__(self, http: httpx.AsyncClient, base_url: str) -> None:
        self.http = http
        self.base_url = base_url

    async def sign_in(self) -> None:
        answer = await self.http.post(
            f"{self.base_url}/realms/master/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": "admin-cli",
                "username": os.environ.get("KC_BOOTSTRAP_ADMIN_USERNAME", "admin"),
                "password": os.environ.get("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin-local-only"),
            },
        )
        answer.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    async def create_realm(self, realm: dict[str, Any]) -> None:
        (await self.http.post(f"{self.base_url}/admin/realms", json=realm)).raise_for_status()
        profile_url = f"{self.base_url}/admin/realms/{realm['realm']}/users/profile"
        profile = (await self.http.get(profile_url)).raise_for_status().json()
        profile["unmanagedAttributePolicy"] = "ENABLED"  # the `teams` attribute
        (await self.http.put(profile_url, json=profile)).raise_for_status()

    async def add_user(self, realm: str, username: str, roles: list[str], teams: list[str]) -> None:
        users = f"{self.base_url}/admin/realms/{realm}/users"
        user = {
            "username": username,
            "enabled": True,
            "email": f"{username}@frontdesk.police.example",
            "emailVerified": True,
            "firstName": "Test",
            "lastName": username.capitalize(),
            "attributes": {"teams": teams},
            "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
        }
        (await self.http.post(users, json=user)).raise_for_status()
        user_id = (
            await self.http.get(users, params={"username": username, "exact": "true"})
        ).json()[0]["id"]
        role_url = f"{self.base_url}/admin/realms/{realm}/roles"
        found = [(await self.http.get(f"{role_url}/{name}")).json() for name in roles]
        mapping = f"{users}/{user_id}/role-mappings/realm"
        (await self.http.post(mapping, json=found)).raise_for_status()

    async def delete_realm(self, realm: str) -> None:
        await self.http.delete(f"{self.base_url}/admin/realms/{realm}")


@asynccontextmanager
async def throwaway_realm(redirect_uri: str, signed_out_uri: str) -> AsyncIterator[Realm]:
    """A realm with users `operator` (crime_bureau), `supervisor` and `stranger` (no console
    role), all with PASSWORD; deleted when the block ends."""
    base_url = os.environ.get("CONSOLE_TEST_KEYCLOAK_URL", "http://127.0.0.1:28180")
    name = f"frontdesk-test-{uuid.uuid4().hex[:8]}"
    secret = secrets.token_urlsafe(32)
    async with httpx.AsyncClient(timeout=30.0) as http:
        admin = KeycloakAdmin(http, base_url)
        try:
            await admin.sign_in()
        except httpx.ConnectError:
            pytest.fail(f"no Keycloak at {base_url} (CONSOLE_TEST_KEYCLOAK_URL)", pytrace=False)
        await admin.create_realm(_realm(name, secret, redirect_uri, signed_out_uri))
        try:
            await admin.add_user(name, "operator", ["operator"], ["crime_bureau"])
            await admin.add_user(name, "supervisor", ["supervisor", "auditor"], [])
            await admin.add_user(name, "stranger", [], [])
            yield Realm(base_url, name, secret)
        finally:
            await admin.delete_realm(name)
