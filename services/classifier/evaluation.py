"""How well triage reads a labelled file: `frontdesk triage evaluate FILE.jsonl`.

Each report is assessed as the service would assess it from the web form with nothing
ticked: the rule book alone, then the rules with the safety net. Per report type (the form
chosen): how many emergencies were flagged as possible emergencies, how many other reports
were (false alarms), and how many got a grade at least as urgent as `grade_max`. Then the
system as a whole, at both of the model's operating points and with the rules alone; the
last two lines are those of the system as it runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from services.classifier.domain import Assessment, ModelVerdict, assess
from services.classifier.examples import Example, as_submitted
from services.classifier.rules import RuleBook
from services.classifier.safety_net import SafetyNet


@dataclass(frozen=True)
class Judged:
    """One example with what the rules alone and the whole classifier made of it."""

    example: Example
    rules: Assessment
    full: Assessment
    verdict: ModelVerdict

    @property
    def flagged_at_high(self) -> bool:
        return self.rules.possible_emergency or self.verdict.emergency


@dataclass
class Figures:
    """Recall, false alarms and grades over a set of judged examples."""

    emergencies: int = 0
    caught: int = 0
    others: int = 0
    false_alarms: int = 0
    graded: int = 0
    grade_ok: int = 0
    missed: list[str] = field(default_factory=list)

    def count(self, example: Example, flagged: bool, grade: int) -> None:
        if example.emergency:
            self.emergencies += 1
            self.caught += flagged
        else:
            self.others += 1
            self.false_alarms += flagged
        if example.grade_max is not None:
            self.graded += 1
            self.grade_ok += grade <= example.grade_max

    @property
    def recall(self) -> float:
        return self.caught / self.emergencies if self.emergencies else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.others if self.others else 0.0

    def emergency_line(self) -> str:
        return (
            f"recall {self.recall:.2f} ({self.caught}/{self.emergencies}), "
            f"false alarms {self.false_alarm_rate:.2f} ({self.false_alarms}/{self.others})"
        )

    def grade_line(self) -> str:
        return f"{self.grade_ok} of {self.graded} at or above the expected urgency"


def judge(examples: Sequence[Example], book: RuleBook, net: SafetyNet) -> list[Judged]:
    """Assess every example by the rules alone and by rules and model."""
    verdicts = net.score_many([example.text for example in examples])
    judged = []
    for example, verdict in zip(examples, verdicts, strict=True):
        report = as_submitted(example)
        judged.append(
            Judged(example, assess(report, book), assess(report, book, (), False, verdict), verdict)
        )
    return judged


def figures(judged: Iterable[Judged], system: str) -> Figures:
    """`system`: "rules" (the rule book alone), "high" (rules, or the model's high
    threshold) or "full" (rules, or the model's low threshold: the system as it runs)."""
    tally = Figures()
    for item in judged:
        if system == "rules":
            tally.count(item.example, item.rules.possible_emergency, item.rules.grade)
        elif system == "high":
            tally.count(item.example, item.flagged_at_high, item.full.grade)
        else:
            tally.count(item.example, item.full.possible_emergency, item.full.grade)
            if item.example.emergency and not item.full.possible_emergency:
                tally.missed.append(item.example.text)
    return tally


def report_lines(judged: Sequence[Judged], book: RuleBook, net: SafetyNet) -> list[str]:
    """The evaluation, as lines of text; the last two in a fixed form for scripts."""
    lines = [
        f"rules {book.version}, model {net.model.version} "
        f"(low {net.model.thresholds.low:.3f}, high {net.model.thresholds.high:.3f}), "
        f"{len(judged)} reports",
        f"{'form chosen':<24} {'n':>4} {'emerg':>5} {'recall':>6} {'f.alarm':>7} {'grade ok':>8}",
    ]
    by_type: dict[str, list[Judged]] = {}
    for item in judged:
        by_type.setdefault(item.example.report_type.value, []).append(item)
    for name, items in sorted(by_type.items()):
        tally = figures(items, "full")
        lines.append(
            f"{name:<24} {len(items):>4} {tally.emergencies:>5} {tally.recall:>6.2f} "
            f"{tally.false_alarm_rate:>7.2f} {tally.grade_ok:>4}/{tally.graded:<3}"
        )
    rules_only, high, full = (figures(judged, s) for s in ("rules", "high", "full"))
    lines += [
        f"rules only:                 {rules_only.emergency_line()}; "
        f"grade {rules_only.grade_line()}",
        f"rules + model, high point:  {high.emergency_line()}",
        f"possible emergency: {full.emergency_line()}",
        f"grade: {full.grade_line()}",
    ]
    return lines
