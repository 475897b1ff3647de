"""The parts of a report the safety net scores: the whole text and each sentence, bounded.

One alarming line in a long, calm report is diluted in an embedding of the whole text, so
the report is scored by its most alarming passage: the whole text (when it is short enough
to embed at once) and every sentence. The cost of an embedding grows with the number of
tokens, and intake accepts 64 KiB, so the number and length of passages are capped: when a
report has more sentences than `max_passages`, neighbouring sentences are scored together
in groups of nearly equal size, so every sentence is still read, in a passage of a few
sentences rather than of hundreds; only a report longer than `max_passages` groups of
`max_passage_words` words is sampled (its groups taken evenly from start to end).

Words stand in for tokens (a word is one to three of the model's tokens), so the caps are
far below the model's 512-token window and the cost is bounded without running the
tokenizer. The limits are part of the model file: training scores passages as the service
does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+|(?<=[;:])\s+")
#: A fragment this short ("Hi.", "Thanks.") is read with the sentence after it.
MIN_SENTENCE_WORDS = 4


@dataclass(frozen=True)
class PassageLimits:
    """How much of a report is embedded, at most."""

    whole_text_words: int = 250
    max_passage_words: int = 60
    max_passages: int = 16


def sentences(text: str, max_words: int) -> list[list[str]]:
    """The text's sentences as words; a run-on longer than `max_words` is cut into pieces."""
    pieces: list[list[str]] = []
    pending: list[str] = []
    for part in _SENTENCE_END.split(text):
        pending.extend(part.split())
        if len(pending) >= MIN_SENTENCE_WORDS:
            pieces.extend(_cut(pending, max_words))
            pending = []
    if pending:
        if pieces and len(pieces[-1]) + len(pending) <= max_words:
            pieces[-1] = pieces[-1] + pending
        else:
            pieces.append(pending)
    return pieces


def _cut(words: list[str], max_words: int) -> list[list[str]]:
    count = -(-len(words) // max_words)
    size = -(-len(words) // count)
    return [words[start : start + size] for start in range(0, len(words), size)]


def _grouped(pieces: list[list[str]], limits: PassageLimits) -> list[list[str]]:
    """At most `max_passages` passages of neighbouring sentences, each within the word cap."""
    groups: list[list[str]] = []
    per_group = -(-len(pieces) // limits.max_passages)
    for start in range(0, len(pieces), per_group):
        words = [word for piece in pieces[start : start + per_group] for word in piece]
        groups.extend(_cut(words, limits.max_passage_words))
    if len(groups) <= limits.max_passages:
        return groups
    step = len(groups) / limits.max_passages
    return [groups[int(index * step)] for index in range(limits.max_passages)]


def passages(text: str, limits: PassageLimits) -> list[str]:
    """What to score: the whole text when short enough, then each sentence (or group)."""
    pieces = sentences(text, limits.max_passage_words)
    words = sum(len(piece) for piece in pieces)
    parts = [" ".join(piece) for piece in _grouped(pieces, limits)] if pieces else []
    if len(parts) <= 1:
        return parts or [text.strip()]
    whole = [" ".join(text.split())] if words <= limits.whole_text_words else []
    return whole + parts
