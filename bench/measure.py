"""What the benchmark measures with: an open-loop schedule, a probe on the output topics,
HdrHistogram percentiles, and the CPU and memory of every process involved.

Latency runs from the time a report was *scheduled* to be sent to the Kafka timestamp of
the record that answers it (the producer's CreateTime), so neither a late sender nor the
probe's own polling hides or adds time: a stall shows up as latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import psutil
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from hdrh.histogram import HdrHistogram

from shared.settings import KafkaSettings

#: 1 microsecond to 10 minutes, three significant digits.
LOWEST_US, HIGHEST_US, DIGITS = 1, 600_000_000, 3


@dataclass(frozen=True)
class Percentiles:
    p50_ms: float
    p99_ms: float
    p999_ms: float
    max_ms: float
    count: int

    @classmethod
    def of(cls, latencies_s: list[float]) -> Percentiles:
        histogram = HdrHistogram(LOWEST_US, HIGHEST_US, DIGITS)
        for latency in latencies_s:
            histogram.record_value(min(HIGHEST_US, max(LOWEST_US, int(latency * 1e6))))

        def ms(percentile: float) -> float:
            return float(histogram.get_value_at_percentile(percentile)) / 1000

        return cls(ms(50), ms(99), ms(99.9), histogram.get_max_value() / 1000, len(latencies_s))


Matcher = Callable[[ConsumerRecord[bytes, bytes]], str | None]


@dataclass
class Probe:
    """Notes when each report's first record appeared on each watched topic."""

    bootstrap: str
    matchers: dict[str, Matcher]  # topic -> the report a record answers, or None
    seen: dict[str, dict[str, float]] = field(default_factory=dict)  # topic -> report -> s

    @contextlib.asynccontextmanager
    async def watching(self) -> AsyncIterator[Probe]:
        consumer = AIOKafkaConsumer(
            **KafkaSettings(bootstrap_servers=self.bootstrap).client_options(),
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            partitions = [
                TopicPartition(topic, number)
                for topic in self.matchers
                for number in consumer.partitions_for_topic(topic) or await _wait(consumer, topic)
            ]
            consumer.assign(partitions)
            await consumer.seek_to_end(*partitions)
            for partition in partitions:  # resolve the end offsets now, before any load
                await consumer.position(partition)
            self.seen = {topic: {} for topic in self.matchers}
            task = asyncio.create_task(self._read(consumer))
            try:
                yield self
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        finally:
            await consumer.stop()

    async def _read(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                for record in records:
                    report = self.matchers[record.topic](record)
                    if report is not None:
                        self.seen[record.topic].setdefault(report, record.timestamp / 1000)

    async def until_seen(self, topic: str, reports: set[str], deadline_s: float) -> None:
        """Wait (with a deadline) until every one of `reports` has a record on `topic`."""
        deadline = time.monotonic() + deadline_s
        while not reports <= self.seen[topic].keys():
            if time.monotonic() > deadline:
                missing = len(reports - self.seen[topic].keys())
                raise TimeoutError(f"{missing} of {len(reports)} reports never reached {topic}")
            await asyncio.sleep(0.05)

    def latencies(self, topic: str, scheduled: dict[str, float]) -> list[float]:
        return [self.seen[topic][report] - at for report, at in scheduled.items()]


async def _wait(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    for _ in range(100):
        await consumer._client.force_metadata_update()
        if partitions := consumer.partitions_for_topic(topic):
            return set(partitions)
        await asyncio.sleep(0.1)
    raise TimeoutError(f"topic {topic} does not exist")


Send = Callable[[int], Awaitable[str]]


async def open_loop(send: Send, rate_per_s: float, count: int) -> dict[str, float]:
    """Send `count` reports at a fixed rate whatever the answers take; returns each
    report's scheduled wall-clock time."""
    scheduled: dict[str, float] = {}
    start_wall, start = time.time() + 0.05, time.monotonic() + 0.05

    async def one(number: int) -> None:
        report = await send(number)
        scheduled[report] = start_wall + number / rate_per_s

    tasks = []
    for number in range(count):
        delay = start + number / rate_per_s - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)  # the schedule's own pace: open loop
        tasks.append(asyncio.create_task(one(number)))
    await asyncio.gather(*tasks)
    return scheduled


async def closed_burst(send: Send, count: int, concurrency: int) -> dict[str, float]:
    """Send `count` reports as fast as `concurrency` senders allow (saturation)."""
    sent: dict[str, float] = {}
    numbers = iter(range(count))

    async def sender() -> None:
        for number in numbers:
            at = time.time()
            sent[await send(number)] = at

    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return sent


@dataclass
class Usage:
    cpu_percent: float  # of one core, averaged over the phase
    peak_rss_mb: float


class Resources:
    """CPU time and peak resident memory of named processes (and their children) over a
    phase, sampled every 0.2 s."""

    def __init__(self, pids: dict[str, int]) -> None:
        self._processes = {name: psutil.Process(pid) for name, pid in pids.items()}
        self._peak: dict[str, float] = dict.fromkeys(pids, 0.0)

    def _cpu(self, process: psutil.Process) -> float:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            return float(times.user + times.system)
        return 0.0

    def _sample(self) -> None:
        for name, process in self._processes.items():
            with contextlib.suppress(psutil.Error):
                rss = process.memory_info().rss / 2**20
                self._peak[name] = max(self._peak[name], rss)

    @contextlib.asynccontextmanager
    async def during(self) -> AsyncIterator[dict[str, Usage]]:
        usage: dict[str, Usage] = {}
        before = {name: self._cpu(p) for name, p in self._processes.items()}
        self._peak = dict.fromkeys(self._processes, 0.0)
        started = time.monotonic()
        sampler = asyncio.create_task(self._sample_until_cancelled())
        try:
            yield usage
        finally:
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
            self._sample()
            wall = time.monotonic() - started
            for name, process in self._processes.items():
                cpu = (self._cpu(process) - before[name]) / wall * 100
                usage[name] = Usage(round(cpu, 1), round(self._peak[name], 1))

    async def _sample_until_cancelled(self) -> None:
        while True:
            self._sample()
            await asyncio.sleep(0.2)


async def caught_up(bootstrap: str, groups: dict[str, list[str]], deadline_s: float) -> None:
    """Wait (with a deadline) until every group has committed the end of its topics, so a
    phase does not pay for the backlog of the one before."""
    admin = AIOKafkaAdminClient(**KafkaSettings(bootstrap_servers=bootstrap).client_options())
    consumer = AIOKafkaConsumer(**KafkaSettings(bootstrap_servers=bootstrap).client_options())
    await admin.start()
    await consumer.start()
    try:
        deadline = time.monotonic() + deadline_s
        while (lag := await _lag(admin, consumer, groups)) > 0:
            if time.monotonic() > deadline:
                raise TimeoutError(f"consumer groups still {lag} messages behind")
            await asyncio.sleep(0.2)
    finally:
        await consumer.stop()
        await admin.close()


async def _lag(
    admin: AIOKafkaAdminClient, consumer: AIOKafkaConsumer, groups: dict[str, list[str]]
) -> int:
    lag = 0
    for group, topics in groups.items():
        committed = await admin.list_consumer_group_offsets(group)
        partitions = [
            TopicPartition(topic, number)
            for topic in topics
            for number in consumer.partitions_for_topic(topic) or await _wait(consumer, topic)
        ]
        for partition, end in (await consumer.end_offsets(partitions)).items():
            meta = committed.get(partition)
            lag += end - (meta.offset if meta is not None and meta.offset >= 0 else 0)
    return lag
