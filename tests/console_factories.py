"""Records of the console's read model, for unit tests: one report with something of
every part, and members of staff of each role."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from services.console.records import (
    AlertRecord,
    ClassificationRecord,
    ReplyRecord,
    ReportRecord,
    SlaRecord,
    TimelineEntry,
)
from services.console.roles import Role, Staff
from shared.references import format_reference
from tests.factories import NOW

DESCRIPTION = "Someone smashed the window of my car on Acacia Avenue last night"
REPLY_BODY = "Thank you, Alex. Your reference is LP-20261130-000123-?"


def staff(*roles: Role, teams: tuple[str, ...] = ("crime_bureau",), user: str = "u-1") -> Staff:
    return Staff(
        user_id=user, username=f"{user}-name", roles=frozenset(roles), teams=frozenset(teams)
    )


def reference(sequence: int = 123, day: date = date(2026, 11, 30)) -> str:
    return format_reference("LP", day, sequence)


def report_record(**overrides: Any) -> ReportRecord:
    report_id = overrides.pop("report_id", uuid.uuid4())
    received = NOW - timedelta(hours=2)
    fields: dict[str, Any] = {
        "report_id": report_id,
        "reference": reference(),
        "force_code": "LP",
        "report_type": "crime",
        "channel": "web",
        "received_at": received,
        "description": DESCRIPTION,
        "answers": {"vehicle_registration": "AB12 CDE"},
        "happening_now": False,
        "someone_in_danger": False,
        "contact": {
            "name": "Alex Example",
            "email": "alex@example.co.uk",
            "phone": "+447700900123",
            "preferred_channel": "email",
            "language": "en",
            "email_safe": True,
            "sms_safe": False,
            "safe_times": "after 6pm",
        },
        "updates": ["I found a witness: my neighbour Sam"],
        "classification": ClassificationRecord(
            grade=3,
            route="crime_bureau",
            flags=["vehicle"],
            thrive={"threat": {"level": "low", "rules": ["no-ongoing-threat"]}},
            rules_fired=["vehicle-crime"],
            rules_version="2026.11",
            confidence=0.9,
            model_version="m-1",
            model_score=0.12,
            referral=None,
            next_steps="Crime bureau reviews within 5 days",
            sequence=1,
        ),
        "sla": SlaRecord(
            due_at=NOW + timedelta(hours=1),
            grade=3,
            warnings=["75%"],
            breached=False,
            met_at=None,
            late=None,
        ),
        "replies": [
            ReplyRecord(
                reply_kind="acknowledgement",
                channel="email",
                state="delivered",
                subject="Your report LP-20261130-000123",
                body=REPLY_BODY,
                sent_at=received + timedelta(minutes=1),
                delivered_at=received + timedelta(minutes=2),
                failure=None,
            )
        ],
        "alerts": [
            AlertRecord(
                alert_id=uuid.uuid4(),
                kind="sla_at_risk",
                state="open",
                step=0,
                told=["crime-bureau-duty"],
                raised_at=NOW - timedelta(minutes=5),
                acknowledged_by=None,
            )
        ],
        "timeline": [
            TimelineEntry(
                uuid.uuid4(),
                "ReferenceIssued",
                received + timedelta(seconds=2),
                "reference_issuer",
                "reference issued",
            ),
            TimelineEntry(
                uuid.uuid4(), "ReportSubmitted", received, "intake", "crime report by web"
            ),
        ],
    }
    return replace(ReportRecord(**fields), **overrides) if overrides else ReportRecord(**fields)
