"""Notifier's settings (env prefix `NOTIFIER_`; the mail relay under `SMTP_`, GOV.UK Notify
under `NOTIFY_`)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import SecretSetting, ServiceSettings, secret_values


class SmtpSettings(BaseSettings):
    """The mail relay replies are handed to."""

    model_config = SettingsConfigDict(env_prefix="SMTP_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=1025, ge=1, le=65535)
    timeout_s: float = Field(default=10.0, gt=0)
    sender: str = "Leicestershire Police <no-reply@frontdesk.police.example>"
    neutral_sender: str = "Enquiries <no-reply@frontdesk.police.example>"
    message_id_domain: str = "frontdesk.police.example"


class NotifySettings(BaseSettings):
    """GOV.UK Notify, for text messages."""

    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore")

    base_url: str = "https://api.notifications.service.gov.uk"
    api_key: SecretStr | None = Field(
        default=None, description="`<name>-<service id>-<secret>`; unset means no SMS."
    )
    sms_template_id: str = Field(
        default="f33517ff-2a88-4f6e-b855-c550268ce08a",
        description="A Notify template whose whole body is `((body))`.",
    )
    timeout_s: float = Field(default=10.0, gt=0)
    neutral_sms_sender_id: str | None = Field(
        default=None,
        description="The Notify text-message sender (its id) that neutral replies go from,"
        " one that names no police force; unset, they go from the service's default sender.",
    )


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
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)

    def secret_settings(self) -> list[SecretSetting]:
        return [
            *super().secret_settings(),
            SecretSetting(
                "NOTIFIER_RECEIPT_TOKEN", secret_values(self.receipt_token), required=True
            ),
            SecretSetting("NOTIFY_API_KEY", secret_values(self.notify.api_key), required=False),
        ]
