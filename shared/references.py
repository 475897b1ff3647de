"""Reference numbers people read out over the phone: `LP-20261130-000123-K`.

Format: force code (2-4 letters), the issue date (YYYYMMDD, UK local date), a six-digit
sequence per force and day, and a check character.

Check algorithm: a weighted sum modulo 29 over the force code and the digits (letters A-Z
count 0-25, digits 0-9; the i-th character, 1-based, has weight i), written with a 29-symbol
alphabet that leaves out characters easily confused with others (O and 0, I and L and 1,
S, Z). Because 29 is prime, every weight is non-zero modulo 29, neighbouring weights differ,
and two characters of one kind differ by at most 25: so changing any one character changes
the sum modulo 29, and swapping two different neighbours changes it by (w_i - w_j)(a - b),
never a multiple of 29. A letter swapped with a digit or a hyphen breaks the format instead,
and a wrong check character is a mismatch. Every single-character error and every swap of
adjacent characters is therefore caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MODULUS = 29
MAX_SEQUENCE = 999_999
CHECK_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY23456789"
assert len(CHECK_ALPHABET) == MODULUS

_PATTERN = re.compile(r"^([A-Z]{2,4})-(\d{8})-(\d{6})-(.)$")


class InvalidReferenceError(ValueError):
    """A string that is not a valid reference; the message says why."""


@dataclass(frozen=True)
class Reference:
    """A parsed, valid reference."""

    force_code: str
    issued_on: date
    sequence: int

    def __str__(self) -> str:
        payload = f"{self.force_code}-{self.issued_on:%Y%m%d}-{self.sequence:06d}"
        return f"{payload}-{check_character(payload)}"


def _value(character: str) -> int:
    return int(character) if character.isdigit() else ord(character) - ord("A")


def check_character(payload: str) -> str:
    """The check character of `FORCE-YYYYMMDD-NNNNNN` (hyphens do not count)."""
    characters = [c for c in payload if c != "-"]
    total = sum(weight * _value(c) for weight, c in enumerate(characters, start=1))
    return CHECK_ALPHABET[total % MODULUS]


def format_reference(force_code: str, issued_on: date, sequence: int) -> str:
    """The reference for a force's `sequence`-th report of the day."""
    if not re.fullmatch(r"[A-Z]{2,4}", force_code):
        raise ValueError("force code must be 2 to 4 capital letters")
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise ValueError("sequence must be between 1 and 999999")
    return str(Reference(force_code, issued_on, sequence))


def validate_reference(text: str) -> Reference:
    """Parse a reference as typed by a person; raises InvalidReferenceError saying what is wrong.

    Lower case and surrounding spaces are forgiven; nothing else is.
    """
    candidate = text.strip().upper()
    match = _PATTERN.match(candidate)
    if match is None:
        raise InvalidReferenceError(
            "a reference looks like LP-20261130-000123-K: force code, date, "
            "six-digit number and a check character, separated by hyphens"
        )
    force_code, day, number, check = match.groups()
    if check_character(candidate[:-2]) != check:
        raise InvalidReferenceError("the check character does not match: a character is mistyped")
    try:
        issued_on = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError as error:
        raise InvalidReferenceError("the date part is not a real date") from error
    if int(number) == 0:
        raise InvalidReferenceError("the number part cannot be 000000")
    return Reference(force_code, issued_on, int(number))
