"""A mistyped reference is caught by its check character, and what was meant is among the
references offered: the same characters with the right check character, and every valid
reference one slip (a digit changed, two neighbours swapped) away with the check typed."""

from __future__ import annotations

from datetime import date

import pytest

from services.console.lookup import check_reference, nearest_references
from shared.references import format_reference, validate_reference

DAY = date(2026, 11, 30)
MEANT = format_reference("LP", DAY, 123)  # LP-20261130-000123-5


def test_a_valid_reference_passes_forgiving_case_and_spaces() -> None:
    checked = check_reference(f"  {MEANT.lower()} ")

    assert checked.valid
    assert checked.reference == MEANT
    assert checked.candidates == []


def test_one_digit_mistyped_is_caught_and_what_was_meant_offered() -> None:
    typed = MEANT.replace("000123", "000124")  # the check character is the one read out

    checked = check_reference(typed)

    assert not checked.valid
    assert checked.problem is not None
    assert "check character" in checked.problem
    assert checked.typed == typed
    assert MEANT in checked.candidates
    assert checked.candidates[0] == format_reference("LP", DAY, 124)  # same digits, right check


def test_two_neighbours_swapped_is_caught_and_what_was_meant_offered() -> None:
    meant = format_reference("LP", DAY, 132)
    typed = meant.replace("000132", "000123")

    assert meant in check_reference(typed).candidates


def test_a_slip_in_the_date_is_caught_and_what_was_meant_offered() -> None:
    meant = format_reference("LP", date(2026, 11, 29), 7)
    typed = meant.replace("20261129", "20261128")

    assert meant in check_reference(typed).candidates


def test_a_wrong_check_character_offers_the_right_one_first() -> None:
    checked = check_reference(MEANT[:-1] + "X")

    assert checked.candidates[0] == MEANT


def test_every_candidate_is_valid_and_keeps_the_check_typed() -> None:
    typed = MEANT.replace("000123", "000124")

    candidates = check_reference(typed)
    assert candidates.candidates
    for candidate in candidates.candidates:
        validate_reference(candidate)  # raises if not valid
    assert all(c.endswith("-5") for c in candidates.candidates[1:])
    assert len(set(candidates.candidates)) == len(candidates.candidates)


def test_no_candidate_has_an_impossible_date() -> None:
    typed = format_reference("LP", date(2026, 1, 31), 5)[:-1] + "X"

    for candidate in check_reference(typed).candidates:
        validate_reference(candidate)
    assert all("-20261331-" not in c for c in check_reference(typed).candidates)


@pytest.mark.parametrize("typed", ["LP-2026113-000123-5", "hello", "LP20261130000123K", ""])
def test_what_is_not_shaped_like_a_reference_gets_no_candidates(typed: str) -> None:
    checked = check_reference(typed)

    assert not checked.valid
    assert checked.typed is None
    assert checked.candidates == []


def test_a_valid_reference_that_is_unknown_is_offered_its_neighbours() -> None:
    neighbours = nearest_references(MEANT)

    assert MEANT not in neighbours
    assert format_reference("LP", DAY, 124) in neighbours
    assert format_reference("LP", DAY, 132) in neighbours
