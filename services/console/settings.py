"""The console's settings (env prefix `CONSOLE_`).

The identity provider is named by settings only, so one force's Keycloak and another's
Entra ID are the same code: its issuer (discovery is read from it), this client's id and
secret, the audience its access tokens carry, and which claims hold the console's roles
and teams (a dotted path: Keycloak's own realm roles are `realm_access.roles`; a flat
`roles` claim is what our Keycloak mapper and Entra ID's app roles give).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import SecretSetting, ServiceSettings, secret_values


class ConsoleSettings(ServiceSettings):
    """The console's port, database, public address, identity provider and sessions."""

    model_config = SettingsConfigDict(env_prefix="CONSOLE_", extra="ignore")

    http_port: int = Field(default=8007, ge=0, le=65535)
    database: str = "console"
    public_url: str = Field(
        default="http://127.0.0.1:8007",
        description="Where the browser reaches the console; the sign-in callback is "
        "<public_url>/auth/callback. Cookies are Secure when it is https.",
    )
    oidc_issuer: str = Field(description="The provider's issuer URL (discovery is read there).")
    oidc_client_id: str = Field(default="frontdesk-console", min_length=1)
    oidc_client_secret: SecretStr | None = None
    oidc_audience: str | None = Field(
        default=None, description="The `aud` access tokens must carry; unset: the client id."
    )
    oidc_roles_claim: str = Field(default="roles", min_length=1, description="Dotted path.")
    oidc_teams_claim: str = Field(default="teams", min_length=1, description="Dotted path.")
    oidc_scopes: list[str] = Field(default_factory=lambda: ["openid", "profile"])
    oidc_timeout_s: float = Field(default=5.0, gt=0, description="Per call to the provider.")
    session_idle_minutes: float = Field(default=30.0, gt=0)
    session_absolute_hours: float = Field(default=10.0, gt=0)
    clock_offset_s: float = Field(
        default=0.0, description="Rehearses a clock that jumped (as the SLA watchdog's)."
    )
    force_name: str = Field(
        default="Leicestershire Police",
        min_length=1,
        description="The force's name, as the standard texts sign it (the notifier's too).",
    )
    status_page_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where reporters reach intake's status page (`<url>/status/<id>`): the "
        "preview of a request for information shows the link the notifier will put in.",
    )
    operator_regrade: Literal["never", "more_urgent", "any"] = Field(
        default="more_urgent",
        description="Whether an operator may regrade: never, only to a more urgent grade, "
        "or to any grade (supervisors always may).",
    )
    information_answer_days: float = Field(
        default=5.0, gt=0, le=60, description="How long a reporter has to answer a request."
    )
    audit_digest_key: SecretStr | None = Field(
        default=None,
        description="Keys the access log's digest of a search by email or phone (at least "
        "32 characters): the log shows that a person was searched for, never who.",
    )

    @model_validator(mode="after")
    def _https_outside_local(self) -> Self:
        """Outside the local stacks the browser and the provider are reached over TLS only:
        a session cookie or a token over plain http can be read on the way."""
        if self.deployment.environment == "local":
            return self
        for name, url in (("public_url", self.public_url), ("oidc_issuer", self.oidc_issuer)):
            if urlsplit(url).scheme != "https":
                raise ValueError(f"CONSOLE_{name.upper()} must be https outside the local stacks")
        return self

    @property
    def redirect_uri(self) -> str:
        return self.public_url.rstrip("/") + "/auth/callback"

    @property
    def signed_out_url(self) -> str:
        return self.public_url.rstrip("/") + "/auth/signed-out"

    @property
    def secure_cookies(self) -> bool:
        return urlsplit(self.public_url).scheme == "https"

    @property
    def audience(self) -> str:
        return self.oidc_audience or self.oidc_client_id

    @property
    def scope(self) -> str:
        """The scopes asked for, `openid` always among them."""
        return " ".join(dict.fromkeys(["openid", *self.oidc_scopes]))

    @property
    def session_idle(self) -> timedelta:
        return timedelta(minutes=self.session_idle_minutes)

    @property
    def session_absolute(self) -> timedelta:
        return timedelta(hours=self.session_absolute_hours)

    def secret_settings(self) -> list[SecretSetting]:
        return [
            *super().secret_settings(),
            SecretSetting(
                "CONSOLE_OIDC_CLIENT_SECRET", secret_values(self.oidc_client_secret), True
            ),
            SecretSetting("CONSOLE_AUDIT_DIGEST_KEY", secret_values(self.audit_digest_key), True),
        ]

    def digest_key(self) -> str:
        """The access log's digest key; the console does not start without one."""
        key = self.audit_digest_key
        if key is None or len(key.get_secret_value()) < 32:  # noqa: PLR2004 - 256 bits
            raise ValueError("CONSOLE_AUDIT_DIGEST_KEY (32 characters or more) is needed")
        return key.get_secret_value()
