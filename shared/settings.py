"""Typed settings read from the environment, built once per process and passed in.

Connection settings have one prefix each (`KAFKA_`, `MONGODB_`, `LOG_`), shared by every
service; each service adds its own settings under its own prefix (`INTAKE_`, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class KafkaSettings(BaseSettings):
    """Where Kafka is and how patiently to talk to it."""

    model_config = SettingsConfigDict(env_prefix="KAFKA_", extra="ignore")

    bootstrap_servers: str = "127.0.0.1:9092"
    request_timeout_ms: int = Field(default=30_000, gt=0)
    session_timeout_ms: int = Field(default=10_000, gt=0)
    heartbeat_interval_ms: int = Field(default=1_000, gt=0)
    max_poll_interval_ms: int = Field(default=300_000, gt=0)
    graceful_timeout_s: float = Field(default=15.0, gt=0)
    partitions: int = Field(default=6, ge=1)
    replication_factor: int = Field(default=1, ge=1)


class MongoSettings(BaseSettings):
    """Where the MongoDB-wire server is."""

    model_config = SettingsConfigDict(env_prefix="MONGODB_", extra="ignore")

    uri: str = "mongodb://127.0.0.1:27017"
    server_selection_timeout_ms: int = Field(default=5_000, gt=0)


class LogSettings(BaseSettings):
    """How to log: JSON for machines, coloured lines on a terminal."""

    model_config = SettingsConfigDict(env_prefix="LOG_", extra="ignore")

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["auto", "json", "console"] = "auto"


class DeploymentSettings(BaseSettings):
    """Where the process runs. Only the local stacks (`make run`, `make test`) say `local`:
    anything else is production, where development secrets are refused at start."""

    model_config = SettingsConfigDict(env_prefix="FRONTDESK_", extra="ignore")

    environment: Literal["local", "production"] = "production"


class MetricsSettings(BaseSettings):
    """Who may scrape `/metrics`: a client sending `Authorization: Bearer <METRICS_TOKEN>`.
    Unset, `/metrics` answers 404."""

    model_config = SettingsConfigDict(env_prefix="METRICS_", extra="ignore")

    token: SecretStr | None = None


@dataclass(frozen=True)
class SecretSetting:
    """A secret a service is configured with, by its environment variable, for the start
    guard (shared/secret_guard.py). `values` is empty when unset."""

    name: str
    values: tuple[str, ...]
    required: bool


def secret_values(secret: SecretStr | None) -> tuple[str, ...]:
    return () if secret is None else (secret.get_secret_value(),)


class ServiceSettings(BaseSettings):
    """What every service needs; each service subclasses it with its own env prefix."""

    model_config = SettingsConfigDict(extra="ignore")

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    mongo: MongoSettings = Field(default_factory=MongoSettings)
    log: LogSettings = Field(default_factory=LogSettings)
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=0, le=65535)
    database: str = Field(default="frontdesk", min_length=1)
    outbox_relay_interval_s: float = Field(default=5.0, gt=0)
    deployment: DeploymentSettings = Field(default_factory=DeploymentSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    allowed_hosts: list[str] | None = Field(
        default=None,
        description="Host headers the HTTP API answers (JSON list); unset: localhost, "
        "127.0.0.1 and the service's compose name. Any other Host gets 400.",
    )
    max_body_bytes: int = Field(default=64 * 1024, gt=0)

    def secret_settings(self) -> list[SecretSetting]:
        """Every secret of this process; services add theirs."""
        return [SecretSetting("METRICS_TOKEN", secret_values(self.metrics.token), False)]
