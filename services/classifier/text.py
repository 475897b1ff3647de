"""Reading free text the way people write it: case, punctuation, contractions, common
misspellings, phrases rather than words, and negation.

Text is split into clauses (at sentence punctuation, commas, semicolons and "but"); a
phrase matches a run of words inside one clause; a match is negated when a negation cue
("no", "not", "nobody", "never", "without"...) stands within a few words before it in the
same clause, so "nobody was hurt" is no injury, while "he has a knife" is a weapon and
"I lost my knife" matches no weapon phrase at all.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NEGATION_CUES = frozenset(
    {"no", "not", "nobody", "noone", "none", "never", "without", "neither", "nor", "nothing"}
)
#: How many words before a phrase a negation cue may stand and still negate it.
NEGATION_WINDOW = 4

_CONTRACTIONS = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bcan't\b", "can not"),
        (r"\bcannot\b", "can not"),
        (r"\bwon't\b", "will not"),
        (r"\bshan't\b", "shall not"),
        (r"n't\b", " not"),
        (r"\bno one\b", "noone"),
        (r"\bno-one\b", "noone"),
        (r"'s\b", " s"),
        (r"'re\b", " are"),
        (r"'ve\b", " have"),
        (r"'ll\b", " will"),
        (r"'m\b", " am"),
        (r"'d\b", " would"),
    )
)
_CLAUSE_BREAK = re.compile(r"[.!?;,:\n]+|\bbut\b|\bhowever\b|\balthough\b")
_NOT_A_WORD = re.compile(r"[^a-z0-9 ]+")


def _normalised(text: str) -> str:
    lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    for pattern, replacement in _CONTRACTIONS:
        lowered = pattern.sub(replacement, lowered)
    return lowered


def _corrected(words: list[str], spelling: Mapping[str, str]) -> list[str]:
    corrected: list[str] = []
    for word in words:
        corrected.extend(spelling.get(word, word).split())
    return corrected


def clauses(text: str, spelling: Mapping[str, str]) -> list[list[str]]:
    """The text as clauses of normalised, spelling-corrected words."""
    result = []
    for part in _CLAUSE_BREAK.split(_normalised(text)):
        words = _corrected(_NOT_A_WORD.sub(" ", part).split(), spelling)
        if words:
            result.append(words)
    return result


@dataclass(frozen=True)
class PhraseMatch:
    """A phrase found in the text, and whether a negation cue governs it."""

    phrase: str
    negated: bool


def _positions(words: list[str], phrase: list[str]) -> Iterable[int]:
    length = len(phrase)
    for start in range(len(words) - length + 1):
        if words[start : start + length] == phrase:
            yield start


def _negated(words: list[str], start: int) -> bool:
    window = words[max(0, start - NEGATION_WINDOW) : start]
    return any(word in NEGATION_CUES for word in window)


@functools.lru_cache(maxsize=8192)
def _phrase_words(phrase: str) -> tuple[str, ...]:
    """A rule book phrase as normalised words (the rule book's phrases are few and fixed,
    so each is normalised once, not once per report)."""
    return tuple(_NOT_A_WORD.sub(" ", _normalised(phrase)).split())


def find_phrases(
    text_clauses: list[list[str]], phrases: Iterable[str], spelling: Mapping[str, str]
) -> list[PhraseMatch]:
    """Every occurrence of any of `phrases` in the clauses, each marked negated or not."""
    matches = []
    for phrase in phrases:
        wanted = _corrected(list(_phrase_words(phrase)), spelling)
        for words in text_clauses:
            for start in _positions(words, wanted):
                matches.append(PhraseMatch(phrase, _negated(words, start)))
    return matches
