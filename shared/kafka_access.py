"""Who may do what on Kafka: one principal per service and per publishing channel, and the
ACLs that let each do only its own work (Kafka's `StandardAuthorizer` enforces them).

- A service reads only the topics it consumes, in its own consumer group, and writes only
  the events it emits and its own dead-letter topic.
- A channel (`channel-phone`, `channel-partner`) may only write to its own ingress topic:
  it can read nothing, so it never sees another report.
- Operators (the `frontdesk dlq` commands, the tests' probes) sign in as a super user that
  the broker's `super.users` names; nothing here grants it anything.

`provision` applies this to a running cluster as an administrator: SCRAM-SHA-512
credentials for every principal, every topic, every ACL. Each step is idempotent, so it
runs at every start of a local stack and as a one-shot job in `compose.yaml`. The
`kafka-python`-style admin client of aiokafka has no call for SCRAM credentials or ACL
lists, so the two requests are spelled out here from the Kafka protocol (KIP-554, KIP-140).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, TypeAlias

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import (
    Array,
    CompactArray,
    CompactBytes,
    CompactString,
    Int8,
    Int16,
    Int32,
    Schema,
    String,
    TaggedFields,
)

from shared import topics
from shared.errors import TransientError
from shared.principals import channel_principal, service_principal
from shared.settings import KafkaSettings

SCRAM_ITERATIONS = 8192
SCRAM_SHA_512 = 2  # the mechanism's number in AlterUserScramCredentials


#: Every service of a deployment, with what it reads and writes (`services.system.SYSTEM`).
System = tuple[topics.ServiceTopics, ...]


def principals(system: System) -> list[str]:
    """Every principal the system needs a credential for (operators aside)."""
    return [
        *(service_principal(service.service) for service in system),
        *(channel_principal(channel) for channel in topics.INGRESS_TOPICS),
    ]


class Resource(IntEnum):
    TOPIC = 2
    GROUP = 3


class Operation(IntEnum):
    READ = 3
    WRITE = 4


ALLOW = 3
LITERAL = 3


@dataclass(frozen=True, order=True)
class Grant:
    """One ALLOW ACL: `principal` may `operation` the named resource, from any host."""

    principal: str
    operation: Operation
    resource: Resource
    name: str


def grants(system: System) -> list[Grant]:
    """Every ACL of the system; anything not granted here is denied."""
    found: list[Grant] = []
    for service in system:
        who = service_principal(service.service)
        found.append(Grant(who, Operation.READ, Resource.GROUP, service.service))
        found += [Grant(who, Operation.READ, Resource.TOPIC, t) for t in service.consumes]
        written = (*service.produces, service.dead_letters)
        found += [Grant(who, Operation.WRITE, Resource.TOPIC, t) for t in written]
    for channel, topic in topics.INGRESS_TOPICS.items():
        found.append(Grant(channel_principal(channel), Operation.WRITE, Resource.TOPIC, topic))
    return sorted(found)


def new_passwords(names: Iterable[str]) -> dict[str, str]:
    """A random password per principal (for local stacks; production brings its own)."""
    return {name: secrets.token_urlsafe(24) for name in names}


async def provision(
    admin: KafkaSettings,
    system: System,
    passwords: Mapping[str, str],
    *,
    with_acls: bool = True,
) -> None:
    """Create every topic, a SCRAM credential per principal in `passwords`, and every ACL
    (`with_acls=False` only for a broker without an authoriser, which refuses ACLs)."""
    client = AIOKafkaAdminClient(**admin.client_options(), request_timeout_ms=15_000)
    await client.start()
    try:
        await create_missing_topics(client, admin, system)
        if passwords:
            _raise_on_errors("credential", await _send(client, _ScramUpsert(passwords)))
        if with_acls:
            _raise_on_errors("acl", await _send(client, _CreateAcls(grants(system))))
    finally:
        await client.close()


async def create_missing_topics(
    client: AIOKafkaAdminClient, settings: KafkaSettings, system: System
) -> None:
    """Every topic with the configured partitions, unless it exists."""
    existing = set(await client.list_topics())
    missing = [
        NewTopic(
            name,
            num_partitions=settings.partitions,
            replication_factor=settings.replication_factor,
        )
        for name in topics.all_topics(system)
        if name not in existing
    ]
    if missing:
        with suppress(TopicAlreadyExistsError):  # another provisioner was first: fine
            await client.create_topics(missing)


async def _send(client: AIOKafkaAdminClient, request: Request[Any]) -> Response:
    node = client._client.get_random_node()
    return await client._client.send(node, request)


def _raise_on_errors(what: str, response: Response) -> None:
    results = response.to_object()
    rows = results.get("results") or results.get("creation_responses") or []
    failures = [row for row in rows if row["error_code"] != 0]
    if failures:
        first = failures[0]
        raise RuntimeError(
            f"{what} provisioning failed ({len(failures)}): error {first['error_code']} "
            f"{first.get('error_message') or ''}".strip()
        )


def _scram_upsertion(name: str, password: str) -> tuple[Any, ...]:
    salt = secrets.token_bytes(32)
    salted = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, SCRAM_ITERATIONS)
    return (name, SCRAM_SHA_512, SCRAM_ITERATIONS, salt, salted, {})


class _ScramResponse_v0(Response):  # type: ignore[misc]  # noqa: N801 - Kafka protocol naming
    API_KEY = 51
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "results",
            CompactArray(
                ("user", CompactString("utf-8")),
                ("error_code", Int16),
                ("error_message", CompactString("utf-8")),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class _ScramRequest_v0(RequestStruct):  # type: ignore[misc]  # noqa: N801
    API_KEY = 51
    API_VERSION = 0
    FLEXIBLE_VERSION = True
    RESPONSE_TYPE = _ScramResponse_v0
    SCHEMA = Schema(
        (
            "deletions",
            CompactArray(
                ("name", CompactString("utf-8")), ("mechanism", Int8), ("tags", TaggedFields)
            ),
        ),
        (
            "upsertions",
            CompactArray(
                ("name", CompactString("utf-8")),
                ("mechanism", Int8),
                ("iterations", Int32),
                ("salt", CompactBytes),
                ("salted_password", CompactBytes),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class _ScramUpsert(Request[_ScramRequest_v0]):  # type: ignore[misc]
    """AlterUserScramCredentials (API 51): set each principal's SCRAM-SHA-512 password."""

    API_KEY = 51

    def __init__(self, passwords: Mapping[str, str]) -> None:
        self._upsertions = [_scram_upsertion(n, p) for n, p in sorted(passwords.items())]

    def build(self, request_struct_class: type[_ScramRequest_v0]) -> _ScramRequest_v0:
        return request_struct_class([], self._upsertions, {})


class _AclResponse_v1(Response):  # type: ignore[misc]  # noqa: N801
    API_KEY = 30
    API_VERSION = 1
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "creation_responses",
            Array(("error_code", Int16), ("error_message", String("utf-8"))),
        ),
    )


class _AclRequest_v1(RequestStruct):  # type: ignore[misc]  # noqa: N801
    API_KEY = 30
    API_VERSION = 1
    RESPONSE_TYPE = _AclResponse_v1
    SCHEMA = Schema(
        (
            "creations",
            Array(
                ("resource_type", Int8),
                ("resource_name", String("utf-8")),
                ("resource_pattern_type", Int8),
                ("principal", String("utf-8")),
                ("host", String("utf-8")),
                ("operation", Int8),
                ("permission_type", Int8),
            ),
        )
    )


AclRequestStruct: TypeAlias = _AclRequest_v1


class _CreateAcls(Request[AclRequestStruct]):  # type: ignore[misc]
    """CreateAcls (API 30) for many bindings at once; an existing binding is no error."""

    API_KEY = 30

    def __init__(self, wanted: Iterable[Grant]) -> None:
        self._creations = [
            (g.resource, g.name, LITERAL, f"User:{g.principal}", "*", g.operation, ALLOW)
            for g in wanted
        ]

    def build(self, request_struct_class: type[AclRequestStruct]) -> AclRequestStruct:
        return request_struct_class(self._creations)


async def require_topics(settings: KafkaSettings, service: topics.ServiceTopics) -> None:
    """Fail (so the caller waits and asks again) until every topic `service` reads or
    writes exists. Services never create topics: `shared.kafka_access.provision` does."""
    admin = AIOKafkaAdminClient(**settings.client_options())
    await admin.start()
    try:
        visible = set(await admin.list_topics())
    finally:
        await admin.close()
    missing = sorted(set(service.all()) - visible)
    if missing:
        raise TransientError(f"topics not provisioned yet: {', '.join(missing)}")
