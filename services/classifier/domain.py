"""Pure classification rules: a submitted report in, an assessment out. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import JsonValue

from services.classifier import rules
from shared.events import ReportSubmitted


@dataclass(frozen=True)
class Assessment:
    """What the classifier decided about one report, and by which rules."""

    grade: int
    route: str
    next_steps: str
    referral: str | None
    flags: tuple[str, ...]
    confidence: float
    rules_version: str = rules.RULES_VERSION
    fired: tuple[str, ...] = field(default=())


def _answered_yes(answers: dict[str, JsonValue], question: str) -> bool:
    value = answers.get(question)
    if isinstance(value, str):
        return value.strip().lower() in {"yes", "true", "y"}
    return bool(value)


def assess(report: ReportSubmitted) -> Assessment:
    """Grade a report from its type, its answers and the reporter's emergency answers."""
    base = rules.TYPE_RULES[report.report_type]
    grade, flags, fired = base.grade, list(base.flags), [f"type:{report.report_type.value}"]
    next_steps = base.next_steps
    for rule in rules.ANSWER_RULES:
        if rule.report_type is report.report_type and _answered_yes(report.answers, rule.answer):
            grade = min(grade, rule.grade)
            flags.append(rule.flag)
            fired.append(f"answer:{rule.answer}")
    if report.happening_now or report.someone_in_danger:
        grade = rules.EMERGENCY_GRADE
        flags.append(rules.EMERGENCY_FLAG)
        next_steps = rules.EMERGENCY_NEXT_STEPS
        fired.append("reporter:emergency")
    return Assessment(
        grade=grade,
        route=base.route,
        next_steps=next_steps,
        referral=base.referral,
        flags=tuple(dict.fromkeys(flags)),
        confidence=rules.DECLARED_CONFIDENCE,
        fired=tuple(fired),
    )
