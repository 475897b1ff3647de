"""Pure classification: a report (and any later information) in, an assessment out.

Whatever the rule book says is applied in one order: the declared type's defaults, the
indicators found in the text, the answers to the type's questions, then the reporter's
own "happening now" and "someone in danger". Every rule that fires is recorded, per THRIVE
dimension, so a supervisor can see why. No I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pydantic import JsonValue

from services.classifier import rules
from services.classifier.rules import (
    DIMENSIONS,
    LEVEL_ORDER,
    AnswerRule,
    Dimension,
    Indicator,
    Level,
    RuleBook,
)
from services.classifier.text import clauses, find_phrases
from shared.events import ReportSubmitted, ReportType


@dataclass(frozen=True)
class ThriveDimension:
    """One THRIVE dimension: its level and the rules that set it."""

    level: Level
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
    """What the classifier decided about one report, and by which rules."""

    grade: int
    route: str
    next_steps: str
    referral: str | None
    flags: tuple[str, ...]
    confidence: float
    rules_version: str
    fired: tuple[str, ...]
    thrive: dict[Dimension, ThriveDimension]
    suggested_type: ReportType | None
    negated: tuple[str, ...] = ()

    model: ModelVerdict | None = None

    @property
    def possible_emergency(self) -> bool:
        return rules.EMERGENCY_FLAG in self.flags


@dataclass(frozen=True)
class ModelVerdict:
    """What the learned safety net made of a report's text: its most alarming passage's
    score and the model's two operating points."""

    model_version: str
    score: float
    low: float
    high: float
    passage: int = 0
    passages: int = 1

    @property
    def emergency(self) -> bool:
        """At the high threshold: an emergency, grade 1, an alert."""
        return self.score >= self.high

    @property
    def possible_emergency(self) -> bool:
        """At the low threshold: call-999 guidance at once, grade 2 or more urgent, review."""
        return self.score >= self.low

    def rule_name(self) -> str:
        point = "emergency" if self.emergency else "possible_emergency"
        threshold = self.high if self.emergency else self.low
        return f"model:{point} score={self.score:.2f}>={threshold:.2f}"


@dataclass
class _Decision:
    """An assessment being built, one rule at a time."""

    grade: int
    next_steps: str
    flags: list[str]
    fired: list[str]
    levels: dict[Dimension, Level]
    reasons: dict[Dimension, list[str]] = field(default_factory=dict)
    negated: list[str] = field(default_factory=list)

    def apply(
        self,
        name: str,
        grade: int | None,
        flags: Iterable[str],
        thrive: dict[Dimension, Level],
        emergency: bool,
    ) -> None:
        self.fired.append(name)
        self.flags.extend(flags)
        if grade is not None:
            self.grade = min(self.grade, grade)
        if emergency:
            self.grade = rules.EMERGENCY_GRADE
            self.next_steps = rules.EMERGENCY_NEXT_STEPS
            self.flags.append(rules.EMERGENCY_FLAG)
        for dimension, level in thrive.items():
            if LEVEL_ORDER[level] >= LEVEL_ORDER[self.levels[dimension]]:
                self.levels[dimension] = level
                self.reasons.setdefault(dimension, []).append(name)


def _answered_yes(answers: dict[str, JsonValue], question: str) -> bool:
    value = answers.get(question)
    if isinstance(value, str):
        return value.strip().lower() in {"yes", "true", "y"}
    return value is True


def infer_type(text_clauses: list[list[str]], book: RuleBook) -> ReportType | None:
    """The report type the text reads most like, or None without evidence or on a tie."""
    scores = {
        report_type: sum(
            len(match.phrase.split())
            for match in find_phrases(text_clauses, rule.phrases, book.spelling)
            if not match.negated
        )
        for report_type, rule in book.types.items()
    }
    best = max(scores.values())
    leaders = [report_type for report_type, score in scores.items() if score == best]
    return leaders[0] if best > 0 and len(leaders) == 1 else None


def _confidence(
    declared: ReportType, suggested: ReportType | None, words: int, book: RuleBook
) -> float:
    if suggested == declared:
        return book.confidence.type_confirmed
    if suggested is not None:
        return book.confidence.type_contradicted
    if words < book.confidence.short_text_words:
        return book.confidence.short_text
    return book.confidence.no_type_evidence


def _apply_indicators(
    decision: _Decision,
    text_clauses: list[list[str]],
    indicators: Sequence[Indicator],
    book: RuleBook,
) -> None:
    for indicator in indicators:
        matches = find_phrases(text_clauses, indicator.phrases, book.spelling)
        if any(not match.negated for match in matches):
            decision.apply(
                f"text:{indicator.name}",
                indicator.grade,
                indicator.flags,
                indicator.thrive,
                indicator.possible_emergency,
            )
        elif matches:
            decision.negated.append(indicator.name)


def _apply_answers(
    decision: _Decision, report: ReportSubmitted, answer_rules: Sequence[AnswerRule]
) -> None:
    for rule in answer_rules:
        if rule.report_type is report.report_type and _answered_yes(report.answers, rule.answer):
            decision.apply(rule.name, rule.grade, rule.flags, rule.thrive, rule.possible_emergency)


def _apply_model(decision: _Decision, verdict: ModelVerdict) -> None:
    """The safety net only adds urgency: a flag, a grade at least 2, or grade 1."""
    if verdict.emergency:
        decision.apply(verdict.rule_name(), None, (), {"threat": "high", "risk": "high"}, True)
    elif verdict.possible_emergency:
        decision.apply(
            verdict.rule_name(),
            rules.POSSIBLE_EMERGENCY_GRADE,
            (rules.EMERGENCY_FLAG, rules.NEEDS_REVIEW_FLAG),
            {"threat": "medium", "risk": "high"},
            False,
        )


def text_read(report: ReportSubmitted, later_information: Sequence[str] = ()) -> str:
    """The text a report is assessed on: its description and what was added since, in order.
    The rules and the safety net read the same text."""
    return "\n".join([report.description, *later_information])


def assess(
    report: ReportSubmitted,
    book: RuleBook,
    later_information: Sequence[str] = (),
    emergency_reported_later: bool = False,
    verdict: ModelVerdict | None = None,
) -> Assessment:
    """Grade a report by the rule book and the safety net's verdict on its text, with any
    information added since it was made."""
    base = book.types[report.report_type]
    text_clauses = clauses(text_read(report, later_information), book.spelling)
    decision = _Decision(
        base.grade,
        base.next_steps,
        list(base.flags),
        [f"type:{report.report_type.value}"],
        dict(base.thrive),
    )
    decision.reasons = {dimension: [f"type:{report.report_type.value}"] for dimension in DIMENSIONS}
    _apply_indicators(decision, text_clauses, book.indicators, book)
    _apply_answers(decision, report, book.answer_rules)
    if report.happening_now or report.someone_in_danger or emergency_reported_later:
        decision.apply("reporter:emergency", None, (), {"threat": "high", "risk": "high"}, True)
    if verdict is not None:
        _apply_model(decision, verdict)
    suggested = infer_type(text_clauses, book)
    if suggested is not None and book.types[suggested].grade < decision.grade:
        # The wrong form must not make a report less urgent: take the more urgent grade.
        decision.apply(
            f"text:reads_like_{suggested.value}", book.types[suggested].grade, (), {}, False
        )
    words = sum(len(clause) for clause in text_clauses)
    confidence = _confidence(report.report_type, suggested, words, book)
    if confidence < book.review_below_confidence:
        decision.flags.append(rules.NEEDS_REVIEW_FLAG)
    return Assessment(
        grade=decision.grade,
        route=base.route,
        next_steps=decision.next_steps,
        referral=base.referral,
        flags=tuple(dict.fromkeys(decision.flags)),
        confidence=confidence,
        rules_version=book.version,
        fired=tuple(decision.fired),
        thrive={
            dimension: ThriveDimension(
                decision.levels[dimension], tuple(decision.reasons.get(dimension, ()))
            )
            for dimension in DIMENSIONS
        },
        suggested_type=suggested,
        negated=tuple(decision.negated),
        model=verdict,
    )
