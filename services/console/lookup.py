"""Finding a report by the reference someone reads out or types: a mistyped reference is
caught by its check character (`shared.references`), and the nearest valid references are
offered: the same characters with the right check character, and every reference one slip
away (one digit of the date or number changed, or two neighbouring digits swapped) whose
check character is the one typed. The caller keeps only those that exist."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shared.references import InvalidReferenceError, check_character, validate_reference

_SHAPE = re.compile(r"^([A-Z]{2,4})-(\d{8})-(\d{6})-(.)$")
DIGITS = "0123456789"


@dataclass(frozen=True)
class ReferenceCheck:
    """A typed reference, checked: `reference` when valid; otherwise `problem` says why,
    and `candidates` are the valid references it may have meant (existing or not)."""

    typed: str | None  # upper-cased and trimmed, if it has a reference's shape; else None
    reference: str | None = None
    problem: str | None = None
    candidates: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.reference is not None


def check_reference(text: str) -> ReferenceCheck:
    """Whether `text` is a valid reference and, if it is not, what it may have meant."""
    typed = text.strip().upper()
    shaped = _SHAPE.match(typed) is not None
    try:
        reference = str(validate_reference(text))
    except InvalidReferenceError as error:
        return ReferenceCheck(
            typed=typed if shaped else None,
            problem=str(error),
            candidates=nearest_references(typed) if shaped else [],
        )
    return ReferenceCheck(typed=reference, reference=reference)


def nearest_references(typed: str) -> list[str]:
    """The valid references one slip from `typed` (a reference's shape, any check
    character): its characters with the right check character first, then those one digit
    edit away that keep the check character typed. A valid `typed` has none of the second
    kind (its check character catches every such slip), so for one, the references one
    digit edit away are offered with their own check characters."""
    match = _SHAPE.match(typed)
    if match is None:
        return []
    force, day, number, check = match.groups()
    payload = f"{force}-{day}-{number}"
    keep_check = check_character(payload) != check
    found = [f"{payload}-{check_character(payload)}"] if keep_check else []
    for digits in _one_slip_away(day + number):
        candidate = f"{force}-{digits[:8]}-{digits[8:]}"
        right = check_character(candidate)
        if keep_check and right != check:
            continue
        found.append(f"{candidate}-{right}")
    return [reference for reference in dict.fromkeys(found) if _valid(reference)]


def _one_slip_away(digits: str) -> list[str]:
    """Every string of digits one change or one swap of neighbours from `digits`."""
    changed = [
        digits[:i] + other + digits[i + 1 :]
        for i, own in enumerate(digits)
        for other in DIGITS
        if other != own
    ]
    swapped = [
        digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        for i in range(len(digits) - 1)
        if digits[i] != digits[i + 1]
    ]
    return changed + swapped


def _valid(reference: str) -> bool:
    try:
        validate_reference(reference)
    except InvalidReferenceError:
        return False
    return True
