"""Reference issuer's settings (env prefix `REFERENCE_ISSUER_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.events import Channel
from shared.settings import SecretSetting, ServiceSettings


class ReferenceIssuerSettings(ServiceSettings):
    """Reference issuer's port, database and the time zone its dates are in."""

    model_config = SettingsConfigDict(env_prefix="REFERENCE_ISSUER_", extra="ignore")

    http_port: int = Field(default=8002, ge=0, le=65535)
    database: str = "reference_issuer"
    time_zone: str = "Europe/London"
    api_keys: dict[str, Channel] = Field(
        default_factory=dict,
        description="API key -> channel for the reference look-up; JSON, as INTAKE_API_KEYS.",
    )
    failed_key_limit: int = Field(
        default=10,
        ge=1,
        description="Failed API keys a client address may send at once; it may"
        " then send one more each `failed_key_window_s / failed_key_limit` seconds.",
    )
    failed_key_window_s: float = Field(default=60.0, gt=0)

    def secret_settings(self) -> list[SecretSetting]:
        keys = SecretSetting("REFERENCE_ISSUER_API_KEYS", tuple(self.api_keys), required=True)
        return [*super().secret_settings(), keys]
