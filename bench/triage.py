"""The triage model's cost: CPU per report for short, typical and long reports, its p99,
peak memory, and the throughput one and two classifier processes give.

Each report is assessed as the service does it (the safety net's passages embedded on one
thread, then the rules), timed in CPU seconds of the process, and against the rules alone
on the same reports in the same run. Reports: held-out texts of under 50 words and of 100
to 200 words, and 1,000-word-plus texts made of calm held-out reports with one emergency
buried in the middle. Throughput: one worker process, then two at once, each assessing
the typical reports; the second process's gain is what a second classifier instance
gives back (the classifier scales out by partition).

    python -m bench.triage
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from services.classifier.domain import Assessment, assess
from services.classifier.embedding import E5Embedder
from services.classifier.examples import Example, as_submitted, load_examples
from services.classifier.rules import RuleBook, load_rules
from services.classifier.safety_net import SafetyNet
from services.classifier.triage_model import load_model
from shared.events import ReportSubmitted

HOLDOUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "triage" / "holdout.jsonl"
PER_KIND = 40
LONG_REPORTS = 12
SHORT_WORDS, TYPICAL_WORDS, LONG_WORDS = 50, (100, 200), 1000
#: Calm reports at least this long, and emergencies at most this long, make the long texts.
CALM_WORDS, BURIED_WORDS = 60, 40


@dataclass(frozen=True)
class Cost:
    """CPU per report, in milliseconds, with the model and with the rules alone."""

    reports: int
    mean_words: float
    mean_ms: float
    p99_ms: float
    rules_mean_ms: float

    @property
    def ratio(self) -> float:
        return self.mean_ms / self.rules_mean_ms


def _words(example: Example) -> int:
    return len(example.text.split())


def report_sets(examples: list[Example]) -> dict[str, list[Example]]:
    """Short, typical and long reports from the held-out file."""
    low, high = TYPICAL_WORDS
    short = [e for e in examples if _words(e) < SHORT_WORDS][:PER_KIND]
    typical = [e for e in examples if low <= _words(e) <= high][:PER_KIND]
    calm = [e for e in examples if not e.emergency and _words(e) >= CALM_WORDS]
    buried = [e for e in examples if e.emergency and _words(e) < BURIED_WORDS]
    long = []
    for n in range(LONG_REPORTS):
        before = [calm[(n * 17 + i) % len(calm)].text for i in range(8)]
        after = [calm[(n * 17 + 8 + i) % len(calm)].text for i in range(8)]
        text = " ".join([*before, buried[n % len(buried)].text, *after])
        long.append(calm[n].model_copy(update={"text": text, "emergency": True}))
    return {
        "short": short,
        "typical": typical,
        "long": [e for e in long if _words(e) > LONG_WORDS],
    }


def _cpu_ms(work: Callable[[], object]) -> float:
    began = time.process_time()
    work()
    return (time.process_time() - began) * 1000


def _with_model(report: ReportSubmitted, book: RuleBook, net: SafetyNet) -> Assessment:
    return assess(report, book, verdict=net.score(report.description))


def cost_of(examples: list[Example], net: SafetyNet) -> Cost:
    book = load_rules()
    reports = [as_submitted(example) for example in examples]
    model_ms = [_cpu_ms(functools.partial(_with_model, report, book, net)) for report in reports]
    rules_ms = [_cpu_ms(functools.partial(assess, report, book)) for report in reports]
    ordered = sorted(model_ms)
    return Cost(
        reports=len(reports),
        mean_words=statistics.mean(_words(e) for e in examples),
        mean_ms=statistics.mean(model_ms),
        p99_ms=ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        rules_mean_ms=statistics.mean(rules_ms),
    )


def _worker(texts: list[str], results: Any) -> None:
    net = SafetyNet(load_model(), E5Embedder(threads=1))
    began = time.perf_counter()
    for text in texts:
        net.score(text)
    results.put(len(texts) / (time.perf_counter() - began))


def throughput(texts: list[str], processes: int) -> float:
    """Reports per second assessed by `processes` classifier processes side by side."""
    results: Any = multiprocessing.get_context("spawn").Queue()
    workers = [
        multiprocessing.get_context("spawn").Process(target=_worker, args=(texts, results))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    rates = [results.get(timeout=1800) for _ in workers]
    for worker in workers:
        worker.join()
    return float(sum(rates))


def triage_costs() -> dict[str, Any]:
    """Everything `make bench` reports about the triage model."""
    examples = load_examples(HOLDOUT)
    rss_rules_only = psutil.Process().memory_info().rss / 2**20
    net = SafetyNet(load_model(), E5Embedder(threads=1))
    sets = report_sets(examples)
    costs = {kind: cost_of(items, net) for kind, items in sets.items()}
    typical = [e.text for e in sets["typical"]]
    one, two = throughput(typical, 1), throughput(typical, 2)
    return {
        "costs": costs,
        "rss_mb_before_model": rss_rules_only,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "typical_per_s": {"one process": one, "two processes": two},
    }


def main() -> None:
    results = triage_costs()
    print(json.dumps(results, default=lambda o: o.__dict__ | {"ratio": o.ratio}, indent=1))


if __name__ == "__main__":
    main()
