"""Intake's settings (env prefix `INTAKE_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    """Where intake listens and which force it takes reports for."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    http_port: int = Field(default=8000, ge=0, le=65535)
    database: str = "intake"
    force_code: str = Field(default="LP", pattern=r"^[A-Z]{2,4}$")
