"""Reference issuer's settings (env prefix `REFERENCE_ISSUER_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ReferenceIssuerSettings(ServiceSettings):
    """Reference issuer's port (health and metrics), database and its dates' time zone."""

    model_config = SettingsConfigDict(env_prefix="REFERENCE_ISSUER_", extra="ignore")

    http_port: int = Field(default=8002, ge=0, le=65535)
    database: str = "reference_issuer"
    time_zone: str = "Europe/London"
