"""The identity provider, read from its discovery document, and the tokens it signs.

Tokens are checked against the provider's published keys (JWKS, cached; fetched again on
a key id not seen before, at most once per `jwks_refetch_interval`, so a flood of made-up
key ids cannot make us hammer the provider). Algorithms are pinned to the asymmetric ones
the provider announces (RS256, ES256, PS256): never `none`, never HS*, so a token signed
with the public key as an HMAC secret is refused. Issuer and audience must match; `exp`
and `iat` are required and checked, with `nbf` when present, against the injected clock
with a small leeway. A refusal names its reason, never the token.
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import jwt

from services.console.roles import Staff, roles_from_claim
from shared.clock import Clock

PINNED_ALGORITHMS = frozenset({"RS256", "ES256", "PS256"})
LEEWAY = timedelta(seconds=30)
DISCOVERY_RETRY_AFTER = timedelta(seconds=5)  # no refetch storm while the provider is down
ACCESS_TOKEN_TYPES = frozenset({"jwt", "at+jwt"})


class TokenRefusedError(Exception):
    """A token that is not to be believed; `reason` is a short word for the access log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ProviderError(Exception):
    """The provider could not be reached or answered something unusable."""


@dataclass(frozen=True)
class ProviderMetadata:
    """What the console uses of the discovery document."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    algorithms: frozenset[str]

    @classmethod
    def of(cls, document: dict[str, Any], issuer: str) -> ProviderMetadata:
        if document.get("issuer") != issuer:
            raise ProviderError("the discovery document names another issuer")
        announced = document.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = PINNED_ALGORITHMS.intersection(announced)
        if not algorithms:
            raise ProviderError("the provider announces no algorithm the console accepts")
        try:
            return cls(
                issuer,
                str(document["authorization_endpoint"]),
                str(document["token_endpoint"]),
                str(document["jwks_uri"]),
                document.get("end_session_endpoint"),
                frozenset(algorithms),
            )
        except KeyError as missing:
            raise ProviderError(f"the discovery document has no {missing}") from None


@dataclass(frozen=True)
class TokenSet:
    id_token: str
    access_token: str


class OidcProvider:
    """Discovery, keys and the token endpoint of one provider, over `client` (which the
    caller closes)."""

    def __init__(
        self,
        issuer: str,
        client: httpx.AsyncClient,
        clock: Clock,
        jwks_refetch_interval: timedelta = timedelta(seconds=60),
    ) -> None:
        self.issuer = issuer
        self._client = client
        self._clock = clock
        self._refetch_interval = jwks_refetch_interval
        self._metadata: ProviderMetadata | None = None
        self._discovery_failed_at: datetime | None = None
        self._keys: dict[str, jwt.PyJWK] = {}
        self._keys_fetched_at: datetime | None = None
        self._lock = asyncio.Lock()

    async def metadata(self) -> ProviderMetadata:
        """The discovery document, read once; a failure stands for DISCOVERY_RETRY_AFTER."""
        if self._metadata is not None:
            return self._metadata
        failed_at = self._discovery_failed_at
        if failed_at is not None and self._clock.now() - failed_at < DISCOVERY_RETRY_AFTER:
            raise ProviderError("the discovery document could not be read a moment ago")
        url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            self._metadata = ProviderMetadata.of(await self._get_json(url), self.issuer)
        except ProviderError:
            self._discovery_failed_at = self._clock.now()
            raise
        return self._metadata

    async def signing_key(self, kid: str) -> jwt.PyJWK:
        """The provider's key `kid`; TokenRefusedError("kid") if it has none by that id."""
        async with self._lock:
            if kid not in self._keys and self._may_refetch():
                await self._fetch_keys()
        key = self._keys.get(kid)
        if key is None:
            raise TokenRefusedError("kid")
        return key

    async def exchange_code(
        self, code: str, code_verifier: str, redirect_uri: str, client_id: str, secret: str
    ) -> TokenSet:
        """The tokens for an authorization code (client_secret_post, with the PKCE verifier)."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
            "client_id": client_id,
            "client_secret": secret,
        }
        endpoint = (await self.metadata()).token_endpoint
        try:
            answer = await self._client.post(endpoint, data=form)
            answer.raise_for_status()  # 3xx, 4xx, 5xx alike
            tokens = answer.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderError("the token endpoint could not be read") from error
        if not isinstance(tokens, dict):
            raise ProviderError("the token endpoint answered no JSON object")
        id_token, access_token = tokens.get("id_token"), tokens.get("access_token")
        if not isinstance(id_token, str) or not isinstance(access_token, str):
            raise ProviderError("the token endpoint gave no ID token or access token")
        return TokenSet(id_token, access_token)

    def _may_refetch(self) -> bool:
        fetched = self._keys_fetched_at
        return fetched is None or self._clock.now() - fetched >= self._refetch_interval

    async def _fetch_keys(self) -> None:
        self._keys_fetched_at = self._clock.now()
        document = await self._get_json((await self.metadata()).jwks_uri)
        keys = {}
        for entry in document.get("keys", []):
            if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
                continue
            if not isinstance(entry.get("kid"), str):
                continue
            try:
                keys[entry["kid"]] = jwt.PyJWK(entry)
            except jwt.PyJWTError:
                continue  # a key type or algorithm we do not accept
        self._keys = keys

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            answer = await self._client.get(url)
            answer.raise_for_status()
            document = answer.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderError(f"could not read {url}") from error
        if not isinstance(document, dict):
            raise ProviderError(f"{url} is not a JSON object")
        return document


@dataclass(frozen=True)
class ClaimPaths:
    """Which claims hold the console's roles and the member of staff's teams (dotted)."""

    roles: str = "roles"
    teams: str = "teams"


def claim_at(claims: dict[str, Any], dotted: str) -> object:
    value: object = claims
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def staff_from_claims(claims: dict[str, Any], paths: ClaimPaths) -> Staff:
    """Who the token names. No console role is a valid sign-in that may do nothing."""
    teams = claim_at(claims, paths.teams)
    if isinstance(teams, str):
        teams = [teams]
    return Staff(
        user_id=str(claims["sub"]),
        username=str(claims.get("preferred_username") or claims["sub"]),
        roles=roles_from_claim(claim_at(claims, paths.roles)),
        teams=frozenset(t for t in teams if isinstance(t, str))
        if isinstance(teams, list)
        else frozenset(),
    )


class TokenVerifier:
    """Checks the provider's access tokens (for `audience`) and ID tokens (for
    `client_id`, with the sign-in's nonce)."""

    def __init__(self, provider: OidcProvider, clock: Clock, audience: str, client_id: str) -> None:
        self._provider = provider
        self._clock = clock
        self.audience = audience
        self.client_id = client_id

    async def access_token(self, token: str) -> dict[str, Any]:
        """An access token's claims; an ID token (Keycloak's claim `typ: "ID"`, a `nonce`,
        a header `typ` but `JWT`/`at+jwt`: Entra ID's have no `typ` claim) is refused."""
        claims = await self._verified(token, self.audience)
        header_type = jwt.get_unverified_header(token).get("typ")
        if header_type is not None and str(header_type).lower() not in ACCESS_TOKEN_TYPES:
            raise TokenRefusedError("token_type")
        if claims.get("typ") == "ID" or "nonce" in claims:
            raise TokenRefusedError("token_type")
        return claims

    async def id_token(self, token: str, nonce: str) -> dict[str, Any]:
        claims = await self._verified(token, self.client_id)
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        azp = claims.get("azp")
        if (len(audiences) > 1 or azp is not None) and azp != self.client_id:
            raise TokenRefusedError("azp")
        if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
            raise TokenRefusedError("nonce")
        return claims

    async def _verified(self, token: str, audience: str) -> dict[str, Any]:
        metadata = await self._provider.metadata()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TokenRefusedError("malformed") from None
        algorithm = header.get("alg")
        if algorithm not in metadata.algorithms:
            raise TokenRefusedError("algorithm")
        key = await self._provider.signing_key(str(header.get("kid")))
        if key.algorithm_name != algorithm:
            raise TokenRefusedError("algorithm")
        claims = _decoded(token, key, algorithm, audience, metadata.issuer)
        self._check_times(claims)
        return claims

    def _check_times(self, claims: dict[str, Any]) -> None:
        now = self._clock.now().timestamp()
        leeway = LEEWAY.total_seconds()
        times = [claims.get(name) for name in ("exp", "iat", "nbf")]
        if any(value is not None and not isinstance(value, int | float) for value in times):
            raise TokenRefusedError("claims")
        if float(claims["exp"]) + leeway <= now:
            raise TokenRefusedError("expired")
        if float(claims["iat"]) - leeway > now or float(claims.get("nbf") or 0) - leeway > now:
            raise TokenRefusedError("not_yet_valid")


def _decoded(
    token: str, key: jwt.PyJWK, algorithm: str, audience: str, issuer: str
) -> dict[str, Any]:
    """The token's claims once signature, issuer and audience are checked (the times are
    checked against our clock, not PyJWT's)."""
    options: Any = {
        "require": ["exp", "iat", "iss", "aud", "sub"],
        "verify_exp": False,
        "verify_nbf": False,
        "verify_iat": False,
    }
    try:
        return jwt.decode(
            token, key, algorithms=[algorithm], audience=audience, issuer=issuer, options=options
        )
    except jwt.InvalidSignatureError:
        raise TokenRefusedError("signature") from None
    except jwt.InvalidAudienceError:
        raise TokenRefusedError("audience") from None
    except jwt.InvalidIssuerError:
        raise TokenRefusedError("issuer") from None
    except jwt.MissingRequiredClaimError:
        raise TokenRefusedError("claims") from None
    except jwt.PyJWTError:
        raise TokenRefusedError("malformed") from None
