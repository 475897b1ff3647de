"""The rule book: `rules.toml` read and checked at start, so a bad edit fails loudly.

Rules are data, not code branches: `domain.assess` applies whatever the book says.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events import ReportType

RULES_FILE = Path(__file__).with_name("rules.toml")

Level = Literal["low", "medium", "high"]
Dimension = Literal["threat", "harm", "risk", "investigation", "vulnerability", "engagement"]
DIMENSIONS: tuple[Dimension, ...] = (
    "threat",
    "harm",
    "risk",
    "investigation",
    "vulnerability",
    "engagement",
)
LEVEL_ORDER: dict[Level, int] = {"low": 0, "medium": 1, "high": 2}

EMERGENCY_GRADE = 1
#: The grade, at least, of a report the safety net finds a possible emergency.
POSSIBLE_EMERGENCY_GRADE = 2
EMERGENCY_FLAG = "possible_emergency"
EMERGENCY_NEXT_STEPS = "call_999"
NEEDS_REVIEW_FLAG = "needs_review"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TypeRule(_Strict):
    """Defaults of one report type, and the phrases that make a text read like it."""

    grade: int = Field(ge=1, le=4)
    route: str
    next_steps: str
    referral: str | None = None
    flags: tuple[str, ...] = ()
    thrive: dict[Dimension, Level]
    phrases: tuple[str, ...]


class Indicator(_Strict):
    """Phrases in the text that raise the grade, add flags and raise THRIVE levels."""

    name: str
    phrases: tuple[str, ...]
    grade: int | None = Field(default=None, ge=1, le=4)
    possible_emergency: bool = False
    flags: tuple[str, ...] = ()
    thrive: dict[Dimension, Level] = Field(default_factory=dict)


class AnswerRule(_Strict):
    """A yes to one of a type's own questions that raises the grade."""

    report_type: ReportType
    answer: str
    grade: int | None = Field(default=None, ge=1, le=4)
    possible_emergency: bool = False
    flags: tuple[str, ...] = ()
    thrive: dict[Dimension, Level] = Field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"answer:{self.answer}"


class Confidence(_Strict):
    """How sure the classifier is, by what the text says of the report's type."""

    type_confirmed: float = Field(ge=0, le=1)
    no_type_evidence: float = Field(ge=0, le=1)
    short_text: float = Field(ge=0, le=1)
    type_contradicted: float = Field(ge=0, le=1)
    short_text_words: int = Field(ge=0)


class RuleBook(_Strict):
    """Everything the classifier decides by, under one version."""

    version: str = Field(min_length=1)
    review_below_confidence: float = Field(ge=0, le=1)
    confidence: Confidence
    spelling: dict[str, str]
    types: dict[ReportType, TypeRule]
    indicators: tuple[Indicator, ...]
    answer_rules: tuple[AnswerRule, ...]


def load_rules(path: Path = RULES_FILE) -> RuleBook:
    """Read and check a rule book; every report type must have its rule."""
    book = RuleBook.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    missing = set(ReportType) - set(book.types)
    if missing:
        raise ValueError(f"rules {book.version} lack report types: {sorted(missing)}")
    return book
