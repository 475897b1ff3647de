"""Which staff action is allowed on a report, in which work state, by whom: pure, so the
whole table (action x state x role) is tested without a server.

Operators act on the reports routed to their own teams, supervisors on every report;
viewers and auditors never act. A refusal names its reason and its answer: 403 for who
is asking (role, team, the regrade policy), 409 for where the report stands (its work
state, a reporter who cannot be contacted).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from services.console.records import WORK_STATES, ReportRecord, WorkState
from services.console.roles import Role, Staff
from shared.events import Contact, safe_channels
from shared.events.staff import StaffRoleName


class StaffActionName(StrEnum):
    CLAIM = "claim"
    ASSIGN = "assign"
    RECORD_CONTACT = "record_contact"
    SEND_REPLY = "send_reply"
    REQUEST_INFORMATION = "request_information"
    REGRADE = "regrade"
    CLOSE = "close"
    REOPEN = "reopen"
    ADD_NOTE = "add_note"


#: `CONSOLE_OPERATOR_REGRADE`: whether an operator may regrade, and how.
RegradePolicy = Literal["never", "more_urgent", "any"]

_WORKING: frozenset[WorkState] = frozenset({"open", "assigned", "awaiting_information"})
#: The work states each action is allowed in.
ALLOWED_IN: dict[StaffActionName, frozenset[WorkState]] = {
    StaffActionName.CLAIM: _WORKING,
    StaffActionName.ASSIGN: _WORKING,
    StaffActionName.RECORD_CONTACT: _WORKING,
    StaffActionName.SEND_REPLY: _WORKING,
    StaffActionName.REQUEST_INFORMATION: frozenset({"open", "assigned"}),
    StaffActionName.REGRADE: _WORKING,
    StaffActionName.CLOSE: _WORKING,
    StaffActionName.REOPEN: frozenset({"closed"}),
    StaffActionName.ADD_NOTE: frozenset(WORK_STATES),
}
SUPERVISORS_ONLY = frozenset({StaffActionName.REOPEN})
#: Actions that send the reporter a message.
NEEDS_CONTACT = frozenset({StaffActionName.SEND_REPLY, StaffActionName.REQUEST_INFORMATION})


@dataclass(frozen=True)
class ActionRefusedError(Exception):
    """The action may not be done: `status` 403, 409 or 422 (then naming the body's
    `field`), and why (no personal data)."""

    status: int
    reason: str
    field: str | None = None

    def __str__(self) -> str:
        return self.reason


def acting_role(action: StaffActionName, staff: Staff, route: str | None) -> StaffRoleName:
    """The role in which `staff` may do `action` on a report routed to `route`."""
    if staff.holds(Role.SUPERVISOR):
        return "supervisor"
    if action in SUPERVISORS_ONLY:
        raise ActionRefusedError(403, f"{action.value} needs the role supervisor")
    if not staff.holds(Role.OPERATOR):
        raise ActionRefusedError(403, "needs the role operator or supervisor")
    if route is None or route not in staff.teams:
        raise ActionRefusedError(403, "the report is not one of your teams'")
    return "operator"


def contactable(record: ReportRecord) -> bool:
    """Whether a message can reach the reporter: contact details and a safe channel."""
    if record.contact is None:
        return False
    return bool(safe_channels(Contact.model_validate(record.contact)))


def permitted(action: StaffActionName, staff: Staff, record: ReportRecord) -> StaffRoleName:
    """The role `staff` acts in; ActionRefusedError if the action is not allowed now."""
    role = acting_role(action, staff, record.route)
    state = record.work.state
    if state not in ALLOWED_IN[action]:
        raise ActionRefusedError(409, f"{action.value} is not allowed while the report is {state}")
    if action in NEEDS_CONTACT and not contactable(record):
        raise ActionRefusedError(409, "the reporter cannot be contacted (no safe channel)")
    if action is StaffActionName.CLAIM and record.work.assignee_id == staff.user_id:
        raise ActionRefusedError(409, "the report is already yours")
    return role


def allowed_actions(staff: Staff, record: ReportRecord) -> list[str]:
    """The actions `staff` may take on the report now (the report view offers these)."""
    allowed = []
    for action in StaffActionName:
        try:
            permitted(action, staff, record)
        except ActionRefusedError:
            continue
        allowed.append(action.value)
    return allowed


def check_regrade(
    role: StaffRoleName, policy: RegradePolicy, current: int | None, grade: int
) -> None:
    """An operator regrades per the policy; a supervisor to any grade. Grade 1 is the most
    urgent."""
    if role == "supervisor" or policy == "any":
        return
    if policy == "never":
        raise ActionRefusedError(403, "operators may not regrade (CONSOLE_OPERATOR_REGRADE)")
    if current is not None and grade > current:
        raise ActionRefusedError(403, "operators may only make a report more urgent")


def state_after(record: ReportRecord, action: StaffActionName, assignee: str | None) -> WorkState:
    """The work state once `action` is done (`assignee`: the one it leaves the report
    with, for an assignment)."""
    state = record.work.state
    if action in {StaffActionName.CLAIM, StaffActionName.ASSIGN}:
        if state == "awaiting_information":
            return state
        return "assigned" if assignee is not None else "open"
    if action == StaffActionName.REQUEST_INFORMATION:
        return "awaiting_information"
    if action == StaffActionName.CLOSE:
        return "closed"
    if action == StaffActionName.REOPEN:
        return "assigned" if record.work.assignee_id is not None else "open"
    return state
