"""The access log's entries (DPA 2018 Part 3, s.62: who consulted or disclosed what, and
when). An entry names the report and which parts of it were shown, never their content:
the log must not become a second copy of the personal data it guards."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from shared.events import AccessKind

#: What was done: one enum for the console and the contract (`AccessKind`).
AccessAction = AccessKind


@dataclass(frozen=True)
class AccessEntry:
    """One consultation, disclosure, export, sign-in or refusal."""

    entry_id: uuid.UUID
    at: datetime
    action: AccessAction
    user_id: str | None  # None for a sign-in that failed before anyone was known
    username: str | None
    roles: list[str]
    report_id: uuid.UUID | None = None
    reference: str | None = None
    shown: list[str] = field(default_factory=list)  # names of the parts shown, not content
    matches: int | None = None  # for a search: how many reports it found
    query_digest: str | None = None  # for a search of personal data: a keyed digest only
    detail: str | None = None  # why a sign-in failed or access was denied; no personal data
    #: For a search: the reports it found (a contact search may find several), so an
    #: auditor asking about a report sees every search that surfaced it.
    report_ids: list[uuid.UUID] = field(default_factory=list)
