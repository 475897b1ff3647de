"""The console's staff commands on the real stack: Keycloak's tokens, the real Mongo
store and outbox, Kafka. Each action through the API lands on its topic once, a retry with
the same key adding nothing; a command written by a console that stopped before relaying
it is published by the next one; the access log names each action."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from pymongo import AsyncMongoClient

from services.console.adapters import MongoReportViews
from services.console.app import create_app
from services.console.audit_store import MongoAccessLog
from services.console.commands import NoteCommand
from services.console.roles import Role, Staff
from services.console.staff_actions import ActionPolicy, StaffActions
from services.console.staff_store import MongoStaffActionStore, MongoStaffDirectory
from shared.clock import SystemClock
from shared.mongo import Document
from shared.outbox import EventPublisher
from shared.topics import NOTE_ADDED, REPORT_ASSIGNED, REPORT_CLOSED
from tests import factories
from tests.conftest import Servers, console_settings, demo_access_token
from tests.fakes.console_staff import FakeReplyTexts
from tests.integration.conftest import eventually, running

pytestmark = pytest.mark.integration

TOPICS = (REPORT_ASSIGNED, NOTE_ADDED, REPORT_CLOSED)
REPLY = {"template": "outcome.crime_recorded", "language": "en", "subject": "S", "body": "B"}


async def _on_kafka(servers: Servers) -> list[dict[str, Any]]:
    """Every record of the staff topics up to their ends now (what was acknowledged is
    there: the console answers a command once Kafka acknowledged its event, or left it
    to the relay)."""
    consumer = AIOKafkaConsumer(
        *TOPICS, **servers.kafka_options(), auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()  # with no group: every partition, from its start
    try:

        async def assigned() -> set[TopicPartition] | None:
            return consumer.assignment() or None

        partitions = list(await eventually(assigned, what="the staff topics' partitions"))
        ends = await consumer.end_offsets(partitions)
        records: list[dict[str, Any]] = []

        async def read_to_end() -> bool:
            for batch in (await consumer.getmany(timeout_ms=200)).values():
                records.extend(json.loads(record.value) for record in batch)
            positions = {p: await consumer.position(p) for p in partitions}
            return all(positions[p] >= ends[p] for p in partitions)

        await eventually(read_to_end, what="the end of the staff topics")
        return records
    finally:
        await consumer.stop()


async def _of_report(servers: Servers, report_id: uuid.UUID) -> list[dict[str, Any]]:
    return [v for v in await _on_kafka(servers) if v["report_id"] == str(report_id)]


async def _seed(database: Any) -> uuid.UUID:
    """A report of the crime bureau's, in the read model."""
    submitted = factories.report_submitted()
    views = MongoReportViews(database)
    for event in (
        submitted,
        factories.report_classified(submitted),
        factories.reference_issued(submitted, f"LP-20261130-{uuid.uuid4().int % 999999:06d}-7"),
    ):
        await views.apply(event)
    return submitted.report_id


def _client(app: Any, who: str, servers: Servers) -> httpx.AsyncClient:
    token = demo_access_token(servers, who)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://localhost",
        headers={"Authorization": f"Bearer {token}"},
    )


async def test_each_action_lands_on_kafka_once_and_in_the_access_log(
    servers: Servers, mongo: AsyncMongoClient[Document], database_name: str
) -> None:
    database = mongo[database_name]
    report_id = await _seed(database)
    app = create_app(console_settings(servers, database_name))
    url = f"/v1/reports/{report_id}"

    async with running(app), _client(app, "operator", servers) as op:
        claimed = await op.post(f"{url}/claim", headers={"Idempotency-Key": "claim-1"})
        again = await op.post(f"{url}/claim", headers={"Idempotency-Key": "claim-1"})
        note = {"text": "Checked the CCTV log."}
        noted = await op.post(f"{url}/notes", json=note, headers={"Idempotency-Key": "n-1"})
        await op.post(f"{url}/notes", json=note, headers={"Idempotency-Key": "n-1"})
        close = {"outcome": "crime_recorded", "crime_reference": "CR/1/26", "reply": REPLY}
        closed = await op.post(f"{url}/close", json=close, headers={"Idempotency-Key": "c-1"})
        view = (await op.get(url)).json()
        ours = await _of_report(servers, report_id)

    assert [claimed.status_code, again.status_code, noted.status_code, closed.status_code] == [
        202,
        202,
        202,
        202,
    ]
    assert again.json() == claimed.json()
    numbered = sorted((v["action_number"], v["event_type"], v["event_id"]) for v in ours)
    assert numbered == [
        (1, "ReportAssigned", claimed.json()["event_id"]),
        (2, "NoteAdded", noted.json()["event_id"]),
        (3, "ReportClosed", closed.json()["event_id"]),
    ]
    assert view["work"]["state"] == "closed"
    assert view["work"]["notes"][0]["text"] == "Checked the CCTV log."
    entries = await MongoAccessLog(database, _NoPublisher()).entries(None, report_id, 50)
    assert {"claim", "add_note", "close"} <= {entry.action.value for entry in entries}
    assert all("CCTV" not in str(vars(entry)) for entry in entries)


class _NoPublisher:
    async def publish(self, message: Document) -> None:
        raise AssertionError("reading the log publishes nothing")


async def test_a_command_whose_console_stopped_before_relaying_is_published_by_the_next(
    servers: Servers, mongo: AsyncMongoClient[Document], database_name: str
) -> None:
    database = mongo[database_name]
    report_id = await _seed(database)
    publisher: EventPublisher = _NoPublisher()  # the first console dies before publishing
    stopped = StaffActions(
        views=MongoReportViews(database),
        store=MongoStaffActionStore(database, publisher),
        access_log=_NullLog(),
        texts=FakeReplyTexts(),
        directory=MongoStaffDirectory(database),
        clock=SystemClock(),
        policy=ActionPolicy(),
    )
    operator = Staff("kc-op", "o.jones", frozenset({Role.OPERATOR}), frozenset({"crime_bureau"}))
    answer = await stopped.act(operator, report_id, "key-1", NoteCommand(text="written"))
    kept = await database["staff_actions"].find_one({"_id": str(report_id)})
    assert kept is not None
    assert len(kept["outbox"]) == 1  # written, not yet relayed

    assert await _of_report(servers, report_id) == []

    async def relayed() -> Document | None:
        document = await database["staff_actions"].find_one({"_id": str(report_id)})
        return document if document is not None and document["outbox"] == [] else None

    app = create_app(console_settings(servers, database_name))
    async with running(app):  # the relay sweeps at start
        await eventually(relayed, what="the relay of the stopped console's command")
    ours = await _of_report(servers, report_id)

    assert [(v["event_id"], v["action_number"]) for v in ours] == [(str(answer.event_id), 1)]


class _NullLog:
    async def record(self, entry: Any) -> None:
        return None

    async def entries(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []
