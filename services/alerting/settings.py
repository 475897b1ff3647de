"""Alerting's settings (env prefix `ALERTING_`; the mail relay under `SMTP_`, GOV.UK Notify
under `NOTIFY_`, shared with the notifier).

The alert policy is a TOML file (`ALERTING_POLICY_FILE`; `deploy/local/alerts.toml` is the
one `make run` uses): contacts, ladders and rules (services/alerting/policy.py). `${VAR}` in
a webhook URL is taken from the environment; webhook secrets are named by environment
variable, never written in the file. Without a valid policy the service does not start.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from services.alerting.policy import AlertPolicy
from shared.delivery import NotifySettings, SmtpSettings
from shared.settings import SecretSetting, ServiceSettings, secret_values


class AlertingSettings(ServiceSettings):
    """Alerting's port, database, policy, links, staff keys, channels and ticker."""

    model_config = SettingsConfigDict(env_prefix="ALERTING_", extra="ignore")

    http_port: int = Field(default=8006, ge=0, le=65535)
    database: str = "alerting"
    policy_file: Path = Field(description="The alert policy (TOML).")
    public_url: str = Field(
        default="http://127.0.0.1:8006", description="Where acknowledgement links point."
    )
    report_link: str = Field(
        default="http://127.0.0.1:8007/reports/{report_id}",
        description="The report's page on the console; {report_id} is filled in.",
    )
    link_secret: SecretStr | None = Field(default=None, description="Signs acknowledge links.")
    link_valid_hours: float = Field(default=24.0, gt=0)
    staff_keys: dict[str, str] = Field(
        default_factory=dict,
        description='Operations API keys and whose they are, e.g. {"<key>": "Sgt A. Patel"}.',
    )
    email_sender: str = "frontdesk alerts <alerts@frontdesk.police.example>"
    page_attempts: int = Field(default=4, ge=1, description="Tries per page, with backoff.")
    page_backoff_max_s: float = Field(default=8.0, gt=0)
    webhook_timeout_s: float = Field(default=5.0, gt=0)
    page_lease_s: float = Field(default=90.0, gt=0)
    tick_interval_s: float = Field(default=1.0, gt=0)
    resync_interval_s: float = Field(default=60.0, gt=0)
    clock_offset_s: float = Field(default=0.0, description="Rehearses a clock that jumped.")
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> Self:
        """A page's claim must outlast its longest send (every try timing out, with the
        longest waits between), or a second process could take it over and page twice."""
        slowest = max(self.webhook_timeout_s, self.smtp.timeout_s, self.notify.timeout_s)
        longest_send = self.page_attempts * (slowest + self.page_backoff_max_s)
        if self.page_lease_s <= longest_send:
            raise ValueError(
                f"page_lease_s must be above {longest_send:.0f} s: page_attempts x (the"
                " slowest channel's timeout + page_backoff_max_s)"
            )
        return self

    def policy(self) -> AlertPolicy:
        """The policy file, read and checked (ValueError naming the problem)."""
        with self.policy_file.open("rb") as file:
            raw = tomllib.load(file)
        return AlertPolicy.model_validate(_expand_webhook_urls(raw))

    def webhook_secrets(self, policy: AlertPolicy) -> dict[str, str]:
        """Each webhook contact's secret, from the variable its policy entry names."""
        secrets = {}
        for name, contact in policy.contacts.items():
            if contact.webhook is not None:
                secrets[name] = os.environ.get(contact.webhook.secret_env, "")
        return secrets

    def secret_settings(self) -> list[SecretSetting]:
        policy = self.policy()
        webhook_secrets = [
            SecretSetting(
                contact.webhook.secret_env,
                tuple(v for v in [os.environ.get(contact.webhook.secret_env)] if v),
                required=True,
            )
            for contact in policy.contacts.values()
            if contact.webhook is not None
        ]
        return [
            *super().secret_settings(),
            SecretSetting("ALERTING_LINK_SECRET", secret_values(self.link_secret), True),
            SecretSetting("ALERTING_STAFF_KEYS", tuple(self.staff_keys), True),
            SecretSetting("NOTIFY_API_KEY", secret_values(self.notify.api_key), policy.texts()),
            *webhook_secrets,
        ]


def _expand_webhook_urls(raw: dict[str, Any]) -> dict[str, Any]:
    for contact in raw.get("contacts", {}).values():
        webhook = contact.get("webhook") if isinstance(contact, dict) else None
        if isinstance(webhook, dict) and isinstance(webhook.get("url"), str):
            webhook["url"] = os.path.expandvars(webhook["url"])
    return raw
