"""Where the real servers are (docs/architecture.md#testing-tiers), never skipped silently.

1. `KAFKA_BOOTSTRAP_SERVERS` and `MONGODB_URI` from the environment (`make test` sets them
   to the local test stack it started, with `CONSOLE_OIDC_ISSUER`, its Keycloak);
2. otherwise, if a Docker engine answers, testcontainers starts Kafka and MongoDB;
3. otherwise the tests that need servers fail, saying how to get them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from services.console.settings import ConsoleSettings
from services.system import SYSTEM
from shared.kafka_access import provision
from shared.settings import DeploymentSettings, KafkaSettings, MongoSettings

NO_SERVERS = (
    "No Kafka or MongoDB-wire server: KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI are not set "
    "and no Docker engine answers. Run `make test`, which starts local servers for the tests."
)


@dataclass(frozen=True)
class Servers:
    """Addresses of the real servers integration and e2e tests run against."""

    kafka_bootstrap: str
    mongo_uri: str
    smtp_port: int | None
    mail_dir: Path | None
    #: The local OpenID Connect provider's realm (Keycloak); None under testcontainers.
    oidc_issuer: str | None = None

    def kafka_options(self) -> dict[str, Any]:
        """Connection options for the tests' own Kafka clients: the operator principal of
        the local stack (`KAFKA_USERNAME`/`KAFKA_PASSWORD` from the environment)."""
        return KafkaSettings(bootstrap_servers=self.kafka_bootstrap).client_options()


def _from_environment() -> Servers | None:
    kafka, mongo = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("MONGODB_URI")
    if not (kafka and mongo):
        return None
    smtp_port = os.environ.get("SMTP_PORT")
    mail_dir = os.environ.get("FRONTDESK_MAIL_DIR")
    return Servers(
        kafka,
        mongo,
        int(smtp_port) if smtp_port else None,
        Path(mail_dir) if mail_dir else None,
        os.environ.get("CONSOLE_OIDC_ISSUER") or None,
    )


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception:  # noqa: BLE001 - any failure means no usable engine
        return False
    return True


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    found = _from_environment()
    if found is not None:
        yield found
        return
    if not _docker_answers():
        pytest.fail(NO_SERVERS, pytrace=False)
    from testcontainers.kafka import KafkaContainer
    from testcontainers.mongodb import MongoDbContainer

    with KafkaContainer("apache/kafka:4.4.0") as kafka, MongoDbContainer("mongo:8") as mongo:
        # A broker without authentication: topics only (the ACL tests need `make test`).
        plain = KafkaSettings(bootstrap_servers=kafka.get_bootstrap_server())
        asyncio.run(provision(plain, SYSTEM, {}, with_acls=False))
        yield Servers(kafka.get_bootstrap_server(), mongo.get_connection_url(), None, None)


def demo_password(username: str) -> str:
    """A demo user's password on the local realm (`stack.py exec` exports them)."""
    return os.environ[f"FRONTDESK_OIDC_DEMO_PASSWORD_{username.upper()}"]


def password_grant(servers: Servers, username: str, password: str | None = None) -> httpx.Response:
    """The provider's answer to a password grant by the tests' own client (`frontdesk-tests`,
    which exists only in the local realm), as `username` with their demo password unless
    another is given."""
    if servers.oidc_issuer is None:
        pytest.fail("no OpenID Connect provider: run the tests on the local stack", pytrace=False)
    discovery = f"{servers.oidc_issuer}/.well-known/openid-configuration"
    token_endpoint = httpx.get(discovery, timeout=10).raise_for_status().json()["token_endpoint"]
    form = {
        "grant_type": "password",
        "client_id": os.environ["FRONTDESK_OIDC_TEST_CLIENT_ID"],
        "client_secret": os.environ["FRONTDESK_OIDC_TEST_CLIENT_SECRET"],
        "username": username,
        "password": demo_password(username) if password is None else password,
        "scope": "openid",
    }
    return httpx.post(token_endpoint, data=form, timeout=10)


def demo_access_token(servers: Servers, username: str) -> str:
    """A bearer access token (audience `frontdesk-console`) for a demo user."""
    answer = password_grant(servers, username).raise_for_status()
    token: str = answer.json()["access_token"]
    return token


#: The access log's digest key in tests (the local stacks use their own local-only key).
CONSOLE_TEST_DIGEST_KEY = "tests-only-console-access-log-digest-key"


def console_settings(servers: Servers, database: str, **extra: Any) -> ConsoleSettings:
    """Settings of a console on the local stack's servers and provider, in `database`."""
    if servers.oidc_issuer is None:
        pytest.fail("no OpenID Connect provider: run the tests on the local stack", pytrace=False)
    values: dict[str, Any] = {
        "kafka": KafkaSettings(bootstrap_servers=servers.kafka_bootstrap),
        "mongo": MongoSettings(uri=servers.mongo_uri),
        "database": database,
        "oidc_issuer": servers.oidc_issuer,
        "oidc_client_secret": SecretStr(os.environ["CONSOLE_OIDC_CLIENT_SECRET"]),
        "audit_digest_key": SecretStr(CONSOLE_TEST_DIGEST_KEY),
        "deployment": DeploymentSettings(environment="local"),
    }
    return ConsoleSettings(**(values | extra))
