"""SLA watchdog's settings (env prefix `SLA_WATCHDOG_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class SlaWatchdogSettings(ServiceSettings):
    """The watchdog's port (ops API), database and reply targets per grade."""

    model_config = SettingsConfigDict(env_prefix="SLA_WATCHDOG_", extra="ignore")

    http_port: int = Field(default=8005, ge=0, le=65535)
    database: str = "sla_watchdog"
    default_target_s: int = Field(default=24 * 3600, gt=0)
    target_s_by_grade: dict[int, int] = Field(
        default_factory=lambda: {1: 15 * 60, 2: 3600, 3: 24 * 3600, 4: 24 * 3600}
    )
