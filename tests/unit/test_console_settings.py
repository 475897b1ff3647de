"""The console's settings: the provider is named by settings, and production insists on
https and a client secret."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from services.console.settings import ConsoleSettings
from shared.secret_guard import UnsafeSecretsError, refuse_unsafe_secrets
from shared.settings import DeploymentSettings

PRODUCTION = DeploymentSettings(environment="production")
LOCAL = DeploymentSettings(environment="local")


def test_the_provider_and_the_callback_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONSOLE_OIDC_ISSUER", "https://login.example/tenant/v2.0")
    monkeypatch.setenv("CONSOLE_OIDC_CLIENT_ID", "console-app")
    monkeypatch.setenv("CONSOLE_OIDC_ROLES_CLAIM", "realm_access.roles")
    monkeypatch.setenv("CONSOLE_OIDC_SCOPES", '["profile", "email"]')
    monkeypatch.setenv("CONSOLE_PUBLIC_URL", "https://console.police.example/")
    settings = ConsoleSettings()
    assert (settings.http_port, settings.database) == (8007, "console")
    assert settings.redirect_uri == "https://console.police.example/auth/callback"
    assert settings.signed_out_url == "https://console.police.example/auth/signed-out"
    assert settings.secure_cookies
    assert settings.audience == "console-app"
    assert settings.scope == "openid profile email"
    assert settings.oidc_roles_claim == "realm_access.roles"
    assert settings.session_idle.total_seconds() == 30 * 60
    assert settings.session_absolute.total_seconds() == 10 * 3600


@pytest.mark.parametrize(
    ("issuer", "public_url"),
    [
        ("http://idp.example/realms/frontdesk", "https://console.example"),
        ("https://idp.example/realms/frontdesk", "http://console.example"),
    ],
)
def test_production_needs_https(issuer: str, public_url: str) -> None:
    with pytest.raises(ValidationError, match="must be https"):
        ConsoleSettings(deployment=PRODUCTION, oidc_issuer=issuer, public_url=public_url)
    local = ConsoleSettings(deployment=LOCAL, oidc_issuer=issuer, public_url=public_url)
    assert local.secure_cookies is public_url.startswith("https")


def test_production_refuses_to_start_without_a_proper_client_secret() -> None:
    def production(secret: str | None) -> ConsoleSettings:
        return ConsoleSettings(
            deployment=PRODUCTION,
            oidc_issuer="https://idp.example/r",
            public_url="https://c.example",
            oidc_client_secret=None if secret is None else SecretStr(secret),
            audit_digest_key=SecretStr("k" * 40),
        )

    with pytest.raises(UnsafeSecretsError, match="CONSOLE_OIDC_CLIENT_SECRET is not set"):
        refuse_unsafe_secrets(production(None))
    with pytest.raises(UnsafeSecretsError, match="shorter than 32 bytes"):
        refuse_unsafe_secrets(production("x" * 8))
    refuse_unsafe_secrets(production("s" * 40))
    no_digest_key = production("s" * 40).model_copy(update={"audit_digest_key": None})
    with pytest.raises(UnsafeSecretsError, match="CONSOLE_AUDIT_DIGEST_KEY is not set"):
        refuse_unsafe_secrets(no_digest_key)
