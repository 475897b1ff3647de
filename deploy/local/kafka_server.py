"""The local stacks' Kafka: its configuration (SASL on every listener, the
StandardAuthorizer), a cluster id, and provisioning its principals, topics and ACLs."""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from typing import TYPE_CHECKING

from aiokafka.admin import AIOKafkaAdminClient

from services.system import SYSTEM
from shared.kafka_access import Resource, grants, principals
from shared.kafka_access import provision as provision_cluster
from shared.settings import KafkaSettings

if TYPE_CHECKING:
    from stack import Stack

#: The broker's own principal (PLAIN, on the internal and controller listeners only) and
#: the operators' (SCRAM, like every client): both super users. Services and channels get
#: only what `shared.kafka_access.grants` gives them.
ADMIN, OPERATOR = "admin", "operator"


def admin(stack: Stack) -> KafkaSettings:
    """The settings of the broker's own principal, on the internal listener."""
    return KafkaSettings(
        bootstrap_servers=f"127.0.0.1:{stack.kafka_admin_port}",
        username=ADMIN,
        password=stack.kafka_passwords()[ADMIN],  # type: ignore[arg-type]
        sasl_mechanism="PLAIN",
    )


def properties(stack: Stack) -> str:
    data = stack.home / "kafka" / "data"
    admin = stack.kafka_passwords()[ADMIN]
    plain = (
        "org.apache.kafka.common.security.plain.PlainLoginModule required "
        f'username="{ADMIN}" password="{admin}" user_{ADMIN}="{admin}";'
    )
    return "\n".join(
        [
            "process.roles=broker,controller",
            "node.id=1",
            f"listeners=CLIENT://127.0.0.1:{stack.kafka_port},"
            f"INTERNAL://127.0.0.1:{stack.kafka_admin_port},"
            f"CONTROLLER://127.0.0.1:{stack.controller_port}",
            f"advertised.listeners=CLIENT://127.0.0.1:{stack.kafka_port},"
            f"INTERNAL://127.0.0.1:{stack.kafka_admin_port}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=INTERNAL",
            "listener.security.protocol.map="
            "CONTROLLER:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT,CLIENT:SASL_PLAINTEXT",
            # Clients (services, channels, operators): SCRAM-SHA-512, credentials in the
            # cluster's metadata. The broker and provisioning: PLAIN, from this file.
            "listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512",
            "listener.name.client.scram-sha-512.sasl.jaas.config="
            "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "listener.name.internal.sasl.enabled.mechanisms=PLAIN",
            f"listener.name.internal.plain.sasl.jaas.config={plain}",
            "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
            f"listener.name.controller.plain.sasl.jaas.config={plain}",
            "sasl.mechanism.inter.broker.protocol=PLAIN",
            "sasl.mechanism.controller.protocol=PLAIN",
            "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            f"super.users=User:{ADMIN};User:{OPERATOR}",
            "allow.everyone.if.no.acl.found=false",
            f"controller.quorum.bootstrap.servers=127.0.0.1:{stack.controller_port}",
            f"log.dirs={data}",
            "num.partitions=6",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=6",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=false",
            "",
        ]
    )


def cluster_id() -> str:
    """A random Kafka cluster id that does not start with "-" (StorageTool would read it as
    an option and fail, one start in 64; Kafka's own Uuid.randomUuid avoids it too)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def provision(stack: Stack) -> None:
    """Topics, a credential per principal and the ACLs (idempotent: at every Kafka start)."""
    passwords = stack.kafka_passwords()
    logins = {name: passwords[name] for name in [OPERATOR, *principals(SYSTEM)]}
    asyncio.run(provision_cluster(admin(stack), SYSTEM, logins))
    _wait_until_applied(stack, logins)
    print(f"kafka provisioned: {len(logins)} principals ({stack.name})")


#: How long the broker may take to apply what the controller has committed.
APPLIED_TIMEOUT_S = 30.0


def _wait_until_applied(stack: Stack, logins: dict[str, str]) -> None:
    """Until every principal signs in on the client listener and sees the topics granted
    to it. The controller commits credentials and ACLs before `provision` returns, but the
    broker applies them from the metadata log a moment later: a client that connects at
    once (the bench's first admin client did) fails SCRAM with "invalid credentials"."""
    deadline = time.monotonic() + APPLIED_TIMEOUT_S
    while not asyncio.run(_applied(stack, logins)):
        if time.monotonic() > deadline:
            raise RuntimeError(f"kafka did not apply its provisioning ({stack.name})")
        time.sleep(0.2)


async def _applied(stack: Stack, logins: dict[str, str]) -> bool:
    granted: dict[str, set[str]] = {name: set() for name in logins}
    for grant in grants(SYSTEM):
        if grant.resource is Resource.TOPIC:
            granted.setdefault(grant.principal, set()).add(grant.name)
    for name, password in logins.items():
        settings = KafkaSettings(
            bootstrap_servers=f"127.0.0.1:{stack.kafka_port}",
            username=name,
            password=password,  # type: ignore[arg-type]
        )
        client = AIOKafkaAdminClient(**settings.client_options(), request_timeout_ms=3000)
        try:
            await client.start()
            if not granted[name] <= set(await client.list_topics()):
                return False
        except Exception:  # noqa: BLE001 - any failure means "not yet"
            return False
        finally:
            await client.close()
    return True
