"""Classifier's use cases: assess a report, and re-assess it whenever information is added."""

from __future__ import annotations

from services.classifier import SERVICE
from services.classifier.domain import Assessment, assess, text_read
from services.classifier.ports import Assessments, EmergencyModel, ReportFacts
from services.classifier.rules import RuleBook
from shared.clock import Clock
from shared.events import ReportClassified, ReportSubmitted, ReportUpdated, ThriveDimension


class Classifier:
    """The classifier's dependencies, and its use cases."""

    def __init__(
        self, assessments: Assessments, book: RuleBook, model: EmergencyModel, clock: Clock
    ) -> None:
        self.assessments = assessments
        self.book = book
        self.model = model
        self.clock = clock

    async def classify_report(self, submitted: ReportSubmitted) -> None:
        facts = await self.assessments.remember_report(submitted)
        await self.reassess(facts)

    async def add_information(self, updated: ReportUpdated) -> None:
        facts = await self.assessments.remember_update(updated)
        await self.reassess(facts)

    async def reassess(self, facts: ReportFacts | None) -> None:
        """Assess with everything known; emit ReportClassified when the sequence advances.

        The sequence is 1 + the number of updates taken into account, so redelivered or
        reordered events always lead to the same assessments with the same event ids.
        """
        if facts is not None and facts.report is not None:
            sequence = 1 + len(facts.updates)
            if sequence > facts.sequence:
                await self._record(facts.report, facts.updates, sequence)

    async def _record(
        self, report: ReportSubmitted, updates: tuple[ReportUpdated, ...], sequence: int
    ) -> None:
        information = [update.information for update in updates]
        verdict = await self.model.verdict(text_read(report, information))
        assessment = assess(
            report,
            self.book,
            information,
            any(update.happening_now or update.someone_in_danger for update in updates),
            verdict,
        )
        classified = classified_event(report, assessment, sequence, self.clock)
        await self.assessments.record(report.report_id, assessment, classified)


def classified_event(
    report: ReportSubmitted, assessment: Assessment, sequence: int, clock: Clock
) -> ReportClassified:
    """The event of an assessment; the first keeps the id it always had."""
    return ReportClassified.caused_by(
        report,
        producer=SERVICE,
        occurred_at=clock.now(),
        discriminator="" if sequence == 1 else str(sequence),
        grade=assessment.grade,
        flags=list(assessment.flags),
        route=assessment.route,
        force_code=report.force_code,
        referral=assessment.referral,
        next_steps=assessment.next_steps,
        rules_version=assessment.rules_version,
        confidence=assessment.confidence,
        sequence=sequence,
        thrive={
            dimension: ThriveDimension(level=value.level, rules=list(value.rules))
            for dimension, value in assessment.thrive.items()
        },
        rules_fired=list(assessment.fired),
        suggested_type=assessment.suggested_type,
        model_version=assessment.model.model_version if assessment.model else None,
        model_score=round(assessment.model.score, 4) if assessment.model else None,
    )
