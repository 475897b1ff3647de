"""The providers' settings: the mail relay under `SMTP_`, GOV.UK Notify under `NOTIFY_`.
Each service that delivers nests them in its own settings."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class SmtpSettings(BaseSettings):
    """The mail relay messages are handed to, and the addresses they may come from."""

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
