"""What the console consumes and emits: its routing table (`shared.routes`).

It consumes every event topic of the contract (tests/unit/test_console_read_model.py fails
on an event type it does not), to project each report's record.
"""

from __future__ import annotations

from services.console import SERVICE
from services.console.domain import PROJECTED
from services.console.handlers import Projection
from shared.events import AccessRecorded, Event
from shared.events.staff import STAFF_EVENTS
from shared.routes import RoutingTable, on

#: What the console emits: the access log's entries, on the audit topic (the store writes
#: each with its event, `services/console/audit_store.py`), and the staff events, each
#: written with its command (`services/console/staff_store.py`).
EMITS: tuple[type[Event], ...] = (AccessRecorded, *STAFF_EVENTS)

ROUTES = RoutingTable[Projection](
    SERVICE, [on(kind, Projection.show) for kind in PROJECTED], emits=EMITS
)
