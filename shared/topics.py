"""Every Kafka topic name, in one place.

Topics are named `<aggregate>.<event>.v<major>`; a breaking change gets a new major topic.
The key of every record is the report id, so one report's events keep their order.
"""

from __future__ import annotations

SUBMISSION_RECEIVED = "submission.received.v1"
REPORT_SUBMITTED = "report.submitted.v1"
REPORT_UPDATED = "report.updated.v1"
REPORT_CLASSIFIED = "report.classified.v1"
REFERENCE_ISSUED = "report.reference-issued.v1"
REPLY_SENT = "reply.sent.v1"
REPLY_DELIVERED = "reply.delivered.v1"
REPLY_FAILED = "reply.failed.v1"
SLA_AT_RISK = "sla.at-risk.v1"
SLA_BREACHED = "sla.breached.v1"
SLA_MET = "sla.met.v1"

TOPIC_BY_EVENT_TYPE: dict[str, str] = {
    "ReportSubmitted": REPORT_SUBMITTED,
    "ReportUpdated": REPORT_UPDATED,
    "ReportClassified": REPORT_CLASSIFIED,
    "ReferenceIssued": REFERENCE_ISSUED,
    "ReplySent": REPLY_SENT,
    "ReplyDelivered": REPLY_DELIVERED,
    "ReplyFailed": REPLY_FAILED,
    "SlaAtRisk": SLA_AT_RISK,
    "SlaBreached": SLA_BREACHED,
    "SlaMet": SLA_MET,
}

SERVICES = ("intake", "classifier", "reference_issuer", "notifier", "sla_watchdog")

#: The topics each service consumes, in one consumer group named after the service.
CONSUMES: dict[str, tuple[str, ...]] = {
    "intake": (SUBMISSION_RECEIVED, REFERENCE_ISSUED, REPLY_SENT, REPLY_DELIVERED),
    "classifier": (REPORT_SUBMITTED, REPORT_UPDATED),
    "reference_issuer": (REPORT_SUBMITTED, REPLY_SENT, REPLY_DELIVERED),
    "notifier": (REPORT_SUBMITTED, REPORT_CLASSIFIED, REFERENCE_ISSUED, SLA_BREACHED),
    "sla_watchdog": (
        REPORT_SUBMITTED,
        REPORT_CLASSIFIED,
        REPLY_SENT,
        REPLY_DELIVERED,
        REPLY_FAILED,
    ),
}

DEFAULT_PARTITIONS = 6


def topic_for(event_type: str) -> str:
    """The topic an event of this type is published to."""
    return TOPIC_BY_EVENT_TYPE[event_type]


DEAD_LETTER_PREFIX = "dlq."


def dead_letter_topic(service: str) -> str:
    """Where a service puts the messages it can never process."""
    return f"{DEAD_LETTER_PREFIX}{service}.v1"


def all_topics() -> list[str]:
    """Every topic the system uses, dead-letter topics included."""
    return [
        SUBMISSION_RECEIVED,
        *TOPIC_BY_EVENT_TYPE.values(),
        *(dead_letter_topic(service) for service in SERVICES),
    ]
