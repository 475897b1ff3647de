"""Notifier's settings (env prefix `NOTIFIER_`; the mail relay under `SMTP_`, GOV.UK Notify
under `NOTIFY_`, both as `shared.delivery` defines them)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.delivery.settings import NotifySettings, SmtpSettings
from shared.settings import SecretSetting, ServiceSettings, secret_values


class NotifierSettings(ServiceSettings):
    """Notifier's port, database, providers, retries and how long a send may stay claimed."""

    model_config = SettingsConfigDict(env_prefix="NOTIFIER_", extra="ignore")

    http_port: int = Field(default=8003, ge=0, le=65535)
    database: str = "notifier"
    force_name: str = "Leicestershire Police"
    #: How long a send may stay claimed before another process may take it over; longer
    #: than the providers' timeouts times the retries, so a live sender is never doubled.
    claim_lease_s: float = Field(default=120.0, gt=0)
    send_attempts: int = Field(default=4, ge=1, description="Tries per channel, with backoff.")
    send_backoff_max_s: float = Field(default=8.0, gt=0)
    receipt_token: SecretStr | None = Field(
        default=None, description="Bearer token Notify's delivery receipts must carry."
    )
    status_page_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where reporters reach intake's status page (`/status/<id>?token=`).",
    )
    status_token_secret: SecretStr | None = Field(
        default=None,
        description="Secret of the status tokens: intake's INTAKE_STATUS_TOKEN_SECRET.",
    )
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)

    def secret_settings(self) -> list[SecretSetting]:
        return [
            *super().secret_settings(),
            SecretSetting(
                "NOTIFIER_RECEIPT_TOKEN", secret_values(self.receipt_token), required=True
            ),
            SecretSetting("NOTIFY_API_KEY", secret_values(self.notify.api_key), required=False),
            SecretSetting(
                "NOTIFIER_STATUS_TOKEN_SECRET",
                secret_values(self.status_token_secret),
                required=True,
            ),
        ]
