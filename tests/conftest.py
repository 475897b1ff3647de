"""Where the real servers are (docs/architecture.md#testing-tiers), never skipped silently.

1. `KAFKA_BOOTSTRAP_SERVERS` and `MONGODB_URI` from the environment (`make test` sets them
   to the local test stack it started);
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

import pytest

from services.system import SYSTEM
from shared.kafka_access import provision
from shared.settings import KafkaSettings

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
        kafka, mongo, int(smtp_port) if smtp_port else None, Path(mail_dir) if mail_dir else None
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
