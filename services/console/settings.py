"""The console's settings (env prefix `CONSOLE_`): a minimal set for its read model; the
sign-in, sessions and access log add theirs."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ConsoleSettings(ServiceSettings):
    """The console's port and database."""

    model_config = SettingsConfigDict(env_prefix="CONSOLE_", extra="ignore")

    http_port: int = Field(default=8007, ge=0, le=65535)
    database: str = "console"
