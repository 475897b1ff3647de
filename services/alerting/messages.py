"""What a duty team is told: the words of a page, for each channel. Pure.

A page never carries the reporter's personal data: the kind of alert, the reference, grade,
route and force, where it stands on its ladder, a link to the report in the operations
view (`ALERTING_REPORT_LINK`; the operations port is for staff only, issue 16 brings its
sign-in) and a signed link to acknowledge it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.alerting.domain import Alert, NoticeFacts
from shared.events import AlertKind

WHAT = {
    AlertKind.POSSIBLE_EMERGENCY: "Possible emergency",
    AlertKind.SLA_AT_RISK: "Reply promise at risk",
    AlertKind.SLA_BREACHED: "Reply promise broken",
    AlertKind.REPLY_FAILED: "Reply could not be delivered",
    AlertKind.UNASSIGNED: "Report not assigned",
}
WHY = {
    AlertKind.POSSIBLE_EMERGENCY: "A report may describe an emergency. The reporter was told"
    " to call 999 if it is happening now or someone is in danger.",
    AlertKind.SLA_AT_RISK: "A report is close to its reply deadline without a reply.",
    AlertKind.SLA_BREACHED: "A report passed its reply deadline without a reply.",
    AlertKind.REPLY_FAILED: "No channel could deliver the reply: the reporter has none.",
    AlertKind.UNASSIGNED: "A report is waiting for somebody to take it on.",
}


@dataclass(frozen=True)
class PageLinks:
    report: str
    acknowledge: str


@dataclass(frozen=True)
class DutyMessage:
    subject: str
    text: str
    sms_text: str
    webhook_body: dict[str, Any]


def _when(at: datetime | None) -> str:
    return "-" if at is None else f"{at:%Y-%m-%d %H:%M} UTC"


def duty_message(
    alert: Alert, step: int, contact: str, reference: str | None, links: PageLinks
) -> DutyMessage:
    """The page of `step` to `contact`."""
    name = reference or f"report {alert.report_id}"
    what = WHAT[alert.kind]
    return DutyMessage(
        subject=f"[Grade {alert.grade}] {what}: {name}",
        text=_text(alert, step, name, links),
        sms_text=f"{what}: {name}, grade {alert.grade}, {alert.route or 'no route'}."
        f" Acknowledge: {links.acknowledge}",
        webhook_body=_body(alert, step, contact, reference, links),
    )


def _ladder_line(alert: Alert, step: int) -> str:
    told = ", ".join(alert.steps[step])
    line = f"Step {step + 1} of {len(alert.steps)} ({told})."
    escalates_at = alert.escalates_at(step)
    if escalates_at is not None:
        upwards = ", ".join(alert.steps[step + 1])
        line += f" Unless acknowledged by {_when(escalates_at)}, {upwards} will be told."
    return line


def _text(alert: Alert, step: int, name: str, links: PageLinks) -> str:
    lines = [
        f"{WHAT[alert.kind]}: {name}",
        "",
        WHY[alert.kind],
        "",
        f"Reference: {name}",
        f"Grade: {alert.grade}",
        f"Route: {alert.route or '-'}",
        f"Force: {alert.force_code or '-'}",
        f"Raised: {_when(alert.raised_at)}",
        _ladder_line(alert, step),
        "",
        f"Open the report: {links.report}",
        f"Acknowledge (you take it on; the escalation stops): {links.acknowledge}",
        "",
        "This message carries none of the reporter's personal data: open the report for it.",
    ]
    return "\n".join(lines) + "\n"


def _body(
    alert: Alert, step: int, contact: str, reference: str | None, links: PageLinks
) -> dict[str, Any]:
    escalates_at = alert.escalates_at(step)
    return {
        "alert_id": str(alert.alert_id),
        "report_id": str(alert.report_id),
        "reference": reference,
        "kind": alert.kind.value,
        "grade": alert.grade,
        "route": alert.route,
        "force_code": alert.force_code,
        "step": step,
        "steps": len(alert.steps),
        "told": list(alert.steps[step]),
        "contact": contact,
        "raised_at": alert.raised_at.isoformat(),
        "escalates_at": None if escalates_at is None else escalates_at.isoformat(),
        "links": {"report": links.report, "acknowledge": links.acknowledge},
    }


def notice_message(facts: NoticeFacts, report_link: str) -> DutyMessage:
    """An assignment notice: to the assignee, or to the team of a report in its queue (or
    of an assignee the policy cannot reach). The reference, type, grade, who assigned it
    and the link: nothing of the reporter's."""
    name = facts.reference or f"report {facts.report_id}"
    grade = "-" if facts.grade is None else str(facts.grade)
    if facts.assignee is None:
        what = f"Back in the {facts.team} queue"
        why = f"{facts.assigned_by} put the report back in the {facts.team} queue, unclaimed."
    else:
        what = "Assigned to you" if not facts.assignee_unknown else "Assigned"
        why = f"{facts.assigned_by} assigned the report to {facts.assignee}."
        if facts.assignee_unknown:
            why += f" The alert policy has no way to reach {facts.assignee}: please tell them."
    text = "\n".join(
        [
            f"{what}: {name}",
            "",
            why,
            "",
            f"Reference: {name}",
            f"Type: {facts.report_type or '-'}",
            f"Grade: {grade}",
            f"Team: {facts.team}",
            "",
            f"Open the report: {report_link}",
            "",
            "This message carries none of the reporter's personal data: open the report for it.",
        ]
    )
    body = {
        "kind": "report_assigned",
        "report_id": str(facts.report_id),
        "reference": facts.reference,
        "report_type": facts.report_type,
        "grade": facts.grade,
        "team": facts.team,
        "assigned_by": facts.assigned_by,
        "assignee": facts.assignee,
        "assignee_unknown": facts.assignee_unknown,
        "links": {"report": report_link},
    }
    return DutyMessage(
        subject=f"[Grade {grade}] {what}: {name}",
        text=text + "\n",
        sms_text=f"{what}: {name}, {facts.report_type or 'report'}, grade {grade}. {report_link}",
        webhook_body=body,
    )
