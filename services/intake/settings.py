"""Intake's settings (env prefix `INTAKE_`)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.events import Channel, ReportType
from shared.settings import SecretSetting, ServiceSettings, secret_values


def _every_type() -> list[ReportType]:
    return list(ReportType)


def _default_channel_types() -> dict[Channel, list[ReportType]]:
    partner_types = [
        ReportType.CRIME,
        ReportType.FRAUD,
        ReportType.ROAD_TRAFFIC_COLLISION,
        ReportType.LOST_OR_STOLEN_VEHICLE,
        ReportType.LOST_OR_FOUND_PROPERTY,
    ]
    return {
        Channel.WEB: _every_type(),
        Channel.PHONE: _every_type(),
        Channel.PARTNER: partner_types,
    }


class IntakeSettings(ServiceSettings):
    """Where intake listens, which force it serves, who may submit and how much."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    http_port: int = Field(default=8000, ge=0, le=65535)
    database: str = "intake"
    force_code: str = Field(default="LP", pattern=r"^[A-Z]{2,4}$")
    api_keys: dict[str, Channel] = Field(
        default_factory=dict,
        description='API key -> channel, e.g. {"<key>": "web"}; JSON in INTAKE_API_KEYS.',
    )
    channel_report_types: dict[Channel, list[ReportType]] = Field(
        default_factory=_default_channel_types
    )
    max_body_bytes: int = Field(default=64 * 1024, gt=0)
    rate_limit_per_s: float = Field(default=50.0, gt=0, description="Per key: the channel.")
    rate_limit_burst: int = Field(default=200, ge=1)
    address_rate_limit_per_s: float = Field(
        default=2.0, gt=0, description="Per client address, with or without a key."
    )
    address_rate_limit_burst: int = Field(default=20, ge=1)
    failed_key_limit_per_s: float = Field(
        default=0.1, gt=0, description="Failed authentications per client address."
    )
    failed_key_limit_burst: int = Field(default=10, ge=1)
    rate_limit_max_buckets: int = Field(
        default=100_000, ge=1, description="Buckets kept per limit; the idlest go first."
    )
    status_token_secret: SecretStr | None = Field(
        default=None, description="Secret of the status tokens; random per process if unset."
    )
    time_zone: str = Field(
        default="Europe/London", description="The force's time zone: dates on the status page."
    )
    max_ingress_message_bytes: int = Field(default=256 * 1024, gt=0)

    def secret_settings(self) -> list[SecretSetting]:
        return [
            *super().secret_settings(),
            SecretSetting("INTAKE_API_KEYS", tuple(self.api_keys), required=True),
            SecretSetting(
                "INTAKE_STATUS_TOKEN_SECRET",
                secret_values(self.status_token_secret),
                required=True,
            ),
        ]
