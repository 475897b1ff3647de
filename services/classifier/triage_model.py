"""The learned safety net as data: one versioned JSON file, read and checked at start.

A logistic regression over a passage's sentence embedding (standardised) and its hashed
word features (`words.py`, scaled by one weight): the scaler and weights, the two operating
points (a low threshold tuned for recall, a high one for few false alarms), how passages
are cut, the embedding package and version the weights were learned from, and what they
were trained on (the training file's hash, the date, the cross-validated figures). The
file is written by `frontdesk triage train`; `CLASSIFIER_MODEL_FILE` points at another.
No I/O beyond reading the file, and numpy only: scikit-learn trains the model, it never
runs in the service.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.classifier.passages import PassageLimits
from services.classifier.words import word_buckets

MODEL_FILE = Path(__file__).with_name("triage_model.json")
Vectors = NDArray[np.float32]


class EmbeddingSpec(BaseModel):
    """Which embedding the weights were learned on; another one would make them meaningless."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    package: str
    version: str
    model: str
    prefix: str
    dimensions: int = Field(gt=0)


class Training(BaseModel):
    """Where the model came from, so a supervisor or an auditor can trace it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data_file: str
    data_sha256: str
    examples: int
    emergencies: int
    trained_on: str
    regularisation_c: float
    cross_validated: dict[str, float]


class WordFeatures(BaseModel):
    """How words are hashed beside the embedding, and how much they weigh."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    buckets: int = Field(ge=0, description="Hash buckets; 0 means no word features.")
    weight: float = Field(ge=0, description="Scale of the word features against the embedding.")


class Thresholds(BaseModel):
    """The two operating points on the model's score."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: float = Field(ge=0, le=1, description="Possible emergency: tuned for recall.")
    high: float = Field(ge=0, le=1, description="Emergency, grade 1: tuned for few false alarms.")

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.low > self.high:
            raise ValueError("the low threshold must not exceed the high one")
        return self


class TriageModel(BaseModel):
    """A logistic regression on standardised embeddings, with its operating points."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["frontdesk-triage-model/1"] = "frontdesk-triage-model/1"
    version: str
    embedding: EmbeddingSpec
    passages: PassageLimits
    words: WordFeatures
    thresholds: Thresholds
    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float
    training: Training

    @model_validator(mode="after")
    def _dimensions(self) -> TriageModel:
        size = self.embedding.dimensions
        if not len(self.mean) == len(self.scale) == size:
            raise ValueError(f"mean and scale must each have {size} values")
        if len(self.weights) != size + self.words.buckets:
            raise ValueError(f"weights must have {size + self.words.buckets} values")
        return self

    def probabilities(self, vectors: Vectors, texts: list[str]) -> NDArray[np.float64]:
        """The probability that each passage (embedded, and its text) describes an emergency."""
        weights = np.asarray(self.weights)
        size = self.embedding.dimensions
        standardised = (vectors.astype(np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        logits = standardised @ weights[:size] + self.bias
        if self.words.buckets:
            logits += self.words.weight * np.array(
                [self._word_logit(text, weights[size:]) for text in texts]
            )
        probabilities: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-logits))
        return probabilities

    def _word_logit(self, text: str, weights: NDArray[np.float64]) -> float:
        buckets = word_buckets(text, self.words.buckets)
        return float(sum(weights[bucket] * value for bucket, value in buckets.items()))


def load_model(path: Path = MODEL_FILE) -> TriageModel:
    """Read and check a model file."""
    return TriageModel.model_validate_json(path.read_bytes())
