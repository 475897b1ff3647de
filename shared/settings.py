"""Typed settings read from the environment, built once per process and passed in.

Connection settings have one prefix each (`KAFKA_`, `MONGODB_`, `LOG_`), shared by every
service; each service adds its own settings under its own prefix (`INTAKE_`, ...).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class KafkaSettings(BaseSettings):
    """Where Kafka is, who this process is to it, and how patiently to talk to it.

    With `username` set, the process authenticates with SASL (SCRAM-SHA-512 by default) as
    its own principal, over TLS when `use_tls` (the broker's ACLs then decide what it may
    read and write; see `shared/kafka_access.py`). Without, it connects unauthenticated,
    which only a broker without an authoriser accepts.
    """

    model_config = SettingsConfigDict(env_prefix="KAFKA_", extra="ignore")

    bootstrap_servers: str = "127.0.0.1:9092"
    username: str | None = Field(default=None, min_length=1)
    password: SecretStr | None = None
    sasl_mechanism: Literal["SCRAM-SHA-512", "PLAIN"] = "SCRAM-SHA-512"
    use_tls: bool = False
    tls_ca_file: str | None = Field(
        default=None, description="CA bundle of the brokers' certificates."
    )
    request_timeout_ms: int = Field(default=30_000, gt=0)
    session_timeout_ms: int = Field(default=10_000, gt=0)
    heartbeat_interval_ms: int = Field(default=1_000, gt=0)
    max_poll_interval_ms: int = Field(default=300_000, gt=0)
    graceful_timeout_s: float = Field(default=15.0, gt=0)
    partitions: int = Field(default=6, ge=1)
    replication_factor: int = Field(default=1, ge=1)

    def client_options(self) -> dict[str, Any]:
        """The connection options every aiokafka client of ours is built with."""
        options: dict[str, Any] = {"bootstrap_servers": self.bootstrap_servers}
        if self.use_tls:
            options["ssl_context"] = ssl.create_default_context(cafile=self.tls_ca_file)
        if self.username is None:
            options["security_protocol"] = "SSL" if self.use_tls else "PLAINTEXT"
            return options
        if self.password is None:
            raise ValueError("KAFKA_PASSWORD is required with KAFKA_USERNAME")
        options.update(
            security_protocol="SASL_SSL" if self.use_tls else "SASL_PLAINTEXT",
            sasl_mechanism=self.sasl_mechanism,
            sasl_plain_username=self.username,
            sasl_plain_password=self.password.get_secret_value(),
        )
        return options


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
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks of reverse proxies whose X-Forwarded-For is "
        'believed, e.g. ["10.0.0.5", "10.1.0.0/16"]; none by default.',
    )
    header_timeout_s: float = Field(default=10.0, gt=0, description="To send the headers.")
    body_timeout_s: float = Field(default=10.0, gt=0, description="To send the body after.")
    keep_alive_timeout_s: float = Field(default=5.0, gt=0, description="Idle between requests.")
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
        return [
            SecretSetting("METRICS_TOKEN", secret_values(self.metrics.token), False),
            SecretSetting(
                "KAFKA_PASSWORD",
                secret_values(self.kafka.password),
                self.kafka.username is not None,  # required once the process signs in
            ),
        ]
