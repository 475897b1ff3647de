"""A provider's keys and tokens for unit tests: keys generated in the test, tokens signed
with them, and the discovery document and JWKS served by real local HTTP servers
(tests/http_receiver.py), so `services.console.tokens` is tested over HTTP as it runs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from services.console.tokens import OidcProvider, TokenVerifier
from tests.fakes import FrozenClock
from tests.http_receiver import Receiver, receiving

CLIENT_ID = "frontdesk-console"
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class SigningKey:
    kid: str
    algorithm: str
    private: PrivateKey

    @classmethod
    def rsa(cls, kid: str) -> SigningKey:
        return cls(kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def ec(cls, kid: str) -> SigningKey:
        return cls(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))

    def jwk(self) -> dict[str, Any]:
        public = self.private.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            entry: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(public))
        else:
            entry = json.loads(ECAlgorithm.to_jwk(public))
        return {**entry, "kid": self.kid, "alg": self.algorithm, "use": "sig"}


@dataclass
class ServedProvider:
    """The served provider: `issuer` is the discovery server's URL."""

    issuer: str
    discovery: Receiver
    jwks: Receiver
    clock: FrozenClock
    keys: list[SigningKey] = field(default_factory=list)

    def publish(self, *keys: SigningKey) -> None:
        self.keys = list(keys)
        self.jwks.answer = json.dumps({"keys": [key.jwk() for key in keys]}).encode()

    def claims(self, **changes: Any) -> dict[str, Any]:
        now = int(self.clock.now().timestamp())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": "b1c0ffee-0000-4000-8000-000000000001",
            "preferred_username": "sgt.patel",
            "roles": ["operator", "offline_access"],
            "teams": ["crime_bureau"],
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "typ": "Bearer",
        }
        claims.update(changes)
        return {name: value for name, value in claims.items() if value is not None}

    def token(self, key: SigningKey | None = None, **changes: Any) -> str:
        key = key or self.keys[0]
        return jwt.encode(
            self.claims(**changes), key.private, algorithm=key.algorithm, headers={"kid": key.kid}
        )


def discovery_document(issuer: str, jwks_uri: str) -> bytes:
    return json.dumps(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/auth",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": jwks_uri,
            "end_session_endpoint": f"{issuer}/logout",
            "id_token_signing_alg_values_supported": ["RS256", "ES256", "HS256", "none"],
        }
    ).encode()


@asynccontextmanager
async def serving_provider(now: datetime) -> AsyncIterator[ServedProvider]:
    async with receiving([200]) as discovery, receiving([200]) as jwks:
        issuer = discovery.url("/realms/test")
        discovery.answer = discovery_document(issuer, jwks.url("/certs"))
        provider = ServedProvider(issuer, discovery, jwks, FrozenClock(now))
        provider.publish(SigningKey.rsa("rsa-1"), SigningKey.ec("ec-1"))
        yield provider


@asynccontextmanager
async def verifier_of(
    provider: ServedProvider, refetch_interval: timedelta = timedelta(seconds=60)
) -> AsyncIterator[TokenVerifier]:
    async with httpx.AsyncClient(timeout=5.0) as client:
        oidc = OidcProvider(provider.issuer, client, provider.clock, refetch_interval)
        yield TokenVerifier(oidc, provider.clock, audience=CLIENT_ID, client_id=CLIENT_ID)
