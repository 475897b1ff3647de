"""What the classifier consumes and emits: its routing table (`shared.routes`)."""

from __future__ import annotations

from services.classifier import SERVICE
from services.classifier.handlers import Classifier
from shared.events import ReportClassified, ReportSubmitted, ReportUpdated
from shared.routes import RoutingTable, on

ROUTES = RoutingTable[Classifier](
    SERVICE,
    [
        on(ReportSubmitted, Classifier.classify_report),
        on(ReportUpdated, Classifier.add_information),
    ],
    emits=(ReportClassified,),
)
