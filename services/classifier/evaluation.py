"""`make eval-classifier`: how well the rule book reads realistic reports.

Each line of the evaluation file is a report as a member of the public might write it:
the type they chose (`declared_type`, sometimes the wrong form), the type it really is
(`actual_type`), whether it needs a grade 1 response at once (`urgent`: a possible
emergency or a missing person) and the `text`. Printed, per type, the precision and recall
of the type the text reads like (`suggested_type`), and the recall and precision of grade
1 on urgent reports. The figures are printed, not asserted: they are for tuning the rules.

    python -m services.classifier.evaluation tests/data/classifier_eval.jsonl
"""

from __future__ import annotations

import json
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from services.classifier.domain import Assessment, assess
from services.classifier.rules import RuleBook, load_rules
from shared.events import Channel, ReportSubmitted, ReportType


@dataclass(frozen=True)
class Example:
    declared_type: ReportType
    actual_type: ReportType
    urgent: bool
    text: str


def load_examples(path: Path) -> list[Example]:
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            examples.append(
                Example(
                    ReportType(row["declared_type"]),
                    ReportType(row["actual_type"]),
                    bool(row["urgent"]),
                    row["text"],
                )
            )
    return examples


def _assessed(example: Example, book: RuleBook) -> Assessment:
    now = datetime.now(UTC)
    event_id = uuid.uuid4()
    report = ReportSubmitted(
        event_id=event_id,
        occurred_at=now,
        report_id=uuid.uuid4(),
        correlation_id=event_id,
        producer="evaluation",
        force_code="LP",
        report_type=example.declared_type,
        channel=Channel.WEB,
        received_at=now,
        description=example.text,
        happening_now=False,
        someone_in_danger=False,
    )
    return assess(report, book)


def _ratio(hits: int, total: int) -> str:
    return "   n/a" if total == 0 else f"{hits / total:6.2f}"


@dataclass
class Tally:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    def line(self, name: str) -> str:
        predicted = self.true_positive + self.false_positive
        actual = self.true_positive + self.false_negative
        return (
            f"{name:<24} {_ratio(self.true_positive, predicted)} "
            f"{_ratio(self.true_positive, actual)} {actual:5d}"
        )


def evaluate(examples: list[Example], book: RuleBook) -> list[str]:
    """The evaluation table, as lines of text."""
    by_type = {report_type: Tally() for report_type in ReportType}
    urgent, review_caught, misdeclared = Tally(), 0, 0
    for example in examples:
        assessment = _assessed(example, book)
        suggested = assessment.suggested_type
        if suggested == example.actual_type:
            by_type[example.actual_type].true_positive += 1
        else:
            by_type[example.actual_type].false_negative += 1
            if suggested is not None:
                by_type[suggested].false_positive += 1
        _count(urgent, predicted=assessment.grade == 1, actual=example.urgent)
        if example.declared_type != example.actual_type:
            misdeclared += 1
            review_caught += "needs_review" in assessment.flags
    header = f"{'report type':<24} {'prec':>6} {'recall':>6} {'n':>5}"
    lines = [f"rules {book.version}, {len(examples)} reports", header]
    lines += [tally.line(report_type.value) for report_type, tally in by_type.items()]
    lines.append(urgent.line("urgent -> grade 1"))
    lines.append(f"wrong form flagged for review: {review_caught} of {misdeclared}")
    return lines


def _count(tally: Tally, *, predicted: bool, actual: bool) -> None:
    if predicted and actual:
        tally.true_positive += 1
    elif predicted:
        tally.false_positive += 1
    elif actual:
        tally.false_negative += 1


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("tests/data/classifier_eval.jsonl")
    for line in evaluate(load_examples(path), load_rules()):
        print(line)  # noqa: T201 - a command-line report


if __name__ == "__main__":
    main()
