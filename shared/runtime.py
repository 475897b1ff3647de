"""What one service process holds, and the order it starts and stops in.

Start: topics exist, Mongo answers, the service prepares its collections, the broker
starts consuming, background jobs (outbox relays, tickers) start. Stop (SIGTERM, via
uvicorn's lifespan): the broker stops fetching and finishes in-flight messages first, then
background jobs end, then Mongo closes.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, FastAPI, Header, HTTPException, Response
from faststream.kafka import KafkaBroker
from prometheus_client import CONTENT_TYPE_LATEST
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from shared.kafka_access import require_topics
from shared.kafka_publisher import KafkaEventPublisher
from shared.messaging import create_broker
from shared.metrics import ServiceMetrics
from shared.mongo import TRANSIENT_MONGO_ERRORS, CommandCounter, Document, create_mongo_client
from shared.outbox import Outbox
from shared.routes import RoutingTable, UseCases
from shared.settings import ServiceSettings
from shared.topics import ServiceTopics

log = structlog.get_logger(__name__)

BackgroundJob = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
STARTUP_DEADLINE_S = 60.0


class ServiceRuntime:
    """The connections and background jobs of one service process."""

    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        broker: KafkaBroker,
        mongo: AsyncMongoClient[Document],
        metrics: ServiceMetrics | None = None,
    ) -> None:
        self.name = name
        self.metrics = metrics or ServiceMetrics(name)
        #: Publishes the events kept in outboxes; started before consuming, stopped after.
        self.publisher = KafkaEventPublisher(settings.kafka, name)
        self.settings = settings
        self.broker = broker
        self.mongo = mongo
        self.database: AsyncDatabase[Document] = mongo[settings.database]
        self._prepare: list[Callable[[], Awaitable[None]]] = []
        self._release: list[Callable[[], Awaitable[None]]] = []
        self._jobs: list[BackgroundJob] = []
        #: What the service reads and writes, from its routing table (see `route`).
        self.topics = ServiceTopics(name, (), ())

    @classmethod
    def create(
        cls, name: str, settings: ServiceSettings, max_message_bytes: int | None = None
    ) -> ServiceRuntime:
        """The runtime with a broker and a Mongo client built from `settings`."""
        metrics = ServiceMetrics(name)
        return cls(
            name,
            settings,
            create_broker(settings.kafka, name, max_message_bytes, metrics=metrics),
            create_mongo_client(settings.mongo, name, CommandCounter(metrics.count_mongo_command)),
            metrics,
        )

    def route(self, table: RoutingTable[UseCases], use_cases: UseCases) -> None:
        """Consume the service's routing table with `use_cases`; its topics are the ones
        the service waits for at start."""
        table.subscribe(self.broker, self.settings.kafka, use_cases)
        self.topics = table.topics
        for topic in table.topics.consumes:  # at 0 from the start, so `increase()` sees the first
            self.metrics.dead_lettered(topic)

    def relay_outbox(self, outbox: Outbox) -> None:
        """Sweep `outbox` for events left unpublished, for the life of the process."""
        interval = self.settings.outbox_relay_interval_s
        self.add_background_job(lambda stopping: outbox.relay(interval, stopping))

    def on_startup(self, prepare: Callable[[], Awaitable[None]]) -> None:
        """Run `prepare` (e.g. create indexes) once Mongo answers, before consuming."""
        self._prepare.append(prepare)

    def on_shutdown(self, release: Callable[[], Awaitable[None]]) -> None:
        """Run `release` (e.g. close a connection) once consuming and jobs have stopped."""
        self._release.append(release)

    def add_background_job(self, job: BackgroundJob) -> None:
        """Run `job(stopping)` for the life of the process; it must return once set."""
        self._jobs.append(job)

    @asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        await _until_ready(lambda: require_topics(self.settings.kafka, self.topics), "kafka")
        await _until_ready(lambda: self.mongo.admin.command("ping"), "mongo")
        for prepare in self._prepare:
            await prepare()
        await self.publisher.start()
        await self.broker.start()
        stopping = asyncio.Event()
        tasks = [asyncio.create_task(job(stopping)) for job in self._jobs]
        log.info("service_started", port=self.settings.http_port)
        try:
            yield
        finally:
            await self.broker.stop()
            stopping.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            for release in self._release:
                await release()
            await self.publisher.stop()
            await self.mongo.close()
            log.info("service_stopped")

    def health_router(self) -> APIRouter:
        """`GET /health`: 200 when Mongo and Kafka answer, else 503. `GET /metrics` for a
        scraper sending `Authorization: Bearer <METRICS_TOKEN>`; 404 when no token is set."""
        router = APIRouter()

        @router.get("/metrics", include_in_schema=False)
        async def metrics(authorization: Annotated[str | None, Header()] = None) -> Response:
            self._check_scrape_token(authorization)
            return Response(self.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

        @router.get("/health", include_in_schema=False)
        async def health(response: Response) -> dict[str, Any]:
            checks = {"mongo": await self._mongo_ok(), "kafka": await self._kafka_ok()}
            if not all(checks.values()):
                response.status_code = 503
            return {"service": self.name, **checks}

        return router

    def _check_scrape_token(self, authorization: str | None) -> None:
        token = self.settings.metrics.token
        if token is None:
            raise HTTPException(404, "metrics are off: no METRICS_TOKEN is set")
        expected = f"Bearer {token.get_secret_value()}".encode()
        if not hmac.compare_digest(expected, (authorization or "").encode("utf-8", "replace")):
            raise HTTPException(401, "send the scrape token", {"WWW-Authenticate": "Bearer"})

    async def _mongo_ok(self) -> bool:
        try:
            await self.mongo.admin.command("ping")
        except TRANSIENT_MONGO_ERRORS:
            return False
        return True

    async def _kafka_ok(self) -> bool:
        return bool(await self.broker.ping(timeout=2.0))


async def _until_ready(attempt: Callable[[], Awaitable[Any]], what: str) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while True:
        try:
            await attempt()
            return
        except Exception as error:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{what} did not answer within {STARTUP_DEADLINE_S:.0f}s"
                ) from error
            log.info("waiting_for_dependency", dependency=what, error=type(error).__name__)
            await asyncio.sleep(1.0)
