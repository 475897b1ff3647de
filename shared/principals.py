"""The names the system's clients sign in to Kafka with: one per service, one per channel
that publishes its reports (`shared/kafka_access.py` grants each only its own work)."""

from __future__ import annotations


def service_principal(service: str) -> str:
    return service


def channel_principal(channel: str) -> str:
    return f"channel-{channel}"
