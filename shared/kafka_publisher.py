"""Publishing the events kept in outboxes: an idempotent, `acks=all` producer per process."""

from __future__ import annotations

import asyncio

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import InvalidProducerIdMapping, OutOfOrderSequenceNumber, UnknownProducerId

from shared.errors import TransientError
from shared.mongo import Document
from shared.settings import KafkaSettings

log = structlog.get_logger(__name__)

#: Errors after which an idempotent producer's sequence state is no use any more (seen
#: after a broker restart): only a new producer, with a new producer id, can go on.
PRODUCER_STATE_ERRORS: tuple[type[Exception], ...] = (
    OutOfOrderSequenceNumber,
    UnknownProducerId,
    InvalidProducerIdMapping,
)


class KafkaEventPublisher:
    """Publishes stored outbox messages with an idempotent, `acks=all` producer of its own.

    When the broker no longer accepts the producer's sequence numbers, the producer is
    replaced and the failure reported as transient, so the message is published again by
    the new producer instead of failing for ever.
    """

    def __init__(self, settings: KafkaSettings, client_id: str) -> None:
        self._settings = settings
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        async with self._lock:
            if self._producer is None:
                producer = AIOKafkaProducer(
                    **self._settings.client_options(),
                    client_id=self._client_id,
                    acks="all",
                    enable_idempotence=True,
                    request_timeout_ms=self._settings.request_timeout_ms,
                )
                await producer.start()
                self._producer = producer

    async def stop(self) -> None:
        async with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    async def publish(self, message: Document) -> None:
        await self.start()
        assert self._producer is not None
        headers = [
            ("content-type", b"application/json"),
            ("event_type", message["event_type"].encode()),
            ("event_id", message["event_id"].encode()),
        ]
        try:
            await self._producer.send_and_wait(
                message["topic"],
                message["value"].encode(),
                key=message["key"].encode(),
                headers=headers,
            )
        except PRODUCER_STATE_ERRORS as error:
            log.warning("producer_replaced", error=type(error).__name__)
            await self.stop()
            raise TransientError(f"producer state lost: {type(error).__name__}") from error
