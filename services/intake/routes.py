"""What intake consumes and emits: its routing table (`shared.routes`).

Each channel that publishes its reports has an ingress topic of its own, so the channel is
known from the topic (which only that channel's principal may write to), never from the
payload.
"""

from __future__ import annotations

from functools import partial

from services.intake import SERVICE
from services.intake.handlers import Intake
from services.intake.ingress import read_published
from shared.events import (
    InformationRequested,
    ReferenceIssued,
    ReplyDelivered,
    ReportClosed,
    ReportReopened,
    ReportSubmitted,
    ReportUpdated,
)
from shared.routes import Route, RoutingTable, on
from shared.topics import INGRESS_TOPICS

ROUTES = RoutingTable[Intake](
    SERVICE,
    [
        *(
            Route(topic, partial(read_published, topic), Intake.accept_published)
            for topic in INGRESS_TOPICS.values()
        ),
        on(ReferenceIssued, Intake.learn_reference),
        on(ReplyDelivered, Intake.learn_delivery),
        on(InformationRequested, Intake.learn_staff_action),
        on(ReportClosed, Intake.learn_staff_action),
        on(ReportReopened, Intake.learn_staff_action),
    ],
    emits=(ReportSubmitted, ReportUpdated),
)
