"""Training the safety net on a labelled file: `frontdesk triage train FILE --out MODEL.json`.

A logistic regression on a passage's standardised embedding and its hashed word features.
Its examples are every report's whole text (labelled as the report is) and every passage
of the reports that are not emergencies: those are safe to call safe, while a passage of
an emergency may be the calm part of it. A report's score is its most alarming passage's,
as in the service.

Everything is chosen by stratified cross-validation on the training file alone, with the
rule book beside the model as in the service: the regularisation and the words' weight
(the pair with the fewest false alarms at the target recall), the low threshold (the
highest at which rules or model still flag `target_recall` of the emergencies) and the
high one (the lowest at which the model alone raises false alarms on at most
`high_false_alarms` of the other reports). scikit-learn is needed here only; the service
runs the exported numbers with numpy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from services.classifier import embedding
from services.classifier.domain import assess
from services.classifier.examples import Example, as_submitted
from services.classifier.passages import PassageLimits, passages
from services.classifier.rules import RuleBook
from services.classifier.triage_model import (
    EmbeddingSpec,
    Thresholds,
    Training,
    TriageModel,
    WordFeatures,
)
from services.classifier.words import word_buckets

C_GRID = (0.03, 0.1)
WORD_WEIGHT_GRID = (30.0, 40.0, 60.0)
WORD_BUCKETS = 1 << 15
FOLDS = 5
SEED = 20261201
#: Weight of one passage of a calm report, beside a whole report's 1.
PASSAGE_WEIGHT = 0.5


@dataclass(frozen=True)
class TrainingGoals:
    """What the operating points are chosen for, on cross-validated scores."""

    target_recall: float = 0.96
    high_false_alarms: float = 0.02


@dataclass(frozen=True)
class Setting:
    """One point of the grid: the regularisation and the weight of the words."""

    c: float
    word_weight: float


@dataclass(frozen=True)
class Embedded:
    """The training file, embedded once: whole texts, passages, labels, the rules' flags."""

    whole: NDArray[np.float32]
    parts: list[NDArray[np.float32]]
    whole_words: Any
    part_words: list[Any]
    labels: NDArray[np.bool_]
    rules_flag: NDArray[np.bool_]


def _word_matrix(texts: Sequence[str]) -> Any:
    from scipy import sparse  # noqa: PLC0415 - training only

    rows, columns, values = [], [], []
    for row, text in enumerate(texts):
        for bucket, value in word_buckets(text, WORD_BUCKETS).items():
            rows.append(row)
            columns.append(bucket)
            values.append(value)
    return sparse.csr_matrix((values, (rows, columns)), shape=(len(texts), WORD_BUCKETS))


def embed_examples(
    examples: Sequence[Example],
    embedder: embedding.Embedder,
    book: RuleBook,
    limits: PassageLimits,
) -> Embedded:
    """Embed every example's whole text and passages (one batch), and run the rules.

    A short report's one passage is its whole text: each distinct text is embedded once.
    """
    cut = [passages(example.text, limits) for example in examples]
    wholes = [" ".join(example.text.split()) for example in examples]
    texts = [*wholes, *(part for parts in cut for part in parts)]
    distinct = list(dict.fromkeys(texts))
    row_of = {text: row for row, text in enumerate(distinct)}
    vectors = embedder.embed(distinct)[[row_of[text] for text in texts]]
    parts, start = [], len(examples)
    for pieces in cut:
        parts.append(vectors[start : start + len(pieces)])
        start += len(pieces)
    flags = [assess(as_submitted(example), book).possible_emergency for example in examples]
    return Embedded(
        whole=vectors[: len(examples)],
        parts=parts,
        whole_words=_word_matrix(wholes),
        part_words=[_word_matrix(pieces) for pieces in cut],
        labels=np.array([example.emergency for example in examples]),
        rules_flag=np.array(flags),
    )


@dataclass(frozen=True)
class Fitted:
    """A scaler and a logistic regression, fitted on some rows, with the words' weight."""

    scaler: Any
    regression: Any
    word_weight: float

    def features(self, vectors: NDArray[np.float32], words: Any) -> Any:
        from scipy import sparse  # noqa: PLC0415 - training only

        standardised = sparse.csr_matrix(self.scaler.transform(vectors))
        return sparse.hstack([standardised, words * self.word_weight], format="csr")

    def report_score(self, vectors: NDArray[np.float32], words: Any) -> float:
        return float(self.regression.predict_proba(self.features(vectors, words))[:, 1].max())


def _fit(data: Embedded, rows: NDArray[np.int64], setting: Setting) -> Fitted:
    from scipy import sparse  # noqa: PLC0415 - training only
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.preprocessing import StandardScaler  # noqa: PLC0415

    scaler = StandardScaler().fit(data.whole[rows])
    regression = LogisticRegression(
        C=setting.c, class_weight="balanced", max_iter=5000, random_state=SEED
    )
    fitted = Fitted(scaler, regression, setting.word_weight)
    calm = [row for row in rows if not data.labels[row]]
    features = sparse.vstack(
        [
            fitted.features(data.whole[rows], data.whole_words[rows]),
            *(fitted.features(data.parts[row], data.part_words[row]) for row in calm),
        ],
        format="csr",
    )
    passages_of_calm = features.shape[0] - len(rows)
    labels = np.concatenate([data.labels[rows], np.zeros(passages_of_calm)])
    weights = np.concatenate([np.ones(len(rows)), np.full(passages_of_calm, PASSAGE_WEIGHT)])
    regression.fit(features, labels, sample_weight=weights)
    return fitted


def cross_validated_scores(data: Embedded, setting: Setting) -> NDArray[np.float64]:
    """Every report's score from a model that never saw it."""
    from sklearn.model_selection import StratifiedKFold  # noqa: PLC0415 - training only

    scores = np.zeros(len(data.labels))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train_rows, test_rows in folds.split(data.whole, data.labels):
        fitted = _fit(data, train_rows, setting)
        for row in test_rows:
            scores[row] = fitted.report_score(data.parts[row], data.part_words[row])
    return scores


def choose_thresholds(
    scores: NDArray[np.float64], data: Embedded, goals: TrainingGoals
) -> Thresholds:
    """The two operating points, from cross-validated scores."""
    emergencies = data.labels
    missed_by_rules = np.sort(scores[emergencies & ~data.rules_flag])[::-1]
    needed = int(np.ceil(goals.target_recall * emergencies.sum())) - int(
        (emergencies & data.rules_flag).sum()
    )
    low = float(missed_by_rules[max(needed, 1) - 1]) if needed > 0 else 1.0
    calm = np.sort(scores[~emergencies])[::-1]
    allowed = int(np.floor(goals.high_false_alarms * len(calm)))
    high = float(np.nextafter(calm[allowed], 1.0)) if allowed < len(calm) else 0.0
    return Thresholds(low=round(min(low, high), 6), high=round(high, 6))


def figures_at(
    scores: NDArray[np.float64], data: Embedded, threshold: float, with_rules: bool
) -> tuple[float, float]:
    """Recall and false-alarm rate when flagged = model at `threshold` (or the rules)."""
    flagged = scores >= threshold
    if with_rules:
        flagged |= data.rules_flag
    recall = float(flagged[data.labels].mean())
    false_alarms = float(flagged[~data.labels].mean())
    return recall, false_alarms


def _ranking_quality(scores: NDArray[np.float64], labels: NDArray[np.bool_]) -> float:
    from sklearn.metrics import average_precision_score  # noqa: PLC0415 - training only

    return float(average_precision_score(labels, scores))


def _false_alarms_at_target(
    scores: NDArray[np.float64], data: Embedded, goals: TrainingGoals
) -> float:
    low = choose_thresholds(scores, data, goals).low
    return figures_at(scores, data, low, with_rules=True)[1]


def train(  # noqa: PLR0917 - the goals and limits are the ones a force rarely changes
    examples: Sequence[Example],
    data_file: Path,
    embedder: embedding.Embedder,
    book: RuleBook,
    today: date,
    limits: PassageLimits | None = None,
    goals: TrainingGoals | None = None,
) -> TriageModel:
    """Train, choose the operating points by cross-validation, and describe the result."""
    limits, goals = limits or PassageLimits(), goals or TrainingGoals()
    data = embed_examples(examples, embedder, book, limits)
    grid = [Setting(c, weight) for c in C_GRID for weight in WORD_WEIGHT_GRID]
    by_setting = {setting: cross_validated_scores(data, setting) for setting in grid}
    setting = min(grid, key=lambda s: _false_alarms_at_target(by_setting[s], data, goals))
    scores = by_setting[setting]
    thresholds = choose_thresholds(scores, data, goals)
    low_recall, low_alarms = figures_at(scores, data, thresholds.low, with_rules=True)
    high_recall, high_alarms = figures_at(scores, data, thresholds.high, with_rules=True)
    fitted = _fit(data, np.arange(len(examples)), setting)
    scaler, regression = fitted.scaler, fitted.regression
    digest = hashlib.sha256(data_file.read_bytes()).hexdigest()
    return TriageModel(
        version=f"{today.isoformat()}.{digest[:8]}",
        embedding=EmbeddingSpec(
            package=embedding.PACKAGE,
            version=embedding.installed_version(),
            model=embedding.MODEL,
            prefix=embedding.PREFIX,
            dimensions=embedding.DIMENSIONS,
        ),
        passages=limits,
        words=WordFeatures(buckets=WORD_BUCKETS, weight=setting.word_weight),
        thresholds=thresholds,
        mean=[float(x) for x in scaler.mean_],
        scale=[float(x) for x in scaler.scale_],
        weights=[float(f"{x:.6g}") for x in regression.coef_[0]],
        bias=float(regression.intercept_[0]),
        training=Training(
            data_file=data_file.name,
            data_sha256=digest,
            examples=len(examples),
            emergencies=int(data.labels.sum()),
            trained_on=today.isoformat(),
            regularisation_c=setting.c,
            cross_validated={
                "average_precision": round(_ranking_quality(scores, data.labels), 4),
                "low_recall": round(low_recall, 4),
                "low_false_alarms": round(low_alarms, 4),
                "high_recall": round(high_recall, 4),
                "high_false_alarms": round(high_alarms, 4),
            },
        ),
    )
