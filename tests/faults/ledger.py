"""The ledger of what the system did, per report, read from Kafka, the mail sink and (for
alert pages) the webhook sink; what became of staff actions is its `staff` part."""

from __future__ import annotations

import copy
import email
import email.policy
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared import topics
from tests.faults.alert_ledger import ALERT_TOPICS, AlertLedger
from tests.faults.harness import STACK, kafka_options, positions_reached, topic_partitions
from tests.faults.staff_ledger import REPLY_TOPICS, STAFF_TOPICS, StaffLedger

LEDGER_TOPICS = list(
    dict.fromkeys(  # each topic once: some parts of the ledger read the same topic
        [
            topics.REFERENCE_ISSUED,
            topics.REPLY_DELIVERED,
            topics.SLA_MET,
            topics.SLA_AT_RISK,
            topics.SLA_BREACHED,
            *ALERT_TOPICS,
            *STAFF_TOPICS,
            *REPLY_TOPICS,
        ]
    )
)


@dataclass
class Ledger:
    """What the system did, per report, read from Kafka and from the mail sink."""

    references: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    delivered: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    met: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    emails: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    #: per report, the SLA thresholds announced (at-risk names and "breach"), by event id
    thresholds: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    holding_emails: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    alerts: AlertLedger = field(default_factory=AlertLedger)
    staff: StaffLedger = field(default_factory=StaffLedger)

    def restricted_to(self, report_ids: set[str]) -> Ledger:
        """The ledger of these reports only (the shared test stack holds other tests' too)."""

        def keep(counts: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in counts.items() if k in report_ids}

        return Ledger(
            keep(self.references),
            keep(self.delivered),
            keep(self.met),
            keep(self.emails),
            keep(self.thresholds),
            keep(self.holding_emails),
            self.alerts.restricted_to(report_ids),
            self.staff.restricted_to(report_ids),
        )

    def threshold_counts(self, report_id: str) -> dict[str, int]:
        """How many distinct announcements of each threshold a report had."""
        return {name: len(ids) for name, ids in self.thresholds.get(report_id, {}).items()}

    def complete(self, report_ids: list[str], emergencies: set[str]) -> bool:
        replied = all(self.met.get(r) and self.emails.get(r) for r in report_ids)
        return replied and self.alerts.complete(emergencies)

    def counts(self, report_id: str) -> tuple[int, int, int, int]:
        """A report's references, delivered acknowledgements, SLA outcomes and emails."""
        return (
            len(self.references.get(report_id, ())),
            len(self.delivered.get(report_id, ())),
            len(self.met.get(report_id, ())),
            self.emails.get(report_id, 0),
        )

    def problems(self, report_ids: list[str], emergencies: set[str]) -> list[str]:
        found = []
        for report_id in report_ids:
            if (counts := self.counts(report_id)) != (1, 1, 1, 1):
                found.append(f"{report_id}: references, delivered, met, emails = {counts}")
        return found + self.alerts.problems(report_ids, emergencies)

    def lost_and_duplicated(self, report_ids: list[str], emergencies: set[str]) -> tuple[int, int]:
        """Reports missing any of their side effects (an emergency's: any alert step or
        page), and reports with one twice."""
        lost = duplicated = 0
        for report_id in report_ids:
            counts = self.counts(report_id)
            alert_lost, alert_twice = (
                self.alerts.lost_and_duplicated(report_id)
                if report_id in emergencies
                else (False, False)
            )
            lost += min(counts) == 0 or alert_lost
            duplicated += max(counts) > 1 or alert_twice
        return lost, duplicated


class LedgerReader:
    """Reads the ledger topics from the beginning once, then only what is new on each call;
    the emails and webhook calls are counted afresh each time."""

    def __init__(self) -> None:
        self._consumer: AIOKafkaConsumer | None = None
        self._partitions: list[TopicPartition] = []
        self._ledger = Ledger()

    async def read(self, started: float) -> Ledger:
        """What the system did so far: a copy the reader will not change afterwards."""
        consumer = await self._started()
        ends = await consumer.end_offsets(self._partitions)
        while not await positions_reached(consumer, ends):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    _note(self._ledger, record)
        ledger = copy.deepcopy(self._ledger)
        ledger.emails, ledger.holding_emails = defaultdict(int), defaultdict(int)
        _count_emails(ledger, started)
        ledger.alerts.count_pages()
        return ledger

    async def close(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None

    async def _started(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            consumer = AIOKafkaConsumer(**kafka_options(), enable_auto_commit=False)
            await consumer.start()
            self._partitions = [
                TopicPartition(topic, number)
                for topic in LEDGER_TOPICS
                for number in await topic_partitions(consumer, topic)
            ]
            consumer.assign(self._partitions)
            await consumer.seek_to_beginning(*self._partitions)
            self._consumer = consumer
        return self._consumer


def _note(ledger: Ledger, record: Any) -> None:
    try:
        event = json.loads(record.value)
    except ValueError:
        return  # a poison message the fault suite planted: not an event

    ledger.alerts.note(record, event)
    ledger.staff.note(record, event)
    report_id = event.get("report_id")
    if record.topic == topics.REFERENCE_ISSUED:
        ledger.references[report_id].add(event["reference"])
    elif record.topic == topics.REPLY_DELIVERED and event["reply_kind"] == "acknowledgement":
        ledger.delivered[report_id].add(event["event_id"])
    elif record.topic == topics.SLA_MET:
        ledger.met[report_id].add(event["event_id"])
    elif record.topic == topics.SLA_AT_RISK:
        ledger.thresholds[report_id][event["threshold"]].add(event["event_id"])
    elif record.topic == topics.SLA_BREACHED:
        ledger.thresholds[report_id]["breach"].add(event["event_id"])


def _count_emails(ledger: Ledger, started: float) -> None:
    message_ids = []
    for path in STACK.mail_dir.glob("*.eml"):
        if path.stat().st_mtime < started - 5:
            continue
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        # a long header is folded, so its value may start with whitespace
        message_id = str(message["Message-ID"]).strip()
        report_id, kind = message_id.lstrip("<").split(".")[:2]
        message_ids.append(message_id)
        if kind == "acknowledgement":
            ledger.emails[report_id] += 1
        elif kind == "holding":
            ledger.holding_emails[report_id] += 1
    ledger.staff.count_emails(message_ids)
