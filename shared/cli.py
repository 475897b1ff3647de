"""`frontdesk`: operations commands. `frontdesk dlq list|show|replay` inspect dead letters
and republish them to their original topic once the cause is fixed; `frontdesk kafka
acls|provision` show and apply the principals and ACLs (`shared/kafka_cli.py`).

Replay reads each service's dead-letter topic in a consumer group of its own
(`dlq-replay-<service>`), so every dead letter is replayed once, however often the command
runs; the records stay in the dead-letter topic as the audit trail.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

import typer
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from rich.console import Console
from rich.table import Table

from shared.kafka_cli import kafka, system_of
from shared.settings import KafkaSettings
from shared.topics import dead_letter_topic

app = typer.Typer(help="frontdesk operations commands", no_args_is_help=True)
dlq = typer.Typer(help="Dead letters: list, show, replay", no_args_is_help=True)
app.add_typer(dlq, name="dlq")
app.add_typer(kafka, name="kafka")
console = Console()

Service = Annotated[str, typer.Argument(help="A service's name, e.g. notifier")]


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    at: datetime
    original_topic: str
    reason: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]


def _check(ctx: typer.Context, service: str) -> str:
    names = [known.service for known in system_of(ctx)]
    if service not in names:
        raise typer.BadParameter(f"unknown service {service!r}; one of {', '.join(names)}")
    return dead_letter_topic(service)


async def _read(topic: str, group: str | None, settings: KafkaSettings) -> list[DeadLetter]:
    consumer = AIOKafkaConsumer(
        topic,
        **settings.client_options(),
        group_id=group or f"dlq-browser-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        letters: list[DeadLetter] = []
        while batch := await consumer.getmany(timeout_ms=1500):
            for records in batch.values():
                letters.extend(_letter(record) for record in records)
        return letters
    finally:
        await consumer.stop()


def _letter(record: object) -> DeadLetter:
    headers = list(getattr(record, "headers", []) or [])
    named = {key: value.decode(errors="replace") for key, value in headers}
    return DeadLetter(
        partition=record.partition,  # type: ignore[attr-defined]
        offset=record.offset,  # type: ignore[attr-defined]
        at=datetime.fromtimestamp(record.timestamp / 1000, UTC),  # type: ignore[attr-defined]
        original_topic=named.get("dlq_topic", "?"),
        reason=named.get("dlq_reason", "?"),
        key=record.key,  # type: ignore[attr-defined]
        value=record.value,  # type: ignore[attr-defined]
        headers=headers,
    )


@dlq.command("list")
def list_dead_letters(ctx: typer.Context, service: Service) -> None:
    """Every dead letter of a service: where it came from and why it was set aside."""
    letters = asyncio.run(_read(_check(ctx, service), None, KafkaSettings()))
    table = Table(title=f"dead letters of {service}: {len(letters)}")
    for column in ("partition:offset", "at", "from topic", "reason"):
        table.add_column(column)
    for letter in letters:
        table.add_row(
            f"{letter.partition}:{letter.offset}",
            f"{letter.at:%Y-%m-%d %H:%M:%S}",
            letter.original_topic,
            letter.reason,
        )
    console.print(table)


@dlq.command("show")
def show_dead_letter(
    ctx: typer.Context,
    service: Service,
    position: Annotated[str, typer.Argument(help="partition:offset")],
) -> None:
    """One dead letter in full: headers and body (which may hold personal data)."""
    partition, offset = (int(part) for part in position.split(":"))
    letters = asyncio.run(_read(_check(ctx, service), None, KafkaSettings()))
    found = [x for x in letters if (x.partition, x.offset) == (partition, offset)]
    if not found:
        raise typer.BadParameter(f"no dead letter at {position}")
    letter = found[0]
    for key, value in letter.headers:
        console.print(f"[bold]{key}[/bold]: {value.decode(errors='replace')}")
    console.print(letter.value.decode(errors="replace"))


async def _replay(topic: str, service: str, settings: KafkaSettings) -> int:
    letters = await _read(topic, f"dlq-replay-{service}", settings)
    producer = AIOKafkaProducer(**settings.client_options(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for letter in letters:
            original = [(k, v) for k, v in letter.headers if not k.startswith("dlq_")]
            await producer.send_and_wait(
                letter.original_topic,
                letter.value,
                key=letter.key,
                headers=[
                    *original,
                    ("dlq_replayed_from", f"{letter.partition}:{letter.offset}".encode()),
                ],
            )
    finally:
        await producer.stop()
    await _commit_replayed(service, settings)
    return len(letters)


async def _commit_replayed(service: str, settings: KafkaSettings) -> None:
    consumer = AIOKafkaConsumer(
        dead_letter_topic(service),
        **settings.client_options(),
        group_id=f"dlq-replay-{service}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        while await consumer.getmany(timeout_ms=1500):
            pass
        await consumer.commit()
    finally:
        await consumer.stop()


@dlq.command("replay")
def replay_dead_letters(ctx: typer.Context, service: Service) -> None:
    """Republish a service's dead letters not yet replayed to their original topics."""
    replayed = asyncio.run(_replay(_check(ctx, service), service, KafkaSettings()))
    console.print(f"replayed {replayed} dead letter(s) of {service}")
