"""The learned safety net: a report's emergency score is that of its most alarming passage.

It can only add urgency: the domain takes its verdict beside the rules and never lowers a
grade because of it. Refuses to start when the model file was trained on another version
of the embedding package, as a silent upgrade would shift every score.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.typing import NDArray

from services.classifier.domain import ModelVerdict
from services.classifier.embedding import PACKAGE, Embedder, installed_version
from services.classifier.passages import passages
from services.classifier.triage_model import TriageModel


class EmbeddingMismatchError(RuntimeError):
    """The model file was trained on an embedding this process does not have."""


class SafetyNet:
    """Scores texts with one model file and one embedder."""

    def __init__(self, model: TriageModel, embedder: Embedder) -> None:
        self.model = model
        self._embedder = embedder
        # One thread: the engine is CPU-bound, and the event loop stays free meanwhile.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="safety-net")

    def score(self, text: str) -> ModelVerdict:
        """The verdict on one report's text (its description and later information)."""
        return self.score_many([text])[0]

    def score_many(self, texts: Sequence[str]) -> list[ModelVerdict]:
        """The verdicts on many texts, embedded in one batch (for evaluation)."""
        cut = [passages(text, self.model.passages) for text in texts]
        flat = [part for parts in cut for part in parts]
        scores = self.model.probabilities(self._embedder.embed(flat), flat)
        verdicts, start = [], 0
        for parts in cut:
            verdicts.append(self._verdict(scores[start : start + len(parts)]))
            start += len(parts)
        return verdicts

    def _verdict(self, scores: NDArray[np.float64]) -> ModelVerdict:
        best = int(scores.argmax())
        return ModelVerdict(
            model_version=self.model.version,
            score=float(scores[best]),
            low=self.model.thresholds.low,
            high=self.model.thresholds.high,
            passage=best,
            passages=len(scores),
        )

    async def verdict(self, text: str) -> ModelVerdict:
        """`score` on the safety net's own thread."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.score, text)

    async def close(self) -> None:
        """Release the safety net's thread once consuming has stopped."""
        self._executor.shutdown(wait=False, cancel_futures=True)


def check_embedding(model: TriageModel) -> None:
    """Fail at start if the installed embedding package is not the model's."""
    spec = model.embedding
    if spec.package != PACKAGE or spec.version != installed_version():
        raise EmbeddingMismatchError(
            f"model {model.version} was trained on {spec.package} {spec.version}; "
            f"this process has {PACKAGE} {installed_version()}: retrain with "
            "`frontdesk triage train`"
        )
