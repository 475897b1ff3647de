"""The console's access log on the real stack: each entry stored once in `access_log` and
published once on `audit.access.v1` (the real outbox and producer), the auditors' filters
on the real store, and nothing of a report's text or contact details in either.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from fastapi import FastAPI
from pymongo import AsyncMongoClient

from services.console.audit import AccessAction, AccessEntry
from services.console.audit_api import access_log_router
from services.console.audit_store import COLLECTION, MongoAccessLog
from services.console.audit_trail import access_recorded, query_digest
from services.console.roles import Role, Staff
from shared.http_app import PublishAfterRequest
from shared.http_limits import install_error_handlers
from shared.kafka_publisher import KafkaEventPublisher
from shared.mongo import Document
from shared.outbox import published_after
from shared.settings import KafkaSettings
from shared.topics import ACCESS_RECORDED
from tests import factories
from tests.conftest import Servers
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.console import FakeAuthenticator
from tests.integration.conftest import eventually

pytestmark = pytest.mark.integration

KEY = b"the digest key of the access log's integration tests"
CANARY = "canary-5b1e0c7f-in-the-reporters-words"
CANARY_EMAIL = "canary.5b1e0c7f@example.org"
OPERATOR = Staff("kc-operator-7", "o.jones", frozenset({Role.OPERATOR}), frozenset())
AUDITOR = Staff("kc-auditor-7", "a.auditor", frozenset({Role.AUDITOR}), frozenset())


@pytest.fixture
async def access_log(
    kafka_settings: KafkaSettings,
    mongo: AsyncMongoClient[Document],
    database_name: str,
) -> AsyncIterator[MongoAccessLog]:
    publisher = KafkaEventPublisher(kafka_settings, client_id="console-access-log-test")
    store = MongoAccessLog(mongo[database_name], publisher)
    await store.create_indexes()
    yield store
    await publisher.stop()


async def _topic_to_end(servers: Servers, topic: str) -> list[Any]:
    """Every record of `topic` up to its end now (what was acknowledged is there)."""
    consumer = AIOKafkaConsumer(
        topic, **servers.kafka_options(), auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()  # with no group: every partition of the topic, from its start
    try:

        async def assigned() -> set[TopicPartition] | None:
            return consumer.assignment() or None

        partitions = list(await eventually(assigned, what=f"the partitions of {topic}"))
        ends = await consumer.end_offsets(partitions)
        records: list[Any] = []

        async def read_to_end() -> bool:
            for batch in (await consumer.getmany(timeout_ms=200)).values():
                records.extend(batch)
            positions = {p: await consumer.position(p) for p in partitions}
            return all(positions[p] >= ends[p] for p in partitions)

        await eventually(read_to_end, what=f"the end of {topic}")
        return records
    finally:
        await consumer.stop()


def _ours(records: list[Any], entries: list[AccessEntry]) -> dict[str, list[Any]]:
    wanted = {str(access_recorded(entry).event_id) for entry in entries}
    found: dict[str, list[Any]] = {event_id: [] for event_id in wanted}
    for record in records:
        event_id = dict(record.headers).get("event_id", b"").decode()
        if event_id in found:
            found[event_id].append(record)
    return found


def _entry(action: AccessAction, staff: Staff = OPERATOR, **fields: Any) -> AccessEntry:
    return AccessEntry(
        entry_id=uuid.uuid4(),
        at=NOW + timedelta(seconds=fields.pop("seconds", 0)),
        action=action,
        user_id=staff.user_id,
        username=staff.username,
        roles=staff.role_names,
        **fields,
    )


async def _stored(mongo: AsyncMongoClient[Document], database_name: str) -> list[Document]:
    return [document async for document in mongo[database_name][COLLECTION].find({})]


async def test_each_entry_is_stored_once_and_published_once_on_the_audit_topic(
    access_log: MongoAccessLog,
    mongo: AsyncMongoClient[Document],
    database_name: str,
    servers: Servers,
) -> None:
    report_id = uuid.uuid4()
    entries = [
        _entry(AccessAction.SIGN_IN),
        _entry(AccessAction.VIEW_REPORT, report_id=report_id, shown=["description"], seconds=1),
        _entry(AccessAction.SIGN_OUT, seconds=2),
    ]

    for entry in [*entries, entries[1]]:  # the view recorded twice (a retried request)
        async with published_after():
            await access_log.record(entry)
    records = await _topic_to_end(servers, ACCESS_RECORDED)

    stored = await _stored(mongo, database_name)
    assert sorted(document["_id"] for document in stored) == sorted(
        str(entry.entry_id) for entry in entries
    )
    assert all(document["outbox"] == [] for document in stored)  # every event published
    published = _ours(records, entries)
    assert {event_id: len(found) for event_id, found in published.items()} == {
        event_id: 1 for event_id in published
    }
    view = published[str(access_recorded(entries[1]).event_id)][0]
    sign_out = published[str(access_recorded(entries[2]).event_id)][0]
    assert view.key == str(report_id).encode()
    assert json.loads(view.value)["subject_report_id"] == str(report_id)
    assert json.loads(sign_out.value)["subject_report_id"] is None


@pytest.fixture
async def auditors_api(access_log: MongoAccessLog) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(PublishAfterRequest)
    app.state.authenticator = FakeAuthenticator(AUDITOR)
    app.include_router(access_log_router(access_log, FrozenClock(NOW + timedelta(hours=1))))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
        yield client


async def test_the_auditor_filters_the_real_store_and_the_look_is_logged_and_published(
    access_log: MongoAccessLog, auditors_api: httpx.AsyncClient, servers: Servers
) -> None:
    report_a, report_b = uuid.uuid4(), uuid.uuid4()
    supervisor = Staff("kc-supervisor-7", "s.patel", frozenset({Role.SUPERVISOR}), frozenset())
    viewed_a = _entry(AccessAction.VIEW_REPORT, report_id=report_a, seconds=1)
    viewed_b = _entry(AccessAction.VIEW_REPORT, supervisor, report_id=report_b, seconds=2)
    exported = _entry(AccessAction.EXPORT, supervisor, report_id=report_a, seconds=3)
    for entry in (viewed_a, viewed_b, exported):
        await access_log.record(entry)

    by_user = await auditors_api.get("/v1/access-log", params={"user": supervisor.user_id})
    by_report = await auditors_api.get("/v1/access-log", params={"report_id": str(report_a)})

    assert [e["entry_id"] for e in by_user.json()["entries"]] == [
        str(exported.entry_id),
        str(viewed_b.entry_id),
    ]
    assert [e["entry_id"] for e in by_report.json()["entries"]] == [
        str(exported.entry_id),
        str(viewed_a.entry_id),
    ]
    looks = await access_log.entries(AUDITOR.user_id, None, 10)
    assert [look.action for look in looks] == [AccessAction.VIEW_ACCESS_LOG] * 2
    assert {look.report_id for look in looks} == {None, report_a}
    published = _ours(await _topic_to_end(servers, ACCESS_RECORDED), looks)
    assert sorted(len(found) for found in published.values()) == [1, 1]


async def test_no_entry_stored_or_published_holds_the_reports_text_or_contact(
    access_log: MongoAccessLog,
    mongo: AsyncMongoClient[Document],
    database_name: str,
    servers: Servers,
) -> None:
    submitted = factories.report_submitted(
        description=f"My bicycle was taken; {CANARY}.",
        contact=factories.contact(email=CANARY_EMAIL),
    )
    reference = "LP-20261130-000001-7"
    supervisor = Staff("kc-supervisor-8", "s.patel", frozenset({Role.SUPERVISOR}), frozenset())
    entries = [
        _entry(
            AccessAction.VIEW_REPORT,
            supervisor,
            report_id=submitted.report_id,
            reference=reference,
            shown=["description", "answers", "contact", "replies"],
        ),
        _entry(
            AccessAction.SEARCH_CONTACT,
            supervisor,
            matches=1,
            query_digest=query_digest(KEY, email=CANARY_EMAIL.upper()),
            seconds=1,
        ),
        _entry(AccessAction.REVEAL_CONTACT, supervisor, report_id=submitted.report_id, seconds=2),
    ]
    for entry in entries:
        async with published_after():
            await access_log.record(entry)
    published = _ours(await _topic_to_end(servers, ACCESS_RECORDED), entries)

    stored = repr(await _stored(mongo, database_name))
    topic_bytes = b"".join(
        record.key + record.value + b"".join(value for _, value in record.headers)
        for found in published.values()
        for record in found
    )
    assert len(topic_bytes) > 0
    assert reference in stored
    for secret in (CANARY, CANARY_EMAIL, "canary.5b1e0c7f", "bicycle"):
        assert secret not in stored
        assert secret.encode() not in topic_bytes
        assert secret.upper().encode() not in topic_bytes
