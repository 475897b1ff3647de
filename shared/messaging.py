"""Kafka plumbing whose defaults are the delivery rules (docs/architecture.md#delivery-rules).

- Producers: `acks=all` and idempotence, and every publish waits for the acknowledgement.
- Subscribers: the service name as consumer group, earliest offset, no auto-commit; the
  offset is committed only after the handler returned, i.e. after its state change is
  durable and the events it emitted were acknowledged.
- `ReliableConsumption` decides what a failure means: a message that can never succeed
  goes to the service's dead-letter topic with the reason and is then acknowledged; a
  transient failure (Mongo or Kafka unreachable) is retried with backoff and, if it
  persists, the message is not acknowledged, so it is redelivered.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import structlog
from aiokafka import TopicPartition
from aiokafka.errors import KafkaError
from faststream import AckPolicy
from faststream._internal.middlewares import BaseMiddleware
from faststream.kafka import KafkaBroker
from faststream.message import StreamMessage
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram512
from pydantic import ValidationError

from shared.errors import (
    ConflictingFactError,
    PermanentError,
    TransientError,
    field_location,
)
from shared.failpoints import BEFORE_COMMIT, failpoint
from shared.metrics import ServiceMetrics
from shared.mongo import TRANSIENT_MONGO_ERRORS
from shared.outbox import WrittenEvents, collecting, publish_quietly
from shared.settings import KafkaSettings
from shared.topics import (
    DEAD_LETTER_PREFIX,
    WrongTopicError,
    check_belongs,
    dead_letter_topic,
)

log = structlog.get_logger(__name__)

TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    *TRANSIENT_MONGO_ERRORS,
    TransientError,
    KafkaError,
    ConnectionError,
    TimeoutError,
)


class RetryPolicy:
    """Exponential backoff with full jitter, for a bounded number of attempts."""

    def __init__(self, attempts: int = 6, base_s: float = 0.2, cap_s: float = 5.0) -> None:
        self.attempts = attempts
        self._base_s = base_s
        self._cap_s = cap_s

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self._cap_s, self._base_s * 2**attempt))  # noqa: S311 - jitter, not crypto


class ReliableConsumption:
    """Broker middleware factory: dead letters, transient retries, per-message log context."""

    def __init__(
        self,
        service: str,
        retry: RetryPolicy | None = None,
        max_message_bytes: int | None = None,
        metrics: ServiceMetrics | None = None,
    ) -> None:
        self.service = service
        self.retry = retry or RetryPolicy()
        self.max_message_bytes = max_message_bytes
        self.metrics = metrics or ServiceMetrics(service)
        self.broker: KafkaBroker | None = None

    def __call__(self, msg: Any, /, *, context: Any) -> BaseMiddleware[Any, Any]:
        return _ReliableConsumptionScope(msg, context=context, config=self)


class _ReliableConsumptionScope(BaseMiddleware[Any, Any]):
    def __init__(self, msg: Any, /, *, context: Any, config: ReliableConsumption) -> None:
        super().__init__(msg, context=context)
        self._config = config

    async def consume_scope(self, call_next: Callable[..., Any], msg: StreamMessage[Any]) -> Any:
        record = msg.raw_message
        with structlog.contextvars.bound_contextvars(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            message_id=msg.message_id,
        ):
            with collecting() as written:
                try:
                    result = await self._with_retries(call_next, msg, written)
                finally:
                    await publish_quietly(written)  # stored by a handler that then failed
            self._count_handled(msg)
            failpoint(BEFORE_COMMIT)  # the acknowledgement (commit) follows this scope
            return result

    def _count_handled(self, msg: StreamMessage[Any]) -> None:
        record, metrics = msg.raw_message, self._config.metrics
        metrics.handled(record.topic).inc()
        consumer = getattr(msg, "consumer", None)
        highwater = getattr(consumer, "highwater", None)
        end = highwater(TopicPartition(record.topic, record.partition)) if highwater else None
        if isinstance(end, int):
            metrics.lag(record.topic, str(record.partition)).set(max(0, end - record.offset - 1))

    async def _with_retries(
        self, call_next: Callable[..., Any], msg: StreamMessage[Any], written: WrittenEvents
    ) -> Any:
        """Handle the message, then publish the events it stored, before its offset is
        committed: a failure to publish is transient like any other, so it is retried."""
        refusal = self._refusal(msg)
        if refusal is not None:
            await self._dead_letter(msg, refusal)
            return None
        retry = self._config.retry
        for attempt in range(retry.attempts):
            last_attempt = attempt + 1 == retry.attempts
            try:
                result = await call_next(msg)
                await written.publish()
                return result
            except (ValidationError, PermanentError) as error:
                await self._dead_letter(msg, error)
                return None
            except TRANSIENT_ERRORS as error:
                self._config.metrics.failed(msg.raw_message.topic, "transient").inc()
                if last_attempt:
                    log.warning("message_redelivery", error=type(error).__name__)
                    raise
                log.info("transient_failure_retrying", error=type(error).__name__, attempt=attempt)
            except Exception as error:  # noqa: BLE001 - every failure is handled, see below
                self._config.metrics.failed(msg.raw_message.topic, "unexpected").inc()
                # A bug, not an outage: retried like one, then set aside so that one
                # message cannot stop its partition for good (`dlq replay` after a fix).
                if last_attempt:
                    await self._dead_letter(msg, PermanentError(_unexpected(error)))
                    return None
                log.warning("unexpected_failure_retrying", error=type(error).__name__)
            await asyncio.sleep(retry.delay(attempt))
        return None

    def _refusal(self, msg: StreamMessage[Any]) -> Exception | None:
        """Why a message is refused before any handler sees it: too large, not a JSON
        object, or of a type that does not belong on its topic (forged or misrouted)."""
        limit = self._config.max_message_bytes
        if limit is not None and len(msg.body) > limit:
            return PermanentError(f"message over {limit} bytes")
        try:
            check_belongs(msg.raw_message.topic, _event_type(msg.body))
        except (PermanentError, WrongTopicError) as error:
            return error
        return None

    async def _dead_letter(self, msg: StreamMessage[Any], error: Exception) -> None:
        if msg.raw_message.topic.startswith(DEAD_LETTER_PREFIX):
            raise error  # never dead-letter a dead letter: that would loop
        broker = self._config.broker
        if broker is None:
            raise RuntimeError("ReliableConsumption used before bind_broker()") from error
        record = msg.raw_message
        reason = _reason(error)
        headers = {k: v for k, v in (msg.headers or {}).items() if isinstance(v, str)}
        headers.update(
            {
                "dlq_reason": reason,
                "dlq_service": self._config.service,
                "dlq_topic": record.topic,
                "dlq_partition": str(record.partition),
                "dlq_offset": str(record.offset),
            }
        )
        self._config.metrics.dead_lettered(record.topic).inc()
        if isinstance(error, ConflictingFactError):
            self._config.metrics.conflicting_facts(record.topic).inc()
            log.error("conflicting_fact", reason=reason)
        await broker.publish(
            msg.body, dead_letter_topic(self._config.service), key=record.key, headers=headers
        )
        log.warning("message_dead_lettered", reason=reason)


def _event_type(body: bytes) -> object:
    """The `event_type` a message claims. A body that is not a JSON object (not UTF-8, not
    JSON, nested too deep, a number too long) can never be handled: a permanent error."""
    try:
        decoded = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise PermanentError(f"not a JSON document ({type(error).__name__})") from None
    if not isinstance(decoded, dict):
        raise PermanentError("not a JSON object")
    return decoded.get("event_type")


def _unexpected(error: Exception) -> str:
    """Names the error and where it was raised; its message may hold personal data."""
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f" in {Path(frame.filename).stem}.{frame.name}" if frame else ""
    return f"unexpected {type(error).__name__}{where}"


def _reason(error: Exception) -> str:
    """Why a message was dead-lettered, naming fields but never their values."""
    if isinstance(error, ValidationError):
        problems = [
            f"{'.'.join(str(p) for p in field_location(e['loc'], e['type'])) or '<root>'}: "
            f"{e['type']}"
            for e in error.errors(include_input=False, include_url=False)
        ]
        return "invalid event: " + "; ".join(problems)
    return f"{type(error).__name__}: {error}"


def create_broker(
    settings: KafkaSettings,
    service: str,
    max_message_bytes: int | None = None,
    retry: RetryPolicy | None = None,
    metrics: ServiceMetrics | None = None,
) -> KafkaBroker:
    """A broker with an idempotent, acks=all producer and reliable consumption."""
    reliability = ReliableConsumption(
        service, retry=retry, max_message_bytes=max_message_bytes, metrics=metrics
    )
    broker = KafkaBroker(
        settings.bootstrap_servers,
        security=broker_security(settings),
        client_id=service,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=settings.request_timeout_ms,
        graceful_timeout=settings.graceful_timeout_s,
        middlewares=[reliability],
        logger=logging.getLogger(f"frontdesk.broker.{service}"),
        # "Received" and "Processed" for every message: two log lines per message cost
        # more than they tell; failures and dead letters are still logged at WARNING.
        log_level=logging.DEBUG,
    )
    reliability.broker = broker
    return broker


def broker_security(settings: KafkaSettings) -> BaseSecurity | None:
    """`KafkaSettings.client_options` in FastStream's terms."""
    options = settings.client_options()
    ssl_context = options.get("ssl_context")
    if settings.username is None:
        return BaseSecurity(ssl_context=ssl_context) if ssl_context is not None else None
    kind = SASLScram512 if settings.sasl_mechanism == "SCRAM-SHA-512" else SASLPlaintext
    return kind(
        options["sasl_plain_username"], options["sasl_plain_password"], ssl_context=ssl_context
    )


Handler = Callable[..., Awaitable[None]]


def reliable_subscriber(
    broker: KafkaBroker,
    settings: KafkaSettings,
    service: str,
    *topics: str,
    decoder: Callable[[StreamMessage[Any]], Awaitable[Any]] | None = None,
) -> Callable[[Handler], Any]:
    """Subscribe with the delivery rules: our group, earliest offset, commit after success."""
    return broker.subscriber(
        *topics,
        decoder=decoder,
        group_id=service,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        session_timeout_ms=settings.session_timeout_ms,
        heartbeat_interval_ms=settings.heartbeat_interval_ms,
        max_poll_interval_ms=settings.max_poll_interval_ms,
    )
