"""Notifier's settings (env prefix `NOTIFIER_`; the SMTP relay under `SMTP_`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import ServiceSettings


class SmtpSettings(BaseSettings):
    """The mail relay replies are handed to."""

    model_config = SettingsConfigDict(env_prefix="SMTP_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=1025, ge=1, le=65535)
    timeout_s: float = Field(default=10.0, gt=0)
    sender: str = "Leicestershire Police <no-reply@frontdesk.police.example>"
    message_id_domain: str = "frontdesk.police.example"


class NotifierSettings(ServiceSettings):
    """Notifier's port, database, mail relay and how long a send may stay claimed."""

    model_config = SettingsConfigDict(env_prefix="NOTIFIER_", extra="ignore")

    http_port: int = Field(default=8003, ge=0, le=65535)
    database: str = "notifier"
    force_name: str = "Leicestershire Police"
    #: How long a send may stay claimed before another process may take it over; longer
    #: than the SMTP timeout, so a live sender is never doubled.
    claim_lease_s: float = Field(default=60.0, gt=0)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
