"""The console's ports of staff actions, faked: the command store (with the rules of
`MongoStaffActionStore`: a guarded append, the event kept as the outbox keeps it), the
staff directory and the standard texts (the real ones are another module's)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from services.console.ports import (
    ActionLog,
    RenderedText,
    Situation,
    StaffMember,
    StoredCommand,
    TemplateChoice,
    UnknownTemplateError,
)
from services.console.records import ReportRecord
from tests.fakes import EventLog


class FakeStaffActionStore(EventLog):
    """`StaffActionStore` in memory: one log per report, appended only at the count read."""

    def __init__(self) -> None:
        super().__init__()
        self.logs: dict[uuid.UUID, ActionLog] = {}
        self.refused: int = 0

    async def load(self, report_id: uuid.UUID) -> ActionLog:
        return self.logs.get(report_id, ActionLog())

    async def append(self, report_id: uuid.UUID, seen: int, command: StoredCommand) -> bool:
        current = self.logs.get(report_id, ActionLog())
        if current.count != seen or command.event.event_id in current.commands:
            self.refused += 1
            return False
        commands = {**current.commands, command.event.event_id: command}
        self.logs[report_id] = ActionLog(count=seen + 1, commands=commands)
        self.add_pending(report_id, [command.event])
        return True


@dataclass
class FakeStaffDirectory:
    """`StaffDirectory` in memory."""

    members: dict[str, StaffMember] = field(default_factory=dict)

    async def remember(self, member: StaffMember) -> None:
        self.members[member.user_id] = member

    async def member(self, user_id: str) -> StaffMember | None:
        return self.members.get(user_id)

    async def of_team(self, team: str | None) -> list[StaffMember]:
        def works_in(member: StaffMember) -> bool:
            if "supervisor" in member.roles:
                return True
            return "operator" in member.roles and (team is None or team in member.teams)

        found = [member for member in self.members.values() if works_in(member)]
        return sorted(found, key=lambda member: (member.username, member.user_id))


#: The texts `FakeReplyTexts` offers, per situation: (template, outcome, languages).
OFFERED: dict[Situation, list[tuple[str, str | None, tuple[str, ...]]]] = {
    "reply": [("crime.update", None, ("en", "cy"))],
    "more_information": [("crime.more_information", None, ("en", "cy"))],
    "outcome": [
        ("outcome.crime_recorded", "crime_recorded", ("en", "cy")),
        ("outcome.no_further_action", "no_further_action", ("en",)),
        ("outcome.duplicate", "duplicate", ("en", "cy")),
    ],
}


class FakeReplyTexts:
    """`ReplyTexts` offering a fixed few texts for every report."""

    def choices(self, record: ReportRecord, situation: Situation) -> list[TemplateChoice]:
        return [
            TemplateChoice(template, template, situation, outcome, False, languages)
            for template, outcome, languages in OFFERED[situation]
        ]

    def render(
        self, template: str, language: str, record: ReportRecord, details: Mapping[str, str]
    ) -> RenderedText:
        raise UnknownTemplateError(template)
