"""The staff commands' bodies, as the API takes them, and the fields of the event each
makes once the action is allowed (`services.console.actions`). What the server decides
is never the client's: the actor, the action number, the message's neutral wording, the
answer-by time, the previous grade and route, the duplicate's report id.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.console.actions import (
    ActionRefusedError,
    RegradePolicy,
    StaffActionName,
    check_regrade,
    contactable,
)
from services.console.ports import (
    ReplyTexts,
    ReportViews,
    Situation,
    StaffDirectory,
)
from services.console.queues import TEAMS
from services.console.records import ReportRecord
from services.console.roles import Role, Staff
from shared.events import (
    Contact,
    ContactMethod,
    neutral_wording_required,
    safe_channels,
)
from shared.events.staff import (
    STATUS_LINK_MARKER,
    Assignee,
    ContactRecorded,
    ContactWay,
    InformationRequested,
    NoFurtherActionReason,
    NoteAdded,
    Outcome,
    ReplyRequested,
    ReportAssigned,
    ReportClosed,
    ReportRegraded,
    ReportReopened,
    StaffAction,
    StaffMessage,
    StaffRoleName,
)
from shared.sms import NOTIFY_MAX_SMS_CHARACTERS


@dataclass(frozen=True)
class CommandContext:
    """What a command's event is made from: the report as it stands, who acts, and the
    console's policy and ports."""

    record: ReportRecord
    staff: Staff
    role: StaffRoleName
    event_id: uuid.UUID
    now: datetime
    texts: ReplyTexts
    views: ReportViews
    directory: StaffDirectory
    regrade_policy: RegradePolicy
    answer_days: float


def invalid_field(field: str, message: str) -> ActionRefusedError:
    return ActionRefusedError(422, message, field)


class Command(BaseModel):
    """A staff command's body; `fields` makes its event's own fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    action: ClassVar[StaffActionName]
    event: ClassVar[type[StaffAction]]

    async def fields(self, ctx: CommandContext) -> dict[str, Any]:
        return {}


class MessageBody(BaseModel):
    """A message to the reporter as staff edited it from a standard text."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    template: str = Field(min_length=1, max_length=100)
    language: Literal["en", "cy"]
    subject: str = Field(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")  # no CR/LF
    body: str = Field(min_length=1, max_length=5000)

    def message(
        self, ctx: CommandContext, situation: Situation, outcome: str | None = None
    ) -> StaffMessage:
        """The message to send, from a text offered for this report; neutral as the
        server decides (`neutral_wording_required`)."""
        offered = ctx.texts.choices(ctx.record, situation)
        chosen = next(
            (c for c in offered if c.template == self.template and c.outcome in {None, outcome}),
            None,
        )
        if chosen is None:
            raise invalid_field("template", f"not a standard text offered for a {situation}")
        if self.language not in chosen.languages:
            raise invalid_field("language", "the standard text has no version in this language")
        record = ctx.record
        contact = None if record.contact is None else Contact.model_validate(record.contact)
        if contact is not None:
            self._check_length(contact)
        flags = [] if record.classification is None else record.classification.flags
        return StaffMessage(
            request_id=uuid.uuid5(ctx.event_id, "message"),
            template=self.template,
            language=self.language,
            neutral=neutral_wording_required(flags, contact),
            subject=self.subject,
            body=self.body,
        )

    def _check_length(self, contact: Contact) -> None:
        """A message that goes by text must be one GOV.UK Notify takes (the status link
        counted at its longest)."""
        channels = safe_channels(contact)
        if not channels or channels[0] is not ContactMethod.SMS:
            return
        text = self.body.replace(STATUS_LINK_MARKER, "x" * STATUS_LINK_ALLOWANCE)
        if len(text) > NOTIFY_MAX_SMS_CHARACTERS:
            raise invalid_field(
                "body",
                f"it goes by text message, which takes {NOTIFY_MAX_SMS_CHARACTERS} characters"
                " at most (the status link counts as"
                f" {STATUS_LINK_ALLOWANCE})",
            )


#: What the status link may take in a text message (its URL, the report id and the token).
STATUS_LINK_ALLOWANCE = 200


def _team(record: ReportRecord) -> str:
    if record.route is None:
        raise ActionRefusedError(409, "the report is not routed to a team yet")
    return record.route


def _assignee(staff: Staff) -> Assignee:
    return Assignee(user_id=staff.user_id, username=staff.username)


def _assignment(ctx: CommandContext, assignee: Assignee | None, *, claimed: bool) -> dict[str, Any]:
    """A ReportAssigned's fields: within the report's team, with its type for the notice."""
    return {
        "team": _team(ctx.record),
        "assignee": assignee,
        "claimed": claimed,
        "report_type": ctx.record.report_type,
    }


class ClaimCommand(Command):
    action = StaffActionName.CLAIM
    event = ReportAssigned

    async def fields(self, ctx: CommandContext) -> dict[str, Any]:
        return _assignment(ctx, _assignee(ctx.staff), claimed=True)


class AssignCommand(Command):
    action = StaffActionName.ASSIGN
    event = ReportAssigned
    assignee_user_id: str | None = Field(
        min_length=1, max_length=200, description="A colleague of the team; null: the queue."
    )

    async def fields(self, ctx: CommandContext) -> dict[str, Any]:
        team = _team(ctx.record)
        if self.assignee_user_id is None:
            return _assignment(ctx, None, claimed=False)
        member = await ctx.directory.member(self.assignee_user_id)
        may_work = member is not None and (
            Role.SUPERVISOR.value in member.roles
            or (Role.OPERATOR.value in member.roles and team in member.teams)
        )
        if member is None or not may_work:
            raise invalid_field("assignee_user_id", "not a member of staff of the report's team")
        if ctx.record.work.assignee_id == member.user_id:
            raise ActionRefusedError(409, "the report is already assigned to them")
        given = Assignee(user_id=member.user_id, username=member.username)
        return _assignment(ctx, given, claimed=member.user_id == ctx.staff.user_id)


class ContactCommand(Command):
    action = StaffActionName.RECORD_CONTACT
    event = ContactRecorded
    way: ContactWay
    reached: bool
    contacted_at: AwareDatetime | None = Field(default=None, description="Default: now.")
    note: str = Field(default="", max_length=2000)

    async def fields(self, ctx: CommandContext) -> dict[str, Any]:
        at = self.contacted_at or ctx.now
        received = ctx.record.received_at
        if at > ctx.now or (received is not None and at < received):
            raise invalid_field("contacted_at", "must lie between the report's receipt and now")
        return {"way": self.way, "reached": self.reached, "contacted_at": at, "note": self.note}


class ReplyCommand(MessageBody, Command):
    action = StaffActionName.SEND_REPLY
    event = ReplyRequested

    async def fields(self, ctx: CommandContext) -> dict[str, Any]:
        return {"message": self.message(ctx, "reply")}


class InformationCommand(MessageBody, Command):
    action = StaffActionName.REQUEST_INFORMATION
    event = InformationRequested
    question: str = Field(min_length=1, max_length=1000)

    async def fields(self, ctx: CommandContext) -> dict[str, Any]:
        if STATUS_LINK_MARKER not in self.body:
            raise invalid_field("body", f"must hold {STATUS_LINK_MARKER} where the link goes")
        return {
            "question": self.question,
            "message": self.message(ctx, "more_information"),
            "answer_by": ctx.now + timedelta(days=ctx.answer_days),
        }


class RegradeCommand(Command):
    action = StaffActionName.REGRADE
    event = ReportRegraded
    grade: int = Field(ge=1, le=4)
    route: str
    reason: str = Field(min_length=3, max_length=1000)

    async def fields(self, ctx: CommandContext) -> dict[str, Any]:
        record = ctx.record
        if self.route not in TEAMS:
            raise invalid_field("route", f"must be one of {', '.join(sorted(TEAMS))}")
        if (self.grade, self.route) == (record.grade, record.route):
            raise invalid_field("grade", "changes neither the grade nor the route")
        check_regrade(ctx.role, ctx.regrade_policy, record.grade, self.grade)
        return {
            "grade": self.grade,
            "route": self.route,
            "previous_grade": record.grade,
            "previous_route": record.route,
            "reason": self.reason,
        }


class CloseCommand(Command):
    action = StaffActionName.CLOSE
    event = ReportClosed
    outcome: Outcome
    crime_reference: str | None = Field(default=None, min_length=1, max_length=64)
    reason_code: NoFurtherActionReason | None = None
    agency: str | None = Field(default=None, min_length=1, max_length=200)
    duplicate_of: str | None = Field(default=None, min_length=1, max_length=64)
    reply: MessageBody | None = None

    async def fields(self, ctx: CommandContext) -> dict[str, Any]:
        details = self.model_dump(exclude={"reply"})
        needed = {
            Outcome.CRIME_RECORDED: "crime_reference",
            Outcome.NO_FURTHER_ACTION: "reason_code",
            Outcome.REFERRED: "agency",
            Outcome.DUPLICATE: "duplicate_of",
        }
        if (field := needed.get(self.outcome)) is not None and details[field] is None:
            raise invalid_field(field, f"an outcome of {self.outcome.value} needs it")
        if contactable(ctx.record) != (self.reply is not None):
            why = (
                "required: the reporter can be told"
                if self.reply is None
                else ("must be absent: the reporter cannot be contacted")
            )
            raise invalid_field("reply", why)
        duplicate = await self._duplicate(ctx)
        reply = (
            None if self.reply is None else self.reply.message(ctx, "outcome", self.outcome.value)
        )
        return {**details, "duplicate_of_report_id": duplicate, "reply": reply}

    async def _duplicate(self, ctx: CommandContext) -> uuid.UUID | None:
        if self.outcome != Outcome.DUPLICATE or self.duplicate_of is None:
            return None
        other = await ctx.views.by_reference(self.duplicate_of)
        if other is None or not ctx.staff.may_read_team(other.route):  # as `may_open`
            raise invalid_field("duplicate_of", "no report has this reference")
        if other.report_id == ctx.record.report_id:
            raise invalid_field("duplicate_of", "a report cannot repeat itself")
        return other.report_id


class ReopenCommand(Command):
    action = StaffActionName.REOPEN
    event = ReportReopened
    reason: str = Field(min_length=3, max_length=1000)

    async def fields(self, ctx: CommandContext) -> dict[str, Any]:
        return {"reason": self.reason}


class NoteCommand(Command):
    action = StaffActionName.ADD_NOTE
    event = NoteAdded
    text: str = Field(min_length=1, max_length=5000)

    async def fields(self, ctx: CommandContext) -> dict[str, Any]:
        return {"text": self.text}
