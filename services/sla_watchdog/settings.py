"""SLA watchdog's settings (env prefix `SLA_WATCHDOG_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.sla_watchdog.policy import Policy
from shared.settings import ServiceSettings


class SlaWatchdogSettings(ServiceSettings):
    """The watchdog's port (health and metrics), database, SLA policies and ticker.

    Policies are JSON in the environment, e.g.
    `SLA_WATCHDOG_POLICY='{"warn_at_percent": [50, 75, 90], "business_hours_grades": [4]}'`
    and `SLA_WATCHDOG_FORCE_POLICIES='{"SC": {"business_hours": {"nation": "SCT"}}}'`.
    """

    model_config = SettingsConfigDict(env_prefix="SLA_WATCHDOG_", extra="ignore")

    http_port: int = Field(default=8005, ge=0, le=65535)
    database: str = "sla_watchdog"
    policy: Policy = Field(default_factory=Policy)
    force_policies: dict[str, Policy] = Field(default_factory=dict)
    tick_interval_s: float = Field(default=1.0, gt=0)
    resync_interval_s: float = Field(default=60.0, gt=0)
    clock_offset_s: float = Field(
        default=0.0,
        description="Shifts the watchdog's clock. Leave at 0: it exists to rehearse a clock "
        "that jumped (the fault suite moves it two days forward).",
    )
