"""Hashed word features: the words and word pairs of a passage, beside its embedding.

A sentence embedding says what a passage is about (violence, a missing child) more than
when it happens, and the line between an emergency and a report about one is often drawn
by a few words in any language: "now", "nawr", "last week", "found him", "teraz". Each
lower-cased word and pair of neighbouring words is hashed (CRC-32, stable across
processes and platforms) into one of a fixed number of buckets; a passage is the
L2-normalised count of its buckets. No vocabulary to keep, any language, and the same
numbers in training and in the service.
"""

from __future__ import annotations

import itertools
import math
import re
import zlib
from collections import Counter

_WORD = re.compile(r"\w+")


def word_buckets(text: str, buckets: int) -> dict[int, float]:
    """The passage's buckets and their weights (the counts, L2-normalised)."""
    words = _WORD.findall(text.lower())
    terms = [*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))]
    counts = Counter(zlib.crc32(term.encode()) % buckets for term in terms)
    norm = math.sqrt(sum(count * count for count in counts.values()))
    return {bucket: count / norm for bucket, count in counts.items()} if norm else {}
