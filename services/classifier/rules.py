"""The first rules table: what each report type gets by default, and what raises it.

Rules are data, not branches: `domain.assess` reads this table. Bump RULES_VERSION with
every change so each ReportClassified says which rules decided it.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.events import ReportType

RULES_VERSION = "2026.11.1"


@dataclass(frozen=True)
class TypeRule:
    """Default outcome for one report type."""

    grade: int
    route: str
    next_steps: str
    referral: str | None = None
    flags: tuple[str, ...] = ()


TYPE_RULES: dict[ReportType, TypeRule] = {
    ReportType.CRIME: TypeRule(3, "crime_bureau", "crime"),
    ReportType.ROAD_TRAFFIC_COLLISION: TypeRule(3, "road_policing", "road_traffic_collision"),
    ReportType.FRAUD: TypeRule(4, "crime_bureau", "fraud", referral="Report Fraud"),
    ReportType.LOST_OR_STOLEN_VEHICLE: TypeRule(3, "crime_bureau", "lost_or_stolen_vehicle"),
    ReportType.ANTI_SOCIAL_BEHAVIOUR: TypeRule(
        3, "neighbourhood_policing", "anti_social_behaviour"
    ),
    ReportType.MISSING_PERSON: TypeRule(
        1, "missing_persons", "missing_person", flags=("vulnerability",)
    ),
    ReportType.LOST_OR_FOUND_PROPERTY: TypeRule(4, "lost_property", "lost_or_found_property"),
    ReportType.FEEDBACK: TypeRule(4, "professional_standards", "feedback"),
}


@dataclass(frozen=True)
class AnswerRule:
    """An answer to a type-specific question that raises the grade and adds a flag."""

    report_type: ReportType
    answer: str
    grade: int
    flag: str


ANSWER_RULES: tuple[AnswerRule, ...] = (
    AnswerRule(ReportType.ROAD_TRAFFIC_COLLISION, "injuries", 2, "injury"),
    AnswerRule(ReportType.CRIME, "weapon_seen", 2, "weapon"),
    AnswerRule(ReportType.CRIME, "suspect_present", 2, "suspect_present"),
    AnswerRule(ReportType.ANTI_SOCIAL_BEHAVIOUR, "ongoing", 2, "ongoing"),
)

#: The reporter says it is happening now or someone is in danger.
EMERGENCY_GRADE = 1
EMERGENCY_FLAG = "possible_emergency"
EMERGENCY_NEXT_STEPS = "call_999"

#: Confidence of a decision read straight off the declared type and answers.
DECLARED_CONFIDENCE = 0.9
