"""Alert policy, as configuration: who is told of what, through which channels, and the
escalation ladders. Pure data and matching; read from TOML by `settings`.

A rule matches an alert by kind, force, route, grade and (for SLA warnings) threshold; the
first rule that matches, in file order, decides the ladder and channels. A ladder is a list
of steps, each a list of contacts; if nobody acknowledges within the ladder's wait for the
report's grade, the next step is told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.events import AlertKind

ANY = "*"
GRADES = (1, 2, 3, 4)
PageChannel = Literal["webhook", "email", "sms"]
CHANNELS: tuple[PageChannel, ...] = ("webhook", "email", "sms")

#: Contact and ladder names become keys of stored documents: letters, digits, - and _.
Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
#: A member of staff's user name, as the console's identity provider gives it.
StaffName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")]
#: Minutes an at-risk report may wait for somebody to claim it, unless the policy says.
UNASSIGNED_AFTER_MINUTES = 15.0
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
#: The SLA watchdog's threshold names (services/sla_watchdog/policy.py): "75%", "30m left".
THRESHOLD = r"^([0-9]{1,3}%|[0-9]+m left)$"


class _Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Webhook(_Config):
    """Where a contact's webhook calls go, and which environment variable holds the secret
    they are signed with (secrets never live in the policy file)."""

    url: str = Field(pattern=r"^https?://")
    secret_env: str = Field(description="Name of the environment variable with the secret.")

    @model_validator(mode="after")
    def _env_name(self) -> Self:
        if not _ENV_NAME.match(self.secret_env):
            raise ValueError("secret_env must be an environment variable name")
        return self


class Contact(_Config):
    """A duty role (a team's inbox, the duty sergeant, the control room) and how to reach it."""

    label: str = Field(min_length=1, max_length=80, description="Who this is, as staff say it.")
    webhook: Webhook | None = None
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")
    sms: str | None = Field(default=None, pattern=r"^\+?[0-9 ]{7,20}$")

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        if not self.channels():
            raise ValueError("a contact needs a webhook, an email or an sms")
        return self

    def channels(self) -> tuple[PageChannel, ...]:
        """The channels this contact can be reached on, in the order they are tried."""
        have = {"webhook": self.webhook, "email": self.email, "sms": self.sms}
        return tuple(channel for channel in CHANNELS if have[channel] is not None)


class StaffMember(_Config):
    """How a member of staff is told that a report was assigned to them (the table's name
    is their user name in the console)."""

    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")
    sms: str | None = Field(default=None, pattern=r"^\+?[0-9 ]{7,20}$")

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        if not self.channels():
            raise ValueError("a member of staff needs an email or an sms")
        return self

    def channels(self) -> tuple[PageChannel, ...]:
        have = {"email": self.email, "sms": self.sms}
        return tuple(channel for channel in CHANNELS if have.get(channel) is not None)


class Ladder(_Config):
    """Who is told first, then next, and how long each step waits for an acknowledgement."""

    steps: list[list[Name]] = Field(min_length=1, description="Contacts told at each step.")
    escalate_after_minutes: dict[int, float] = Field(
        description="Minutes each step waits for an acknowledgement, per grade 1-4."
    )

    @model_validator(mode="after")
    def _every_grade(self) -> Self:
        if set(self.escalate_after_minutes) != set(GRADES):
            raise ValueError("escalate_after_minutes needs grades 1, 2, 3 and 4")
        if any(minutes <= 0 for minutes in self.escalate_after_minutes.values()):
            raise ValueError("escalate_after_minutes must be above 0")
        if any(not step for step in self.steps):
            raise ValueError("every step tells at least one contact")
        return self

    def wait(self, grade: int) -> timedelta:
        return timedelta(minutes=self.escalate_after_minutes[grade])


class Rule(_Config):
    """Which alerts a ladder is for."""

    kinds: list[AlertKind] = Field(min_length=1)
    force: str = ANY
    route: str = ANY
    grades: list[int] | None = Field(default=None, description="None: every grade.")
    thresholds: list[Annotated[str, StringConstraints(pattern=THRESHOLD)]] | None = Field(
        default=None,
        description="SLA warnings only: the thresholds that alert, as the SLA watchdog names"
        ' them ("75%", "30m left"); None: all.',
    )
    channels: list[PageChannel] | None = Field(
        default=None, description="Only these channels; None: every channel a contact has."
    )
    ladder: Name

    def matches(self, alert: AlertSubject) -> bool:
        return (
            alert.kind in self.kinds
            and self.force in (ANY, alert.force_code)
            and self.route in (ANY, alert.route)
            and (self.grades is None or alert.grade in self.grades)
            and (self.thresholds is None or alert.threshold in self.thresholds)
        )

    def catches_every(self, kind: AlertKind) -> bool:
        return kind in self.kinds and self.force == self.route == ANY and self.grades is None


@dataclass(frozen=True)
class AlertSubject:
    """What policy is matched on."""

    kind: AlertKind
    force_code: str | None
    route: str | None
    grade: int
    threshold: str | None = None


@dataclass(frozen=True)
class Plan:
    """What a matching rule decides for one alert."""

    steps: tuple[tuple[str, ...], ...]
    wait: timedelta
    channels: tuple[PageChannel, ...] | None


class AlertPolicy(_Config):
    """The whole configuration. Every possible emergency must reach somebody, whatever its
    force and route: without such a rule the call-999 reply's "we have alerted our control
    room" would be untrue, so the policy is refused."""

    contacts: dict[Name, Contact] = Field(min_length=1)
    ladders: dict[Name, Ladder] = Field(min_length=1)
    rules: list[Rule] = Field(min_length=1)
    staff: dict[StaffName, StaffMember] = Field(
        default_factory=dict, description="Who is told of a report assigned to them."
    )
    unassigned_after_minutes: dict[int, float] = Field(
        default_factory=lambda: dict.fromkeys(GRADES, UNASSIGNED_AFTER_MINUTES),
        description="Minutes an at-risk report may go unclaimed, per grade 1-4, before the"
        " unassigned alert.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if set(self.unassigned_after_minutes) != set(GRADES):
            raise ValueError("unassigned_after_minutes needs grades 1, 2, 3 and 4")
        if any(minutes <= 0 for minutes in self.unassigned_after_minutes.values()):
            raise ValueError("unassigned_after_minutes must be above 0")
        for name, ladder in self.ladders.items():
            unknown = {c for step in ladder.steps for c in step} - set(self.contacts)
            if unknown:
                raise ValueError(f"ladder {name} names unknown contacts: {sorted(unknown)}")
        for index, rule in enumerate(self.rules):
            if rule.ladder not in self.ladders:
                raise ValueError(f"rules[{index}] names unknown ladder {rule.ladder}")
            self._check_reachable(index, rule)
        emergencies = [r for r in self.rules if AlertKind.POSSIBLE_EMERGENCY in r.kinds]
        if not any(r.catches_every(AlertKind.POSSIBLE_EMERGENCY) for r in emergencies):
            raise ValueError(
                'a rule must send every possible_emergency (force and route "*", every grade)'
            )
        return self

    def _check_reachable(self, index: int, rule: Rule) -> None:
        """Every contact of the rule's ladder has a channel the rule allows: a page that
        could go nowhere is refused here, not discovered at 3 a.m."""
        allowed = None if rule.channels is None else tuple(rule.channels)
        for step in self.ladders[rule.ladder].steps:
            for contact in step:
                if not self.channels_of(contact, allowed):
                    raise ValueError(
                        f"rules[{index}] allows no channel that {contact} has "
                        f"({', '.join(self.contacts[contact].channels())})"
                    )

    def texts(self) -> bool:
        """Whether any contact is paged by text message (then a Notify key is needed)."""
        return any(contact.sms is not None for contact in self.contacts.values())

    def plan(self, alert: AlertSubject) -> Plan | None:
        """The ladder for this alert, or None when no rule asks for one."""
        rule = next((r for r in self.rules if r.matches(alert)), None)
        if rule is None:
            return None
        ladder = self.ladders[rule.ladder]
        steps = tuple(tuple(step) for step in ladder.steps)
        channels = None if rule.channels is None else tuple(rule.channels)
        return Plan(steps, ladder.wait(alert.grade), channels)

    def unassigned_after(self, grade: int) -> timedelta:
        return timedelta(minutes=self.unassigned_after_minutes[grade])

    def team_contacts(
        self, force_code: str | None, team: str | None, grade: int
    ) -> list[tuple[str, list[str]]]:
        """A team's contacts and the channels each is told on: the first step of the ladder
        its unassigned alert would climb (none when no rule asks for one)."""
        plan = self.plan(AlertSubject(AlertKind.UNASSIGNED, force_code, team, grade))
        if plan is None:
            return []
        return [(contact, self.channels_of(contact, plan.channels)) for contact in plan.steps[0]]

    def channels_of(self, contact: str, allowed: tuple[str, ...] | None) -> list[str]:
        """The channels a page to `contact` goes through, under a rule's restriction (none
        for a contact the policy no longer has)."""
        known = self.contacts.get(contact)
        have = () if known is None else known.channels()
        return [c for c in have if allowed is None or c in allowed]
