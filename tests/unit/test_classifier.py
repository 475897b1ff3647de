"""Classifier: every rule of the rule book, the way people write, and re-assessment."""

from __future__ import annotations

from typing import Any

import pytest

from services.classifier.domain import Assessment, assess
from services.classifier.handlers import Classifier
from services.classifier.rules import RULES_FILE, load_rules
from services.classifier.text import clauses, find_phrases
from shared.events import ReportType, ReportUpdated
from tests import factories
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.classifier import FakeAssessments, FakeEmergencyModel

BOOK = load_rules()


def _assess(
    description: str, report_type: ReportType = ReportType.CRIME, **fields: Any
) -> Assessment:
    report = factories.report_submitted(report_type=report_type, description=description, **fields)
    return assess(report, BOOK)


def test_the_rule_book_covers_every_type_and_is_versioned() -> None:
    assert set(BOOK.types) == set(ReportType)
    assert BOOK.version
    assert RULES_FILE.suffix == ".toml"


@pytest.mark.parametrize(
    ("report_type", "grade", "route"),
    [
        (ReportType.CRIME, 3, "crime_bureau"),
        (ReportType.ROAD_TRAFFIC_COLLISION, 3, "road_policing"),
        (ReportType.FRAUD, 4, "crime_bureau"),
        (ReportType.LOST_OR_STOLEN_VEHICLE, 3, "crime_bureau"),
        (ReportType.ANTI_SOCIAL_BEHAVIOUR, 3, "neighbourhood_policing"),
        (ReportType.MISSING_PERSON, 1, "missing_persons"),
        (ReportType.LOST_OR_FOUND_PROPERTY, 4, "lost_property"),
        (ReportType.FEEDBACK, 4, "professional_standards"),
    ],
)
def test_each_type_has_its_default_grade_and_route(
    report_type: ReportType, grade: int, route: str
) -> None:
    assessment = _assess("Please see the details I gave.", report_type)

    assert (assessment.grade, assessment.route) == (grade, route)


def test_fraud_is_referred_to_report_fraud() -> None:
    assert _assess("I was scammed", ReportType.FRAUD).referral == "Report Fraud"


def test_a_missing_person_is_always_grade_1_and_vulnerable() -> None:
    assessment = _assess("My dad has not come home", ReportType.MISSING_PERSON)

    assert assessment.grade == 1
    assert "vulnerability" in assessment.flags


# ------------------------------------------------------------------ text indicators

INDICATOR_CASES = [
    ("immediate_danger", "He is trying to get in through the back door", "possible_emergency"),
    ("weapon", "A man pulled a knife on my son outside the shop yesterday", "weapon"),
    ("injury", "My friend was punched and is bleeding from the head", "injury"),
    ("domestic_abuse", "My partner hit me last night and takes my money", "domestic_abuse"),
    ("stalking", "A man keeps turning up at my work and followed me home", "stalking"),
    ("hate_crime", "They shouted racist abuse at my family", "hate_crime"),
    ("child_involved", "Some lads stole my daughter's bike from school", "child_involved"),
    ("repeat_victim", "My shed was broken into again, third time this year", "repeat_victim"),
    ("vulnerable_person", "My elderly neighbour with dementia was conned", "vulnerability"),
    ("self_harm", "My brother messaged saying he wants to end his life", "possible_emergency"),
]


@pytest.mark.parametrize(("indicator", "text", "flag"), INDICATOR_CASES)
def test_each_text_indicator_fires_and_is_explained(indicator: str, text: str, flag: str) -> None:
    assessment = _assess(text)

    assert f"text:{indicator}" in assessment.fired
    assert flag in assessment.flags
    assert any(f"text:{indicator}" in d.rules for d in assessment.thrive.values())


def test_every_indicator_of_the_book_has_a_test_case() -> None:
    assert {name for name, _, _ in INDICATOR_CASES} == {i.name for i in BOOK.indicators}


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("A car reversed into mine. Nobody was hurt.", "injury"),
        ("No one was injured and there was no blood", "injury"),
        ("He did not have a knife as far as I could see", "weapon"),
        ("There was no weapon, he was not armed", "weapon"),
        ("It is not happening now, it was last week", "immediate_danger"),
        ("I am not in danger, I just want it recorded", "immediate_danger"),
        ("It has never happened before", "repeat_victim"),
    ],
)
def test_negated_phrases_do_not_fire(text: str, indicator: str) -> None:
    assessment = _assess(text)

    assert f"text:{indicator}" not in assessment.fired
    assert indicator in assessment.negated


def test_an_alarming_word_in_a_calm_context_is_not_a_weapon() -> None:
    assessment = _assess(
        "I lost my knife on the train, a penknife my dad gave me", ReportType.LOST_OR_FOUND_PROPERTY
    )

    assert "weapon" not in assessment.flags
    assert assessment.grade == 4


def test_a_knife_someone_has_is_a_weapon_and_an_emergency() -> None:
    assessment = _assess("my neighbour has a knife and says hes going to kill me")

    assert assessment.grade == 1
    assert {"weapon", "possible_emergency"} <= set(assessment.flags)
    assert assessment.next_steps == "call_999"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("He threatend me with a KNIF!!!", "weapon"),
        ("someone STABED my brother", "weapon"),
        ("my ex gf keeps harrasing me", "domestic_abuse"),
        ("She is bleading and needs an ambulence", "injury"),
    ],
)
def test_common_misspellings_and_shouting_are_understood(text: str, flag: str) -> None:
    assert flag in _assess(text).flags


def test_negation_does_not_cross_a_clause_boundary() -> None:
    assessment = _assess("Nothing was taken, but my husband was hurt")

    assert "injury" in assessment.flags


def test_phrases_are_found_in_order_within_one_clause_only() -> None:
    text_clauses = clauses("He had a bag. Knife in the kitchen drawer", BOOK.spelling)

    assert find_phrases(text_clauses, ["had a knife"], BOOK.spelling) == []


# ------------------------------------------------------------------ answers and reporter


@pytest.mark.parametrize("rule", BOOK.answer_rules, ids=lambda rule: rule.name)
def test_each_answer_rule_fires_on_a_yes_only(rule: Any) -> None:
    yes = _assess("Details as above.", rule.report_type, answers={rule.answer: True})
    no = _assess("Details as above.", rule.report_type, answers={rule.answer: False})

    assert rule.name in yes.fired
    assert set(rule.flags) <= set(yes.flags)
    assert rule.name not in no.fired


@pytest.mark.parametrize("field", ["happening_now", "someone_in_danger"])
def test_the_reporter_saying_it_is_an_emergency_makes_it_grade_1(field: str) -> None:
    assessment = _assess("Thanks to the officer", ReportType.FEEDBACK, **{field: True})

    assert assessment.grade == 1
    assert assessment.next_steps == "call_999"
    assert "reporter:emergency" in assessment.fired


# ------------------------------------------------------------------ confidence


def test_text_that_reads_like_the_chosen_type_is_confident() -> None:
    assessment = _assess("Someone smashed my window and stole my laptop")

    assert assessment.suggested_type is ReportType.CRIME
    assert assessment.confidence == BOOK.confidence.type_confirmed
    assert "needs_review" not in assessment.flags


def test_text_that_reads_like_another_type_needs_review() -> None:
    assessment = _assess(
        "I was scammed by a fake text pretending to be my bank", ReportType.FEEDBACK
    )

    assert assessment.suggested_type is ReportType.FRAUD
    assert assessment.confidence < BOOK.review_below_confidence
    assert "needs_review" in assessment.flags


def test_a_missing_person_reported_on_the_wrong_form_is_still_grade_1() -> None:
    assessment = _assess("My son has not come home and his phone is off", ReportType.FEEDBACK)

    assert assessment.grade == 1
    assert "text:reads_like_missing_person" in assessment.fired
    assert "needs_review" in assessment.flags


def test_a_few_words_with_no_evidence_need_review() -> None:
    assessment = _assess("see above", ReportType.CRIME)

    assert assessment.suggested_type is None
    assert "needs_review" in assessment.flags


# ------------------------------------------------------------------ use cases


async def test_classifying_twice_records_and_emits_once() -> None:
    assessments = FakeAssessments()
    classifier = Classifier(assessments, BOOK, FakeEmergencyModel(), FrozenClock())
    submitted = factories.report_submitted(report_type=ReportType.MISSING_PERSON)

    await classifier.classify_report(submitted)
    await classifier.classify_report(submitted)

    (classified,) = assessments.published
    assert classified.event_type == "ReportClassified"
    assert assessments.recorded[submitted.report_id].grade == 1


def _update(submitted: Any, number: int, information: str, danger: bool = False) -> ReportUpdated:
    return ReportUpdated.caused_by(
        submitted,
        producer="intake",
        occurred_at=NOW,
        discriminator=str(number),
        update_number=number,
        information=information,
        happening_now=False,
        someone_in_danger=danger,
    )


async def test_new_information_re_grades_with_a_higher_sequence_in_any_order() -> None:
    assessments = FakeAssessments()
    classifier = Classifier(assessments, BOOK, FakeEmergencyModel(), FrozenClock())
    submitted = factories.report_submitted(description="Someone keyed my car last night")
    update = _update(submitted, 1, "He has come back and has a knife", danger=True)

    await classifier.add_information(update)  # arrives before the report itself
    await classifier.classify_report(submitted)
    await classifier.add_information(update)

    events = assessments.published
    assert [e.model_dump()["sequence"] for e in events] == [2]
    assert events[0].model_dump()["grade"] == 1


async def test_each_update_gives_a_new_assessment_whose_id_is_stable() -> None:
    assessments = FakeAssessments()
    classifier = Classifier(assessments, BOOK, FakeEmergencyModel(), FrozenClock())
    submitted = factories.report_submitted(description="My bike was stolen")

    await classifier.classify_report(submitted)
    await classifier.add_information(_update(submitted, 1, "It was my son's bike, he is 12"))

    first, second = assessments.published
    assert [first.model_dump()["sequence"], second.model_dump()["sequence"]] == [1, 2]
    assert "child_involved" in second.model_dump()["flags"]
    assert first.event_id != second.event_id
