"""What the console's API answers, built from the read model's records for one member of
staff: pure, so every rule of what is shown to whom is tested without a server.

A report view holds the reporter's own text (operators of its team and supervisors only)
with the contact details masked; the full details come from a separate request, logged as
a disclosure. Queues and figures, with no personal data, are in `queues`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from services.console.audit import AccessAction, AccessEntry
from services.console.records import (
    AlertRecord,
    ClassificationRecord,
    QueueState,
    ReplyRecord,
    ReportRecord,
    SlaRecord,
    TimelineEntry,
)
from services.console.roles import Staff
from services.console.work_views import WorkView, work_view

MASK = "•••"
#: Fewer digits than this are not a phone number worth half-showing.
SHORTEST_PHONE = 8


class NotPermittedError(Exception):
    """The member of staff may not open this report (not their team, or not their role)."""


class ThriveItem(BaseModel):
    dimension: str
    level: str
    rules: list[str]


class ClassificationView(BaseModel):
    """The newest assessment and what decided it."""

    grade: int
    route: str
    flags: list[str]
    thrive: list[ThriveItem]
    rules_fired: list[str]
    rules_version: str
    model_version: str | None
    model_score: float | None
    confidence: float
    referral: str | None
    next_steps: str


class ContactView(BaseModel):
    """How the reporter may be contacted; `masked` unless disclosed on purpose."""

    masked: bool
    name: str | None
    email: str | None
    phone: str | None
    preferred_channel: str | None
    language: str | None
    email_safe: bool
    sms_safe: bool
    safe_times: str | None = Field(description="When contact is safe, if limited.")


class SlaClock(BaseModel):
    due_at: AwareDatetime | None
    remaining_seconds: float | None = Field(description="Negative once overdue; none once met.")
    state: QueueState
    warnings: list[str]
    met_at: AwareDatetime | None


class ReplyView(BaseModel):
    """A message sent to the reporter: the exact text and how it fared."""

    reply_kind: str
    channel: str | None
    state: str
    subject: str | None
    body: str | None
    sent_at: AwareDatetime | None
    delivered_at: AwareDatetime | None
    failure: str | None
    failed_at: AwareDatetime | None


class AlertView(BaseModel):
    alert_id: uuid.UUID
    kind: str
    state: Literal["open", "acknowledged", "resolved"]
    step: int
    told: list[str]
    raised_at: AwareDatetime
    acknowledged_by: str | None


class TimelineItem(BaseModel):
    event_id: uuid.UUID
    event_type: str
    occurred_at: AwareDatetime
    producer: str
    summary: str


class ReportView(BaseModel):
    """Everything the console shows of one report."""

    report_id: uuid.UUID
    reference: str | None
    report_type: str | None
    channel: str | None
    force_code: str | None
    received_at: AwareDatetime | None
    description: str | None
    answers: dict[str, Any]
    updates: list[str]
    happening_now: bool | None
    someone_in_danger: bool | None
    classification: ClassificationView | None
    contact: ContactView | None = Field(description="None for an anonymous report.")
    sla: SlaClock
    replies: list[ReplyView]
    alerts: list[AlertView]
    timeline: list[TimelineItem]
    grade: int | None = Field(description="The grade handled at: staff's override, or newer.")
    route: str | None = Field(description="The team it is routed to now.")
    work: WorkView = Field(description="Staff's work on it: state, assignee, notes...")
    allowed_actions: list[str] = Field(
        default_factory=list, description="The staff actions the caller may take on it now."
    )
    shown: list[str] = Field(description="The parts shown, as the access log names them.")


def mask_email(email: str) -> str:
    """`jane@example.co.uk` as `j•••@e•••.co.uk`: enough to recognise, not to use."""
    local, _, domain = email.partition("@")
    label, dot, rest = domain.partition(".")
    return f"{local[:1]}{MASK}@{label[:1]}{MASK}{dot}{rest}"


def mask_phone(phone: str) -> str:
    """`+447700900123` as `+44 •••• ••• 123`."""
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) < SHORTEST_PHONE:
        return MASK
    return f"+{digits[:2]} •••• ••• {digits[-3:]}"


def initials(name: str) -> str:
    """`Alex Example` as `A. E.`."""
    return " ".join(f"{word[0].upper()}." for word in name.split() if word[0].isalpha())


def may_open(staff: Staff, record: ReportRecord) -> bool:
    return staff.may_read_team(record.route)


def contact_view(contact: dict[str, Any] | None, *, masked: bool) -> ContactView | None:
    if contact is None:
        return None
    name, email, phone = contact.get("name"), contact.get("email"), contact.get("phone")
    if masked:
        name = initials(name) if name else None
        email = mask_email(email) if email else None
        phone = mask_phone(phone) if phone else None
    return ContactView(
        masked=masked,
        name=name,
        email=email,
        phone=phone,
        preferred_channel=contact.get("preferred_channel"),
        language=contact.get("language"),
        email_safe=bool(contact.get("email_safe", True)),
        sms_safe=bool(contact.get("sms_safe", True)),
        safe_times=contact.get("safe_times"),
    )


def contact_details(record: ReportRecord, staff: Staff) -> ContactView | None:
    """The contact details in full: a disclosure, which the caller logs."""
    if not may_open(staff, record):
        raise NotPermittedError
    return contact_view(record.contact, masked=False)


def sla_clock(sla: SlaRecord | None, now: datetime) -> SlaClock:
    if sla is None:
        return SlaClock(
            due_at=None, remaining_seconds=None, state="no_clock", warnings=[], met_at=None
        )
    remaining = None if sla.due_at is None else (sla.due_at - now).total_seconds()
    state: QueueState
    if sla.met_at is not None:
        state, remaining = ("met_late" if sla.late else "met"), None
    elif sla.breached or (remaining is not None and remaining < 0):
        state = "breached"
    elif sla.due_at is None:
        state = "no_clock"
    else:
        state = "at_risk" if sla.warnings else "running"
    return SlaClock(
        due_at=sla.due_at,
        remaining_seconds=remaining,
        state=state,
        warnings=list(sla.warnings),
        met_at=sla.met_at,
    )


def classification_view(record: ClassificationRecord | None) -> ClassificationView | None:
    if record is None:
        return None
    thrive = [
        ThriveItem(
            dimension=dimension,
            level=str(value.get("level", "")) if isinstance(value, dict) else str(value),
            rules=list(value.get("rules", [])) if isinstance(value, dict) else [],
        )
        for dimension, value in record.thrive.items()
    ]
    return ClassificationView(
        grade=record.grade,
        route=record.route,
        flags=list(record.flags),
        thrive=thrive,
        rules_fired=list(record.rules_fired),
        rules_version=record.rules_version,
        model_version=record.model_version,
        model_score=record.model_score,
        confidence=record.confidence,
        referral=record.referral,
        next_steps=record.next_steps,
    )


def parts_shown(record: ReportRecord) -> list[str]:
    """What a report view holds, by name, for the access log's `shown`."""
    present = {
        "description": record.description is not None,
        "answers": bool(record.answers),
        "updates": bool(record.updates),
        "classification": record.classification is not None,
        "contact_masked": record.contact is not None,
        "replies_text": bool(record.replies),
        "timeline": bool(record.timeline),
        "notes": bool(record.work.notes),
        "contacts_made": bool(record.work.contacts),
        "information_requests": bool(record.work.information_requests),
    }
    return [part for part, shown in present.items() if shown]


def report_view(record: ReportRecord, staff: Staff, now: datetime) -> ReportView:
    """The report as `staff` may see it; NotPermittedError if they may not open it."""
    if not may_open(staff, record):
        raise NotPermittedError
    return ReportView(
        report_id=record.report_id,
        reference=record.reference,
        report_type=record.report_type,
        channel=record.channel,
        force_code=record.force_code,
        received_at=record.received_at,
        description=record.description,
        answers=dict(record.answers),
        updates=list(record.updates),
        happening_now=record.happening_now,
        someone_in_danger=record.someone_in_danger,
        classification=classification_view(record.classification),
        contact=contact_view(record.contact, masked=True),
        sla=sla_clock(record.sla, min(now, record.work.paused_since or now)),  # paused: still
        replies=[_reply(reply) for reply in record.replies],
        alerts=[_alert(alert) for alert in record.alerts],
        timeline=[_moment(entry) for entry in sorted(record.timeline, key=_when)],
        grade=record.grade,
        route=record.route,
        work=work_view(record.work),
        shown=parts_shown(record),
    )


def _when(entry: TimelineEntry) -> datetime:
    return entry.occurred_at


def _reply(reply: ReplyRecord) -> ReplyView:
    return ReplyView(**vars(reply))


def _alert(alert: AlertRecord) -> AlertView:
    return AlertView(**vars(alert))


def _moment(entry: TimelineEntry) -> TimelineItem:
    return TimelineItem(**vars(entry))


def access_entry(staff: Staff, action: AccessAction, at: datetime, **facts: Any) -> AccessEntry:
    """An access-log entry of `staff`'s: `facts` name the report, the parts shown, the
    matches or a digest, never content."""
    return AccessEntry(
        entry_id=uuid.uuid4(),
        at=at,
        action=action,
        user_id=staff.user_id,
        username=staff.username,
        roles=staff.role_names,
        **facts,
    )
