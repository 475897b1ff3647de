"""The benchmark's outputs: JSON, a markdown table, a plot, and the README's section."""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt

RESULTS = Path(__file__).resolve().parent / "results"
README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def write(results: dict[str, Any], label: str = "") -> list[Path]:
    """Write every output; returns the paths written."""
    RESULTS.mkdir(exist_ok=True)
    stem = datetime.now(UTC).strftime("%Y-%m-%d") + (f"-{label}" if label else "")
    data = _plain(results) | {"machine": _machine(), "measured_at": datetime.now(UTC).isoformat()}
    json_path, md_path, png_path = (RESULTS / f"{stem}.{ext}" for ext in ("json", "md", "png"))
    json_path.write_text(json.dumps(data, indent=2) + "\n")
    markdown = tables(data)
    md_path.write_text(markdown)
    plot(data, png_path)
    _update_readme(markdown, png_path)
    return [json_path, md_path, png_path, README]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "os": platform.system()}


def tables(data: dict[str, Any]) -> str:
    systems: dict[str, list[dict[str, Any]]] = data["systems"]
    lines = [
        f"Measured {data['measured_at'][:16]} UTC on {data['machine']['cpus']} CPUs, "
        f"Python {data['machine']['python']}, by `make bench`.",
        "",
        "| system | load | offered /s | sustained /s | submit→submitted p50 / p99 / p99.9 ms "
        "| submit→reply p50 / p99 / p99.9 ms |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, phases in systems.items():
        for phase in phases:
            offered = f"{phase['offered_per_s']:.0f}" if phase["offered_per_s"] else "max"
            lines.append(
                f"| {name} | {phase['kind']} | {offered} | {phase['sustained_per_s']:.0f} "
                f"| {_percentiles(phase['to_submitted'])} | {_percentiles(phase['to_reply'])} |"
            )
    lines += ["", "Saturated throughput, as a ratio:", "", *_ratios(systems)]
    lines += ["", *_resources(systems), "", *_mongo_commands(systems), "", *_ticks(data)]
    if "triage" in data:
        lines += ["", *_triage(data["triage"])]
    return "\n".join(lines) + "\n"


def _percentiles(p: dict[str, float]) -> str:
    return f"{p['p50_ms']:.1f} / {p['p99_ms']:.1f} / {p['p999_ms']:.1f}"


def _ratios(systems: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Each system's saturated throughput against every ceiling measured before it."""
    saturated = {name: phases[0]["sustained_per_s"] for name, phases in systems.items()}
    names = list(saturated)
    return [
        f"- {name} / {ceiling}: {saturated[name] / saturated[ceiling]:.3f}"
        for position, name in enumerate(names)
        for ceiling in names[:position]
    ]


def _resources(systems: dict[str, list[dict[str, Any]]]) -> list[str]:
    lines = [
        "CPU (% of one core) and peak memory per process, at saturation:",
        "",
        "| system | process | CPU % | peak RSS MB |",
        "|---|---|---:|---:|",
    ]
    for name, phases in systems.items():
        for process, usage in phases[0]["resources"].items():
            lines.append(
                f"| {name} | {process} | {usage['cpu_percent']:.0f} | {usage['peak_rss_mb']:.0f} |"
            )
    return lines


def _mongo_commands(systems: dict[str, list[dict[str, Any]]]) -> list[str]:
    lines = [
        "Mongo data commands per report, at saturation:",
        "",
        "| system | process | commands |",
    ]
    lines.append("|---|---|---:|")
    for name, phases in systems.items():
        counts: dict[str, float] = phases[0].get("mongo_per_report") or {}
        for process, count in counts.items():
            lines.append(f"| {name} | {process} | {count:.1f} |")
        if counts:
            lines.append(f"| {name} | all | {sum(counts.values()):.1f} |")
    return lines


def _ticks(data: dict[str, Any]) -> list[str]:
    ticks: dict[str, float] = data["tick_cost_s"]
    baseline = ticks["1000"]
    lines = ["SLA watchdog tick (10 clocks due):", "", "| open clocks | tick ms | ratio to 1,000 |"]
    lines.append("|---:|---:|---:|")
    for count, cost in ticks.items():
        lines.append(f"| {int(count):,} | {cost * 1000:.3f} | {cost / baseline:.2f} |")
    return lines


def _triage(triage: dict[str, Any]) -> list[str]:
    lines = [
        "Triage, CPU per report (one thread; the safety net's embeddings, then the rules):",
        "",
        "| reports | n | mean words | mean ms | p99 ms | rules alone, mean ms | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, cost in triage["costs"].items():
        ratio = cost["mean_ms"] / cost["rules_mean_ms"]
        lines.append(
            f"| {kind} | {cost['reports']} | {cost['mean_words']:.0f} | {cost['mean_ms']:.1f} "
            f"| {cost['p99_ms']:.1f} | {cost['rules_mean_ms']:.2f} | {ratio:.0f} |"
        )
    rates = triage["typical_per_s"]
    one, two = rates["one process"], rates["two processes"]
    lines += [
        "",
        f"Peak RSS {triage['peak_rss_mb']:.0f} MB with the model loaded "
        f"({triage['rss_mb_before_model']:.0f} MB before). Typical reports assessed per "
        f"second: {one:.2f} by one classifier process, {two:.2f} by two "
        f"(ratio {two / one:.2f}).",
    ]
    return lines


def plot(data: dict[str, Any], path: Path) -> None:
    figure, axes = plt.subplots(figsize=(8, 5))
    for number, (name, phases) in enumerate(data["systems"].items()):
        open_loop = [p for p in phases if p["offered_per_s"]]
        rates = [p["offered_per_s"] for p in open_loop]
        colour = f"C{number}"
        p99 = [p["to_reply"]["p99_ms"] for p in open_loop]
        p50 = [p["to_reply"]["p50_ms"] for p in open_loop]
        axes.plot(rates, p99, "o-", color=colour, label=f"{name} p99")
        axes.plot(rates, p50, "x--", color=colour, label=f"{name} p50")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("offered rate (reports per second, open loop)")
    axes.set_ylabel("submit to reply (ms)")
    axes.set_title("frontdesk: latency against offered rate")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _update_readme(markdown: str, png: Path) -> None:
    """Put the latest table (and plot) between the README's bench markers."""
    text = README.read_text()
    if BEGIN not in text or END not in text:
        return
    relative = png.relative_to(README.parent)
    section = f"{BEGIN}\n{markdown}\n![latency against offered rate]({relative})\n{END}"
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    README.write_text(pattern.sub(lambda _: section, text))


def main() -> None:
    """Render a stored result again (tables, plot, README): `python -m bench.report F`."""
    path = Path(sys.argv[1]).resolve()
    data = json.loads(path.read_text())
    path.with_suffix(".md").write_text(markdown := tables(data))
    plot(data, path.with_suffix(".png"))
    if "--readme" in sys.argv:
        _update_readme(markdown, path.with_suffix(".png"))


if __name__ == "__main__":
    main()
