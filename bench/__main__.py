"""`make bench`: how fast frontdesk is, against what Kafka and Python allow, in one run.

On a fresh `bench` stack of its own, three systems in turn: the raw aiokafka chain (the
ceiling), the same chain with one Mongo upsert per hop, and the real pipeline (five
services, reports over HTTP). Each is first saturated (a burst sent as fast as a fixed
number of senders can), then driven open loop at fixed fractions of its own saturated
throughput. Then the SLA watchdog's tick cost and the triage model's cost per report
(`bench/triage.py`). Results go to `bench/results/<date>.json`
and `.md`, a plot to `bench/results/<date>.png`, and the table into the README.

    python -m bench [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import time
from dataclasses import dataclass
from typing import Any

import structlog
import uvloop

from bench import report, sla_tick, triage
from bench.measure import (
    Percentiles,
    Probe,
    Resources,
    Usage,
    caught_up,
    closed_burst,
    open_loop,
)
from bench.systems import BOOTSTRAP, Chain, Pipeline, System, start_stack, stop_stack

FRACTIONS = (0.25, 0.5, 0.75)
REPLY_DEADLINE_S = 120.0


@dataclass(frozen=True)
class Plan:
    """How hard to push one system: saturation burst size and senders, open-loop length."""

    burst: int
    senders: int
    phase_s: float


@dataclass
class Phase:
    kind: str  # "saturation" or "open loop"
    offered_per_s: float | None
    sustained_per_s: float
    to_submitted: Percentiles
    to_reply: Percentiles
    resources: dict[str, Usage]
    #: Mongo data commands per report, by process (the pipeline's services only).
    mongo_per_report: dict[str, float]


@dataclass(frozen=True)
class Bench:
    """One system under measurement, with its probe and process meters."""

    system: System
    probe: Probe
    resources: Resources


async def _phase(bench: Bench, kind: str, rate: float | None, plan: Plan) -> Phase:
    system, probe, resources = bench.system, bench.probe, bench.resources
    commands_before = await system.mongo_commands()
    async with resources.during() as usage:
        if rate is None:
            sent = await closed_burst(system.send, plan.burst, plan.senders)
        else:
            sent = await open_loop(system.send, rate, max(20, int(rate * plan.phase_s)))
        await probe.until_seen(system.reply_topic, set(sent), REPLY_DEADLINE_S)
        await caught_up(BOOTSTRAP, system.groups(), REPLY_DEADLINE_S)
    replies = probe.latencies(system.reply_topic, sent)
    commands_after = await system.mongo_commands()
    per_report = {
        name: (commands_after[name] - commands_before.get(name, 0.0)) / len(sent)
        for name in commands_after
    }
    first, last = min(sent.values()), max(probe.seen[system.reply_topic][r] for r in sent)
    return Phase(
        kind,
        rate,
        len(sent) / (last - first),
        Percentiles.of(probe.latencies(system.submitted_topic, sent)),
        Percentiles.of(replies),
        usage,
        per_report,
    )


async def bench_system(system: System, plan: Plan) -> list[Phase]:
    await system.start()
    try:
        bench = Bench(system, Probe(BOOTSTRAP, system.matchers()), Resources(system.pids()))
        async with bench.probe.watching():
            await _phase(bench, "warm-up", 20.0, Plan(0, 0, 2.0))
            saturated = await _phase(bench, "saturation", None, plan)
            if saturated.mongo_per_report:
                print(f"  {system.name}: Mongo commands per report {saturated.mongo_per_report}")
            phases = [saturated]
            for fraction in FRACTIONS:
                rate = round(saturated.sustained_per_s * fraction, 1)
                phases.append(await _phase(bench, "open loop", rate, plan))
                print(f"  {system.name}: {rate}/s -> p99 {phases[-1].to_reply.p99_ms} ms")
        return phases
    finally:
        await system.stop()


async def bench_all(quick: bool, only: set[str] | None = None) -> dict[str, list[Phase]]:
    scale = 0.25 if quick else 1.0
    systems: list[tuple[System, Plan]] = [
        (Chain("ceiling", "ceiling", with_mongo=False), Plan(int(4000 * scale), 200, 10)),
        (
            Chain("ceiling + mongo", "ceiling-mongo", with_mongo=True),
            Plan(int(2000 * scale), 200, 10),
        ),
        (Pipeline(), Plan(int(800 * scale), 32, 12)),
    ]
    results = {}
    for system, plan in systems:
        if only and system.name not in only:
            continue
        started = time.monotonic()
        results[system.name] = await bench_system(system, plan)
        saturated = results[system.name][0].sustained_per_s
        print(f"{system.name}: {saturated:.0f}/s saturated ({time.monotonic() - started:.0f} s)")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller bursts, for a try-out")
    parser.add_argument("--label", default="", help="added to the result file names")
    parser.add_argument(
        "--only", action="append", help="measure only this system (a try-out: no files)"
    )
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    start_stack()
    gc.disable()  # the driver's own collection pauses would count as the system's latency
    try:
        systems = uvloop.run(bench_all(args.quick, set(args.only or ())))
    finally:
        stop_stack()
    if args.only:
        return
    ticks = asyncio.run(sla_tick.tick_costs())
    results: dict[str, Any] = {
        "systems": systems,
        "tick_cost_s": ticks,
        "triage": triage.triage_costs(),
    }
    for path in report.write(results, args.label):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
