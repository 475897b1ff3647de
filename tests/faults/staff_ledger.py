"""The staff part of the fault suite's ledger: per report, each staff event on Kafka (by event
id), the messages staff asked for (by `request_id`: a reply and an outcome reply), and per
request its ReplySent and ReplyDelivered events (by event id) and its emails in the mail
sink (by the request id in the Message-ID)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from shared import topics
from shared.events import ReplyKind

STAFF_TOPICS = [topics.REPORT_ASSIGNED, topics.REPLY_REQUESTED, topics.REPORT_CLOSED]
REPLY_TOPICS = {topics.REPLY_SENT: "sent", topics.REPLY_DELIVERED: "delivered"}
#: Which staff event asks for which message, and where in the event the message is.
MESSAGE_OF = {
    "ReplyRequested": (ReplyKind.STAFF_REPLY.value, "message"),
    "ReportClosed": (ReplyKind.OUTCOME.value, "reply"),
}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: Per report, the staff events the operator's actions make and the messages they ask for.
Answered = dict[str, dict[str, str]]


def _nested() -> dict[str, dict[str, set[str]]]:
    nested: defaultdict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    return nested


def _sets() -> dict[str, set[str]]:
    return defaultdict(set)


@dataclass
class StaffLedger:
    """What became of the operator's actions: events, requests, replies and emails."""

    #: per report id, per staff event type, the distinct event ids on Kafka
    events: dict[str, dict[str, set[str]]] = field(default_factory=_nested)
    #: per report id, per reply kind, the request ids of the messages staff asked for
    requests: dict[str, dict[str, set[str]]] = field(default_factory=_nested)
    #: per request id, the distinct ReplySent and ReplyDelivered event ids
    sent: dict[str, set[str]] = field(default_factory=_sets)
    delivered: dict[str, set[str]] = field(default_factory=_sets)
    #: per request id, the emails the mail sink received for it
    emails: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def restricted_to(self, report_ids: set[str]) -> StaffLedger:
        requests = {r: kinds for r, kinds in self.requests.items() if r in report_ids}
        ours = {rid for kinds in requests.values() for ids in kinds.values() for rid in ids}

        def keep(counts: dict[str, Any], wanted: set[str]) -> dict[str, Any]:
            return {k: v for k, v in counts.items() if k in wanted}

        return StaffLedger(
            keep(self.events, report_ids),
            requests,
            keep(self.sent, ours),
            keep(self.delivered, ours),
            keep(self.emails, ours),
        )

    def note(self, record: Any, event: dict[str, Any]) -> None:
        """A staff event, or a ReplySent/ReplyDelivered of a message staff asked for."""
        if record.topic in STAFF_TOPICS:
            report_id, event_type = event["report_id"], event["event_type"]
            self.events[report_id][event_type].add(event["event_id"])
            kind, where = MESSAGE_OF.get(event_type, (None, None))
            if kind is not None and where is not None and event.get(where):
                self.requests[report_id][kind].add(event[where]["request_id"])
        elif record.topic in REPLY_TOPICS and event.get("request_id"):
            found = self.sent if REPLY_TOPICS[record.topic] == "sent" else self.delivered
            found[event["request_id"]].add(event["event_id"])

    def count_emails(self, message_ids: Iterable[str]) -> None:
        """The mail sink's emails, afresh: a staff one names its request in its Message-ID."""
        self.emails = defaultdict(int)
        known = self.request_ids()
        for message_id in message_ids:
            for candidate in UUID.findall(message_id):
                if candidate in known:
                    self.emails[candidate] += 1

    def request_ids(self) -> set[str]:
        return {rid for kinds in self.requests.values() for ids in kinds.values() for rid in ids}

    def complete(self, answered: Answered) -> bool:
        """Every answered action's event on Kafka, each message sent and in the mail sink."""
        return all(
            self.events.get(report_id, {}).keys() >= events.keys()
            and all(all(self.message_counts(r)) for r in self._requests(report_id))
            for report_id, events in answered.items()
        )

    def problems(self, answered: Answered) -> list[str]:
        """Reports whose staff events on Kafka are not exactly the ones the console
        answered, or whose messages were not asked, sent, delivered and emailed once each."""
        found = []
        for report_id, events in answered.items():
            on_kafka = {t: ids for t, ids in self.events.get(report_id, {}).items()}
            if on_kafka != {t: {event_id} for t, event_id in events.items()}:
                found.append(f"{report_id}: staff events on Kafka {on_kafka}, answered {events}")
            kinds = self.requests.get(report_id, {})
            if {k: len(ids) for k, ids in kinds.items()} != dict.fromkeys(_kinds(events), 1):
                found.append(f"{report_id}: messages asked per kind = {dict(kinds)}")
            for request_id in self._requests(report_id):
                if (counts := self.message_counts(request_id)) != (1, 1, 1):
                    found.append(f"{request_id}: sent, delivered, emails = {counts}")
        return found

    def message_counts(self, request_id: str) -> tuple[int, int, int]:
        return (
            len(self.sent.get(request_id, ())),
            len(self.delivered.get(request_id, ())),
            self.emails.get(request_id, 0),
        )

    def totals(self, answered: Answered) -> dict[str, int]:
        """The figures of a staff row: actions answered, their events on Kafka (distinct),
        staff emails, and actions or messages lost or duplicated."""
        lost = duplicated = 0
        for report_id, events in answered.items():
            on_kafka = self.events.get(report_id, {})
            counts = [len(on_kafka.get(t, ())) for t in events]
            counts += [c for r in self._requests(report_id) for c in self.message_counts(r)]
            counts += [len(self.requests.get(report_id, {}).get(k, ())) for k in _kinds(events)]
            lost += sum(1 for c in counts if c == 0)
            duplicated += sum(1 for c in counts if c > 1)
        reports = set(answered)
        return {
            "actions": sum(len(events) for events in answered.values()),
            "events": sum(len(ids) for r in reports for ids in self.events.get(r, {}).values()),
            "replies": sum(self.emails.get(rid, 0) for r in reports for rid in self._requests(r)),
            "staff_lost": lost,
            "staff_duplicated": duplicated,
        }

    def _requests(self, report_id: str) -> Iterable[str]:
        return {rid for ids in self.requests.get(report_id, {}).values() for rid in ids}


def _kinds(events: dict[str, str]) -> list[str]:
    """The kinds of message these staff events ask for."""
    return [MESSAGE_OF[t][0] for t in events if t in MESSAGE_OF]
