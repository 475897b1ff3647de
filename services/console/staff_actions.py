"""The console's staff commands as a use case: check the action against the report as it
stands, make its event, keep it with the command in one guarded write (the store's outbox
relays it to Kafka), show it in the read model at once, and log the action.

A command is identified by its event id (`staff_event_id`: the report, the event type,
the member of staff and the request's `Idempotency-Key`). A retry of the same request
answers what the first got and writes nothing; the same key with another request is
refused (409). Two commands racing for the report's next action number cannot both take
it: the store's write is guarded by the count it read, and the loser decides again on
the report as the winner left it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

import structlog

from services.console import SERVICE
from services.console.actions import (
    ActionRefusedError,
    RegradePolicy,
    StaffActionName,
    permitted,
    state_after,
)
from services.console.audit import AccessAction
from services.console.commands import Command, CommandContext
from services.console.ports import (
    AccessLog,
    ActionAnswer,
    ActionLog,
    ReplyTexts,
    ReportViews,
    StaffActionStore,
    StaffDirectory,
    StaffMember,
    StoredCommand,
)
from services.console.records import ReportRecord
from services.console.roles import Staff
from services.console.views import access_entry
from shared.clock import Clock
from shared.events import ReportAssigned, StaffAction, StaffActor, staff_event_id

log = structlog.get_logger(__name__)

#: Tries of one command that keeps losing the report's next number to others.
ACT_ATTEMPTS = 5
#: The access log's name of each action.
LOGGED_AS = {action: AccessAction(action.value) for action in StaffActionName}


def request_digest(command: Command) -> str:
    """What tells one request from another under the same key."""
    body = {"action": command.action.value, **command.model_dump(mode="json")}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class ActionPolicy:
    """The console's settings of staff actions."""

    regrade: RegradePolicy = "more_urgent"
    answer_days: float = 5.0


class StaffActions:
    """The staff commands' dependencies, and the one use case: `act`."""

    def __init__(
        self,
        *,
        views: ReportViews,
        store: StaffActionStore,
        access_log: AccessLog,
        texts: ReplyTexts,
        directory: StaffDirectory,
        clock: Clock,
        policy: ActionPolicy,
    ) -> None:
        self.views, self.store, self.access_log = views, store, access_log
        self.texts, self.directory, self.clock, self.policy = texts, directory, clock, policy

    async def act(
        self, staff: Staff, report_id: uuid.UUID, key: str, command: Command
    ) -> ActionAnswer:
        """Do `command` on the report once; ActionRefusedError if it may not be done."""
        event_id = staff_event_id(report_id, command.event.EVENT_TYPE, staff.user_id, key)
        digest = request_digest(command)
        for _ in range(ACT_ATTEMPTS):
            actions = await self.store.load(report_id)
            if (stored := actions.commands.get(event_id)) is not None:
                return await self._repeat(stored, digest)
            record = await self._current(report_id, actions)
            event, answer = await self._decide(staff, record, key, command, actions.count)
            if await self.store.append(
                report_id, actions.count, StoredCommand(event, digest, answer)
            ):
                await self._done(staff, record, command, event)
                return answer
        raise ActionRefusedError(409, "the report kept changing; try again")

    async def refused(self, staff: Staff, report_id: uuid.UUID, why: str) -> None:
        """Note in the access log an action refused for who asked (role, team)."""
        entry = access_entry(
            staff, AccessAction.DENIED, self.clock.now(), report_id=report_id, detail=why
        )
        await self.access_log.record(entry)

    async def _repeat(self, stored: StoredCommand, digest: str) -> ActionAnswer:
        if stored.request_digest != digest:
            raise ActionRefusedError(409, "this Idempotency-Key was used for another request")
        await self.views.apply(stored.event)  # in case the first try stopped before it
        return stored.answer

    async def _current(self, report_id: uuid.UUID, actions: ActionLog) -> ReportRecord:
        """The report with every staff action so far (one the read model has not yet got,
        as when an earlier command's process stopped after its write, is applied first)."""
        record = await self.views.report(report_id)
        if record is None:
            raise ActionRefusedError(404, "no report has this id")
        if record.work.action_count >= actions.count:
            return record
        for stored in actions.commands.values():
            await self.views.apply(stored.event)
        return await self.views.report(report_id) or record

    async def _decide(
        self, staff: Staff, record: ReportRecord, key: str, command: Command, count: int
    ) -> tuple[StaffAction, ActionAnswer]:
        role = permitted(command.action, staff, record)
        now = self.clock.now()
        kind = command.event
        event_id = staff_event_id(record.report_id, kind.EVENT_TYPE, staff.user_id, key)
        context = CommandContext(
            record=record,
            staff=staff,
            role=role,
            event_id=event_id,
            now=now,
            texts=self.texts,
            views=self.views,
            directory=self.directory,
            regrade_policy=self.policy.regrade,
            answer_days=self.policy.answer_days,
        )
        event = kind.by(
            StaffActor(user_id=staff.user_id, username=staff.username, role=role),
            report_id=record.report_id,
            correlation_id=_correlation_of(record),
            idempotency_key=key,
            action_number=count + 1,
            occurred_at=now,
            producer=SERVICE,
            **await command.fields(context),
        )
        assignee = event.assignee if isinstance(event, ReportAssigned) else None
        state = state_after(record, command.action, None if assignee is None else assignee.user_id)
        return event, ActionAnswer(event.event_id, event.event_type, event.action_number, state)

    async def _done(
        self, staff: Staff, record: ReportRecord, command: Command, event: StaffAction
    ) -> None:
        await self.views.apply(event)
        await self.directory.remember(StaffMember.of(staff, event.occurred_at))
        entry = access_entry(
            staff,
            LOGGED_AS[command.action],
            event.occurred_at,
            report_id=record.report_id,
            reference=record.reference,
            detail=event.event_type,
        )
        await self.access_log.record(entry)
        log.info(
            "staff_action_done",
            report_id=str(record.report_id),
            event_type=event.event_type,
            action_number=event.action_number,
        )


def _correlation_of(record: ReportRecord) -> uuid.UUID:
    """The report's journey: every event of it shares the submission's correlation id."""
    return record.correlation_id or record.report_id
