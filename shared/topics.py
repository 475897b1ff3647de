"""Every Kafka topic name, in one place.

Topics are named `<aggregate>.<event>.v<major>`; a breaking change gets a new major topic.
The key of every record is the report id, so one report's events keep their order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Where each channel that publishes its reports to Kafka puts them: one topic per channel,
#: so that which channel a submission came from is known from the topic, which only that
#: channel's principal may write to (ACLs, `shared/kafka_access.py`), never from the payload.
INGRESS_TOPICS: dict[str, str] = {
    "phone": "submission.received.phone.v1",
    "partner": "submission.received.partner.v1",
}
REPORT_SUBMITTED = "report.submitted.v1"
REPORT_UPDATED = "report.updated.v1"
REPORT_CLASSIFIED = "report.classified.v1"
REFERENCE_ISSUED = "report.reference-issued.v1"
REPLY_SENT = "reply.sent.v1"
REPLY_DELIVERED = "reply.delivered.v1"
REPLY_FAILED = "reply.failed.v1"
SLA_TARGET_SET = "sla.target-set.v1"
SLA_AT_RISK = "sla.at-risk.v1"
SLA_BREACHED = "sla.breached.v1"
SLA_MET = "sla.met.v1"
ALERT_RAISED = "alert.raised.v1"
ALERT_ESCALATED = "alert.escalated.v1"
ALERT_ACKNOWLEDGED = "alert.acknowledged.v1"
ALERT_RESOLVED = "alert.resolved.v1"
ACCESS_RECORDED = "audit.access.v1"
REPORT_ASSIGNED = "report.assigned.v1"
CONTACT_RECORDED = "report.contact-recorded.v1"
REPLY_REQUESTED = "reply.requested.v1"
INFORMATION_REQUESTED = "report.information-requested.v1"
REPORT_REGRADED = "report.regraded.v1"
REPORT_CLOSED = "report.closed.v1"
REPORT_REOPENED = "report.reopened.v1"
NOTE_ADDED = "report.note-added.v1"
SLA_PAUSED = "sla.paused.v1"
SLA_RESUMED = "sla.resumed.v1"

TOPIC_BY_EVENT_TYPE: dict[str, str] = {
    "ReportSubmitted": REPORT_SUBMITTED,
    "ReportUpdated": REPORT_UPDATED,
    "ReportClassified": REPORT_CLASSIFIED,
    "ReferenceIssued": REFERENCE_ISSUED,
    "ReplySent": REPLY_SENT,
    "ReplyDelivered": REPLY_DELIVERED,
    "ReplyFailed": REPLY_FAILED,
    "SlaTargetSet": SLA_TARGET_SET,
    "SlaAtRisk": SLA_AT_RISK,
    "SlaBreached": SLA_BREACHED,
    "SlaMet": SLA_MET,
    "AlertRaised": ALERT_RAISED,
    "AlertEscalated": ALERT_ESCALATED,
    "AlertAcknowledged": ALERT_ACKNOWLEDGED,
    "AlertResolved": ALERT_RESOLVED,
    "AccessRecorded": ACCESS_RECORDED,
    "ReportAssigned": REPORT_ASSIGNED,
    "ContactRecorded": CONTACT_RECORDED,
    "ReplyRequested": REPLY_REQUESTED,
    "InformationRequested": INFORMATION_REQUESTED,
    "ReportRegraded": REPORT_REGRADED,
    "ReportClosed": REPORT_CLOSED,
    "ReportReopened": REPORT_REOPENED,
    "NoteAdded": NOTE_ADDED,
    "SlaPaused": SLA_PAUSED,
    "SlaResumed": SLA_RESUMED,
}

#: The event type each event topic carries, and no other.
EVENT_TYPE_OF_TOPIC: dict[str, str] = {topic: kind for kind, topic in TOPIC_BY_EVENT_TYPE.items()}

DEFAULT_PARTITIONS = 6


def topic_for(event_type: str) -> str:
    """The topic an event of this type is published to."""
    return TOPIC_BY_EVENT_TYPE[event_type]


DEAD_LETTER_PREFIX = "dlq."


def dead_letter_topic(service: str) -> str:
    """Where a service puts the messages it can never process."""
    return f"{DEAD_LETTER_PREFIX}{service}.v1"


def ingress_channel(topic: str) -> str | None:
    """The channel whose ingress topic this is, or None for any other topic."""
    return next((channel for channel, name in INGRESS_TOPICS.items() if name == topic), None)


class WrongTopicError(Exception):
    """A message whose type does not belong on the topic it was read from."""


def check_belongs(topic: str, event_type: object) -> None:
    """Refuse a message that claims a type other than its topic's (a forged or misrouted
    event): an ingress topic carries submissions, which have no `event_type`; an event topic
    carries its one type. Topics not named here (dead letters) are not checked."""
    if topic in INGRESS_TOPICS.values():
        if event_type is not None:
            raise WrongTopicError(f"{topic} carries submissions, not events")
        return
    expected = EVENT_TYPE_OF_TOPIC.get(topic)
    if expected is not None and event_type != expected:
        raise WrongTopicError(f"{topic} carries {expected} events only")


@dataclass(frozen=True)
class ServiceTopics:
    """What one service reads and writes: derived from its routing table (`shared.routes`),
    so the ACLs, the topics a service waits for and its subscription cannot disagree."""

    service: str
    consumes: tuple[str, ...]
    produces: tuple[str, ...]

    @property
    def dead_letters(self) -> str:
        return dead_letter_topic(self.service)

    def all(self) -> list[str]:
        """Every topic the service reads or writes, its dead-letter topic included."""
        return [*self.consumes, *self.produces, self.dead_letters]


def all_topics(system: Iterable[ServiceTopics]) -> list[str]:
    """Every topic of a system of services, dead-letter topics included."""
    return [
        *INGRESS_TOPICS.values(),
        *TOPIC_BY_EVENT_TYPE.values(),
        *(service.dead_letters for service in system),
    ]
