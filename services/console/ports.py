"""What the console's use cases and API need from the world: its read model, its access
log and its sessions."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from services.console.audit import AccessAction, AccessEntry
from services.console.records import QueueFilter, QueueRow, ReportRecord
from services.console.roles import Staff
from services.console.signin import LoginState, StaffSession
from shared.events import Event

#: The most rows one query returns.
MAX_ROWS = 1000


class ReportViews(Protocol):
    """The read model: one record per report, projected from every event of it."""

    async def apply(self, event: Event) -> bool:
        """Fold one event into its report's record, once however often it is delivered;
        True if it was new."""
        ...

    async def report(self, report_id: uuid.UUID) -> ReportRecord | None: ...

    async def by_reference(self, reference: str) -> ReportRecord | None: ...

    async def existing_references(self, candidates: Sequence[str]) -> list[str]:
        """Which of these references belong to a report (to offer for a mistyped one)."""
        ...

    async def by_contact(self, email: str | None, phone: str | None) -> list[ReportRecord]:
        """Reports whose reporter gave this email or phone (a search of personal data),
        each as `normalised_email` / `normalised_phone` make it (the caller normalises)."""
        ...

    async def queue(self, filters: QueueFilter, now: datetime, limit: int) -> list[QueueRow]:
        """Open reports, soonest to breach first (breached ones first of all)."""
        ...

    def received_between(
        self, since: datetime, until: datetime, teams: frozenset[str] | None
    ) -> AsyncIterator[QueueRow]:
        """Every report received in [since, until), open or not, routed to one of `teams`
        (None: any), for compliance figures: streamed, never capped at `MAX_ROWS`."""
        ...


#: What a standard text is for: a reply, a request for more information, an outcome.
Situation = Literal["reply", "more_information", "outcome"]


@dataclass(frozen=True)
class TemplateChoice:
    """A standard text staff may start a message from, for one report."""

    template: str  # its id, e.g. "crime.update" or "outcome.crime_recorded"
    title: str  # for the picker, in English
    situation: Situation
    outcome: str | None  # the Outcome it tells, for an outcome text
    neutral: bool  # safe-contact wording: nothing that gives the police away
    languages: tuple[str, ...]  # "en", "cy"


@dataclass(frozen=True)
class RenderedText:
    """A standard text filled in for one report: what the editor starts from."""

    template: str
    language: str
    neutral: bool
    subject: str
    body: str


class UnknownTemplateError(ValueError):
    """No such standard text, or not one for this report (its type, its situation, or a
    full-wording text where contact must be neutral)."""


class ReplyTexts(Protocol):
    """The standard texts: per report type and situation, in English and Welsh, neutral
    where contact must be safe (`shared.events.neutral_wording_required`)."""

    def choices(self, record: ReportRecord, situation: Situation) -> list[TemplateChoice]:
        """The texts offered for this report in this situation (neutral ones only where
        contact must be safe)."""
        ...

    def render(
        self, template: str, language: str, record: ReportRecord, details: Mapping[str, str]
    ) -> RenderedText:
        """The text filled in (the reporter's name, the reference, the force; `details` such
        as the crime reference or the agency); UnknownTemplateError if it is not offered."""
        ...


class AccessLog(Protocol):
    """Append-only: entries are added and read, never changed or removed through any API."""

    async def record(self, entry: AccessEntry) -> None:
        """Store the entry and publish it on the audit topic, once."""
        ...

    async def entries(
        self,
        user_id: str | None,
        report_id: uuid.UUID | None,
        limit: int,
        *,
        action: AccessAction | None = None,
    ) -> list[AccessEntry]:
        """Newest first, narrowed to a user, a report or an action if given."""
        ...


class Sessions(Protocol):
    """Server-side sessions, by key (the digest of the id), and the login states of
    sign-ins under way. Storage only: whether a session is still live is `SessionPolicy`'s
    to say, on every read."""

    async def open(self, session: StaffSession) -> None: ...

    async def find(self, key: str) -> StaffSession | None: ...

    async def touch(self, key: str, at: datetime) -> None:
        """Note that the session was used at `at`."""
        ...

    async def close(self, key: str) -> None: ...

    async def begin_login(self, login: LoginState) -> None: ...

    async def find_login(self, state: str) -> LoginState | None:
        """The login state, left in place (to check its browser binding before taking it)."""
        ...

    async def take_login(self, state: str) -> LoginState | None:
        """The login state, removed in the same step: a second callback with the same
        `state` finds nothing."""
        ...


class MissingDetailError(ValueError):
    """A standard text needs a detail that was not given (the crime reference of a crime
    recorded, the reason of no further action...): `detail` names it."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"the text needs {detail}")
        self.detail = detail


@dataclass(frozen=True)
class ActionAnswer:
    """What a staff command answers (202), the same on every retry of it."""

    event_id: uuid.UUID
    event_type: str
    action_number: int
    state: str


@dataclass(frozen=True)
class StoredCommand:
    """A staff command as kept with its event: the digest of the request that made it (a
    retry with the same key must be the same request) and the answer it got."""

    event: Event
    request_digest: str
    answer: ActionAnswer


@dataclass(frozen=True)
class ActionLog:
    """A report's staff commands so far: how many, and each by its event id."""

    count: int = 0
    commands: Mapping[uuid.UUID, StoredCommand] = field(default_factory=dict)


class StaffActionStore(Protocol):
    """The console's staff commands, per report, with their events (an outbox to Kafka)."""

    async def load(self, report_id: uuid.UUID) -> ActionLog: ...

    async def append(self, report_id: uuid.UUID, seen: int, command: StoredCommand) -> bool:
        """Keep `command` as the report's action number `seen + 1`, with its event in the
        same write; False (nothing written) if the report's count is no longer `seen` or
        the command is already there."""
        ...


@dataclass(frozen=True)
class StaffMember:
    """A member of staff as they last signed in: who may be given a report."""

    user_id: str
    username: str
    roles: tuple[str, ...]
    teams: tuple[str, ...]
    last_seen: datetime

    @classmethod
    def of(cls, staff: Staff, at: datetime) -> StaffMember:
        """`staff` as the directory keeps them, seen at `at`."""
        return cls(
            staff.user_id, staff.username, tuple(staff.role_names), tuple(sorted(staff.teams)), at
        )


class StaffDirectory(Protocol):
    """The people who signed in, with their teams as the provider gave them."""

    async def remember(self, member: StaffMember) -> None: ...

    async def member(self, user_id: str) -> StaffMember | None: ...

    async def of_team(self, team: str | None) -> list[StaffMember]:
        """Operators and supervisors of `team` (None: everyone), by user name."""
        ...
