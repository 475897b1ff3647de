"""The console's access log and authenticator, faked: an append-only list of entries with
the events a Mongo adapter would keep with them, and a caller fixed by the test."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from fastapi import Request

from services.console.audit import AccessAction, AccessEntry
from services.console.audit_trail import access_recorded, to_milliseconds
from services.console.ports import MAX_ROWS
from services.console.roles import Staff
from tests.fakes import EventLog


class FakeAccessLog(EventLog):
    """`AccessLog` in memory: each entry kept once, in the order recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.stored: dict[uuid.UUID, AccessEntry] = {}

    async def record(self, entry: AccessEntry) -> None:
        if entry.entry_id in self.stored:
            return
        entry = replace(entry, at=to_milliseconds(entry.at))
        self.stored[entry.entry_id] = entry
        event = access_recorded(entry)
        self.add_pending(event.report_id, [event])

    async def entries(
        self,
        user_id: str | None,
        report_id: uuid.UUID | None,
        limit: int,
        *,
        action: AccessAction | None = None,
    ) -> list[AccessEntry]:
        found = [
            entry
            for entry in self.stored.values()
            if (user_id is None or entry.user_id == user_id)
            and (report_id is None or entry.report_id == report_id)
            and (action is None or entry.action is action)
        ]
        found.sort(key=lambda entry: (entry.at, str(entry.entry_id)), reverse=True)
        return found[: max(0, min(limit, MAX_ROWS))]


@dataclass
class FakeAuthenticator:
    """`Authenticator` whose caller is whoever the test says (None: nobody signed in); it
    notes the refusals it is told of."""

    staff: Staff | None = None
    csrf: bool = True
    refusals: list[tuple[str, str]] = field(default_factory=list)

    async def staff_of(self, request: Request) -> Staff | None:
        return self.staff

    async def csrf_valid(self, request: Request) -> bool:
        return self.csrf

    async def denied(self, request: Request, staff: Staff, why: str) -> None:
        self.refusals.append((staff.user_id, why))
