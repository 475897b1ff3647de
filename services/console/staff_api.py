"""The console's staff commands under /v1/reports/{id}/...: claim, assign, record a
contact, send a reply, request information, regrade, close, reopen, add a note; and the
staff directory for "assign to a colleague".

Operators and supervisors may call them (viewers and auditors are refused by `allow`);
whether the action is allowed on this report, in its state, for this person, is the use
case's (`services.console.actions`): 403 for who, 409 for the report's state, 422 naming
the field at fault. Each needs an `Idempotency-Key` header (428 without), and answers 202
with the event it made, the same on every retry of the same request.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from services.console.access import allow
from services.console.actions import ActionRefusedError
from services.console.audit import AccessAction
from services.console.commands import (
    AssignCommand,
    ClaimCommand,
    CloseCommand,
    Command,
    ContactCommand,
    InformationCommand,
    NoteCommand,
    RegradeCommand,
    ReopenCommand,
    ReplyCommand,
)
from services.console.ports import AccessLog, StaffDirectory
from services.console.queues import TEAMS
from services.console.responses import SIGNED_IN, errors, invalid, no_store, refused
from services.console.roles import Role, Staff
from services.console.staff_actions import StaffActions
from services.console.views import access_entry
from shared.clock import Clock

ACTS = allow(Role.OPERATOR, Role.SUPERVISOR)
MAX_KEY_LENGTH = 200


class ActionAccepted(BaseModel):
    """The event a staff command made."""

    event_id: uuid.UUID
    event_type: str
    action_number: int = Field(description="Its place among the report's staff actions.")
    state: str = Field(description="The report's work state once it is done.")


class StaffMemberView(BaseModel):
    """A colleague a report may be given to: who, not when they were last about."""

    user_id: str
    username: str
    roles: list[str]
    teams: list[str]


def idempotency_key(
    key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> str:
    """The request's key: required (428), at most `MAX_KEY_LENGTH` characters (422)."""
    if key is None or not key.strip():
        raise refused(428, "the header Idempotency-Key is required")
    if len(key) > MAX_KEY_LENGTH:
        problem = {"loc": ("header", "Idempotency-Key"), "msg": "too long", "type": "value_error"}
        raise RequestValidationError([problem])
    return key


Key = Annotated[str, Depends(idempotency_key)]
ANSWERS = {**SIGNED_IN, **errors(404, 409, 428)}


Act = Callable[[uuid.UUID, Staff, str, Command], Awaitable[ActionAccepted]]


def _refusal(error: ActionRefusedError) -> Exception:
    if error.status == HTTPStatus.UNPROCESSABLE_ENTITY:
        problem = {"loc": ("body", error.field or ""), "msg": error.reason, "type": "value_error"}
        return RequestValidationError([problem])
    return refused(error.status, error.reason)


def staff_router(actions: StaffActions) -> APIRouter:
    """The staff commands on a report."""
    router = APIRouter(
        prefix="/v1/reports/{report_id}",
        tags=["console"],
        dependencies=[Depends(no_store)],
        responses=ANSWERS,
    )

    async def act(report_id: uuid.UUID, staff: Staff, key: str, command: Command) -> ActionAccepted:
        try:
            answer = await actions.act(staff, report_id, key, command)
        except ActionRefusedError as error:
            if error.status == HTTPStatus.FORBIDDEN:
                await actions.refused(staff, report_id, error.reason)
            raise _refusal(error) from None
        return ActionAccepted(**vars(answer))

    _work_routes(router, act)
    _message_routes(router, act)
    _decision_routes(router, act)
    return router


def _work_routes(router: APIRouter, act: Act) -> None:
    """Claim, assign, record a contact, add a note."""

    @router.post("/claim", status_code=202, response_model=ActionAccepted)
    async def claim(report_id: uuid.UUID, staff: Staff = ACTS, *, key: Key) -> ActionAccepted:
        """Take the report on yourself (ReportAssigned)."""
        return await act(report_id, staff, key, ClaimCommand())

    @router.post("/assign", status_code=202, response_model=ActionAccepted)
    async def assign(
        report_id: uuid.UUID, staff: Staff = ACTS, *, body: AssignCommand, key: Key
    ) -> ActionAccepted:
        """Give the report to a colleague of its team, or back to the team's queue (null)."""
        return await act(report_id, staff, key, body)

    @router.post("/contacts", status_code=202, response_model=ActionAccepted)
    async def record_contact(
        report_id: uuid.UUID, staff: Staff = ACTS, *, body: ContactCommand, key: Key
    ) -> ActionAccepted:
        """Record a contact made outside frontdesk (ContactRecorded)."""
        return await act(report_id, staff, key, body)

    @router.post("/notes", status_code=202, response_model=ActionAccepted)
    async def add_note(
        report_id: uuid.UUID, staff: Staff = ACTS, *, body: NoteCommand, key: Key
    ) -> ActionAccepted:
        """Add an internal note to the timeline: never sent, never changed."""
        return await act(report_id, staff, key, body)


def _message_routes(router: APIRouter, act: Act) -> None:
    """Messages to the reporter: a reply, a request for information."""

    @router.post("/replies", status_code=202, response_model=ActionAccepted)
    async def send_reply(
        report_id: uuid.UUID, staff: Staff = ACTS, *, body: ReplyCommand, key: Key
    ) -> ActionAccepted:
        """Send the reporter a reply from a standard text, as edited (ReplyRequested)."""
        return await act(report_id, staff, key, body)

    @router.post("/information-requests", status_code=202, response_model=ActionAccepted)
    async def request_information(
        report_id: uuid.UUID, staff: Staff = ACTS, *, body: InformationCommand, key: Key
    ) -> ActionAccepted:
        """Ask the reporter for more (InformationRequested): the reply clock pauses."""
        return await act(report_id, staff, key, body)


def _decision_routes(router: APIRouter, act: Act) -> None:
    """Regrade, close, reopen."""

    @router.post("/regrade", status_code=202, response_model=ActionAccepted)
    async def regrade(
        report_id: uuid.UUID, staff: Staff = ACTS, *, body: RegradeCommand, key: Key
    ) -> ActionAccepted:
        """Change the grade or the route, with a reason (ReportRegraded)."""
        return await act(report_id, staff, key, body)

    @router.post("/close", status_code=202, response_model=ActionAccepted)
    async def close(
        report_id: uuid.UUID, staff: Staff = ACTS, *, body: CloseCommand, key: Key
    ) -> ActionAccepted:
        """Close with an outcome, and the outcome reply if the reporter can be told."""
        return await act(report_id, staff, key, body)

    @router.post("/reopen", status_code=202, response_model=ActionAccepted)
    async def reopen(
        report_id: uuid.UUID, staff: Staff = ACTS, *, body: ReopenCommand, key: Key
    ) -> ActionAccepted:
        """Reopen a closed report, with a reason (supervisors only)."""
        return await act(report_id, staff, key, body)


def directory_router(directory: StaffDirectory, access_log: AccessLog, clock: Clock) -> APIRouter:
    """Who a report may be given to: the operators and supervisors who signed in."""
    router = APIRouter(
        prefix="/v1", tags=["console"], dependencies=[Depends(no_store)], responses=SIGNED_IN
    )

    @router.get("/staff", response_model=list[StaffMemberView])
    async def staff_of_team(
        team: Annotated[str, Query()], staff: Staff = ACTS
    ) -> list[StaffMemberView]:
        """Operators of `team` and every supervisor, by user name: an operator asks of
        their own teams only (a report is given within its team)."""
        if team not in TEAMS:
            raise invalid("team", f"must be one of {', '.join(sorted(TEAMS))}")
        if not staff.may_read_team(team):
            raise refused(403, "the directory of another team")
        members = await directory.of_team(team)
        entry = access_entry(staff, AccessAction.VIEW_STAFF, clock.now(), matches=len(members))
        await access_log.record(entry)
        return [
            StaffMemberView(
                user_id=m.user_id,
                username=m.username,
                roles=list(m.roles),
                teams=list(m.teams),
            )
            for m in members
        ]

    return router
