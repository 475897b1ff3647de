"""The access log for auditors: `GET /v1/access-log`, narrowed by user, report and action,
newest first. Looking at the log is itself an access, and is logged.

Read only: the log has no route that adds, changes or removes an entry (any other method
answers 405), so no API can rewrite what was done.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field

from services.console.access import allow
from services.console.audit import AccessAction, AccessEntry
from services.console.ports import MAX_ROWS, AccessLog
from services.console.roles import Role, Staff
from shared.answers import ErrorAnswer, InvalidFields
from shared.clock import Clock

DEFAULT_LIMIT = 100
#: A provider subject (a uuid in Keycloak and Entra ID): no spaces, no `@`, so no email
#: address typed into the filter can end up in the log's own entry of the look.
USER_ID_PATTERN = r"^[A-Za-z0-9._:|-]{1,255}$"


class AccessEntryView(BaseModel):
    """One entry, as the auditor sees it: who did what, when, to which report; the parts
    shown by name only."""

    entry_id: uuid.UUID
    at: AwareDatetime
    action: AccessAction
    user_id: str | None = Field(description="The provider's subject; none if nobody was known.")
    username: str | None
    roles: list[str]
    report_id: uuid.UUID | None
    report_ids: list[uuid.UUID] = Field(
        description="For a search: the reports it found (a contact search may find several)."
    )
    reference: str | None
    shown: list[str] = Field(description="Names of the parts shown, never their content.")
    matches: int | None = Field(description="For a search: how many reports it found.")
    query_digest: str | None = Field(
        description="For a search by contact details: keyed digests of what was searched for."
    )
    detail: str | None


class AccessLogAnswer(BaseModel):
    entries: list[AccessEntryView] = Field(description="Newest first.")


def view(entry: AccessEntry) -> AccessEntryView:
    return AccessEntryView(
        entry_id=entry.entry_id,
        at=entry.at,
        action=entry.action,
        user_id=entry.user_id,
        username=entry.username,
        roles=entry.roles,
        report_id=entry.report_id,
        report_ids=entry.report_ids,
        reference=entry.reference,
        shown=entry.shown,
        matches=entry.matches,
        query_digest=entry.query_digest,
        detail=entry.detail,
    )


def _filters(user: str | None, action: AccessAction | None) -> str | None:
    named = [f"user={user}"] if user is not None else []
    named += [f"action={action.value}"] if action is not None else []
    return " ".join(named) or None


def access_log_router(log: AccessLog, clock: Clock) -> APIRouter:
    """`/v1/access-log`: auditors only."""
    router = APIRouter(prefix="/v1/access-log", tags=["access log"])
    auditors = allow(Role.AUDITOR)

    @router.get(
        "",
        response_model=AccessLogAnswer,
        responses={
            401: {"model": ErrorAnswer},
            403: {"model": ErrorAnswer},
            422: {"model": InvalidFields},
        },
    )
    async def access_log(
        user: Annotated[
            str | None, Query(pattern=USER_ID_PATTERN, description="Only this user's entries.")
        ] = None,
        report_id: Annotated[
            uuid.UUID | None,
            Query(description="Only the entries about this report, or searches that found it."),
        ] = None,
        action: Annotated[AccessAction | None, Query(description="Only this action.")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_ROWS)] = DEFAULT_LIMIT,
        auditor: Staff = auditors,
    ) -> AccessLogAnswer:
        """Entries of the access log, newest first."""
        entries = await log.entries(user, report_id, limit, action=action)
        looked = AccessEntry(
            entry_id=uuid.uuid4(),
            at=clock.now(),
            action=AccessAction.VIEW_ACCESS_LOG,
            user_id=auditor.user_id,
            username=auditor.username,
            roles=auditor.role_names,
            report_id=report_id,
            shown=["access_log"],
            matches=len(entries),
            detail=_filters(user, action),
        )
        await log.record(looked)
        return AccessLogAnswer(entries=[view(entry) for entry in entries])

    return router
