"""Who a member of staff is and what each role may see: pure, so every rule of access is
tested without a provider or a browser.

- `viewer`: queues and figures, no personal data;
- `operator`: the reports of their own teams, with personal data;
- `supervisor`: the reports of every team, exports, search by contact details;
- `auditor`: the access log, and no report content.

Roles and teams come from the identity provider's claims (settings name the claims); a
member of staff may hold several roles, and holds the union of what they allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"


#: The roles that may read a report's content (and so its personal data).
READS_REPORTS = frozenset({Role.OPERATOR, Role.SUPERVISOR})
#: The roles that see queues and figures.
SEES_QUEUES = frozenset({Role.VIEWER, Role.OPERATOR, Role.SUPERVISOR})


@dataclass(frozen=True)
class Staff:
    """A signed-in member of staff, as the provider vouched for them."""

    user_id: str  # the provider's subject: stable, not a name
    username: str
    roles: frozenset[Role]
    teams: frozenset[str]

    def holds(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def may_read_team(self, route: str | None) -> bool:
        """Whether this person may open a report routed to `route` (None: not yet routed,
        which only a supervisor may open)."""
        if Role.SUPERVISOR in self.roles:
            return True
        return Role.OPERATOR in self.roles and route is not None and route in self.teams

    @property
    def role_names(self) -> list[str]:
        return sorted(role.value for role in self.roles)


def roles_from_claim(values: object) -> frozenset[Role]:
    """The console's roles among a claim's values; other values (the provider's own roles,
    other applications' roles) are ignored."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple):
        return frozenset()
    known = {role.value: role for role in Role}
    return frozenset(known[value] for value in values if isinstance(value, str) and value in known)
