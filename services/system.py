"""The services of a frontdesk deployment, and what each reads and writes on Kafka.

Derived from each service's routing table, for what sees the system whole: provisioning
(topics, credentials, ACLs: `frontdesk kafka provision`), the `frontdesk dlq` commands, the
local stacks, the benchmark and the tests. `shared` names no service; this module does.
"""

from __future__ import annotations

from services.alerting.routes import ROUTES as ALERTING
from services.classifier.routes import ROUTES as CLASSIFIER
from services.console.routes import ROUTES as CONSOLE
from services.intake.routes import ROUTES as INTAKE
from services.notifier.routes import ROUTES as NOTIFIER
from services.reference_issuer.routes import ROUTES as REFERENCE_ISSUER
from services.sla_watchdog.routes import ROUTES as SLA_WATCHDOG
from shared.kafka_access import System
from shared.topics import all_topics

SYSTEM: System = tuple(
    table.topics
    for table in (INTAKE, CLASSIFIER, REFERENCE_ISSUER, NOTIFIER, SLA_WATCHDOG, ALERTING, CONSOLE)
)

SERVICES: tuple[str, ...] = tuple(service.service for service in SYSTEM)

#: The topics each service consumes, in one consumer group named after the service.
CONSUMES: dict[str, tuple[str, ...]] = {service.service: service.consumes for service in SYSTEM}

#: The event topics each service publishes to (besides its own dead-letter topic).
PRODUCES: dict[str, tuple[str, ...]] = {service.service: service.produces for service in SYSTEM}

#: Every topic of the system, dead-letter topics included.
TOPICS: tuple[str, ...] = tuple(all_topics(SYSTEM))
