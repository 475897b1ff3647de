"""The ceiling: the pipeline's hops as raw aiokafka relays, one process per service.

Each stage consumes the topics its service consumes and emits what the service emits, with
the services' delivery settings (`acks=all`, idempotence, the service name as group, offsets
committed only after the stage's records were acknowledged) but no framework, no Mongo
(unless `--mongo`, which adds one upsert per record) and no work beyond the joins: the
notifier stage replies once a report's classification and reference have both arrived,
the watchdog stage closes a clock on the delivery. It takes a poll's records at a time,
which is what aiokafka allows at best while keeping those guarantees.

    python -m bench.chain <stage> --prefix ceiling --bootstrap 127.0.0.1:29092 \
        [--mongo mongodb://127.0.0.1:47017]
"""

from __future__ import annotations

import argparse
import asyncio
from collections import defaultdict
from dataclasses import dataclass

import uvloop
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from shared.settings import KafkaSettings

SUBMITTED, CLASSIFIED, REFERENCE = "submitted", "classified", "reference"
SENT, DELIVERED, MET = "sent", "delivered", "met"


@dataclass(frozen=True)
class Stage:
    """What one service consumes, and which arrival (or join of arrivals) emits what."""

    consumes: tuple[str, ...]
    emits_on: dict[str, tuple[str, ...]]  # arrival -> topics emitted (once the needs are met)
    needs: frozenset[str] = frozenset()  # topics a report must have been seen on, to emit


STAGES = {
    "intake": Stage((REFERENCE, SENT, DELIVERED), {}),
    "classifier": Stage((SUBMITTED,), {SUBMITTED: (CLASSIFIED,)}),
    "reference_issuer": Stage((SUBMITTED,), {SUBMITTED: (REFERENCE,)}),
    "notifier": Stage(
        (SUBMITTED, CLASSIFIED, REFERENCE),
        dict.fromkeys((SUBMITTED, CLASSIFIED, REFERENCE), (SENT, DELIVERED)),
        frozenset({SUBMITTED, CLASSIFIED, REFERENCE}),
    ),
    "sla_watchdog": Stage(
        (SUBMITTED, CLASSIFIED, SENT, DELIVERED),
        dict.fromkeys((SUBMITTED, DELIVERED), (MET,)),
        frozenset({SUBMITTED, DELIVERED}),
    ),
}


def topic(prefix: str, name: str) -> str:
    return f"{prefix}.{name}"


def all_topics(prefix: str) -> list[str]:
    return [topic(prefix, n) for n in (SUBMITTED, CLASSIFIED, REFERENCE, SENT, DELIVERED, MET)]


class Joins:
    """Which topics each report has been seen on: in memory, or one Mongo upsert each."""

    def __init__(self, collection: AsyncCollection[dict[str, object]] | None) -> None:
        self._collection = collection
        self._seen: dict[bytes, set[str]] = defaultdict(set)

    async def see(self, key: bytes, name: str) -> tuple[set[str], set[str]]:
        """The topics seen before this arrival, and after it."""
        if self._collection is None:
            before = set(self._seen[key])
            self._seen[key].add(name)
            return before, self._seen[key]
        document = await self._collection.find_one_and_update(
            {"_id": key.decode()},
            {"$set": {name: True}},
            upsert=True,
            return_document=ReturnDocument.BEFORE,
        )
        before = set(document or {}) - {"_id"}
        return before, before | {name}


async def _handle(
    stage: Stage,
    joins: Joins,
    producer: AIOKafkaProducer,
    record: ConsumerRecord[bytes, bytes],
    prefix: str,
) -> list[asyncio.Future[object]]:
    """Emit once, on the arrival that completes what the stage needs (a redelivery or a
    later arrival emits nothing, as the services' idempotent handlers do)."""
    name = record.topic.removeprefix(f"{prefix}.")
    assert record.key is not None
    before, after = await joins.see(record.key, name)
    required = stage.needs | {name}
    if name not in stage.emits_on or not required <= after or required <= before:
        return []
    headers = record.headers
    return [
        await producer.send(topic(prefix, out), record.value, key=record.key, headers=headers)
        for out in stage.emits_on[name]
    ]


async def run(stage_name: str, prefix: str, bootstrap: str, mongo_uri: str | None) -> None:
    stage = STAGES[stage_name]
    mongo: AsyncMongoClient[dict[str, object]] | None = (
        AsyncMongoClient(mongo_uri) if mongo_uri else None
    )
    joins = Joins(mongo["bench"][f"{prefix}.{stage_name}"] if mongo else None)
    producer = AIOKafkaProducer(
        **KafkaSettings(bootstrap_servers=bootstrap).client_options(),
        acks="all",
        enable_idempotence=True,
        linger_ms=0,
    )
    consumer = AIOKafkaConsumer(
        *(topic(prefix, name) for name in stage.consumes),
        **KafkaSettings(bootstrap_servers=bootstrap).client_options(),
        group_id=f"{prefix}.{stage_name}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await producer.start()
    await consumer.start()
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=100)
        print("ready", flush=True)
        while True:
            batches = await consumer.getmany(timeout_ms=100, max_records=500)
            if not batches:
                continue
            acks = [
                future
                for records in batches.values()
                for record in records
                for future in await _handle(stage, joins, producer, record, prefix)
            ]
            await asyncio.gather(*acks)
            await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()
        if mongo is not None:
            await mongo.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("stage", choices=sorted(STAGES))
    parser.add_argument("--prefix", required=True, help="of the chain's topics and groups")
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--mongo", default=None, help="one upsert per record in this Mongo")
    args = parser.parse_args()
    # the services' event loop (shared/serve.py), so the ceiling is theirs to reach
    uvloop.run(run(args.stage, args.prefix, args.bootstrap, args.mongo))


if __name__ == "__main__":
    main()
