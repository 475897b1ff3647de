"""Prometheus metrics of one service process, in a registry of its own (several apps can
share a test process), served at `/metrics`."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest


class ServiceMetrics:
    """What every service counts: messages handled and failed per topic, dead letters,
    and how far behind each partition its consumer is."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        labels = {"service": service}
        self.handled = Counter(
            "frontdesk_messages_handled", "Messages handled", ["topic"], registry=self.registry
        ).labels
        self.failed = Counter(
            "frontdesk_messages_failed",
            "Handling attempts that failed, by kind of failure",
            ["topic", "failure"],
            registry=self.registry,
        ).labels
        self.dead_lettered = Counter(
            "frontdesk_dead_letters",
            "Messages set aside in the dead-letter topic",
            ["topic"],
            registry=self.registry,
        ).labels
        self.conflicting_facts = Counter(
            "frontdesk_conflicting_facts",
            "Events refused for contradicting a recorded fact: a bug or a forgery, alert on any",
            ["topic"],
            registry=self.registry,
        ).labels
        self.mongo_commands = Counter(
            "frontdesk_mongo_commands",
            "Commands sent to Mongo, by name",
            ["command"],
            registry=self.registry,
        ).labels
        self.lag = Gauge(
            "frontdesk_consumer_lag",
            "Messages behind the end of the partition, as of the last one handled",
            ["topic", "partition"],
            registry=self.registry,
        ).labels
        Gauge("frontdesk_service_info", "The service", list(labels), registry=self.registry).labels(
            **labels
        ).set(1)

    def count_mongo_command(self, name: str) -> None:
        self.mongo_commands(name).inc()

    def gauge(self, name: str, documentation: str, labels: list[str]) -> Gauge:
        """A service-specific gauge in this registry."""
        return Gauge(name, documentation, labels, registry=self.registry)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
