"""Reference numbers: format, and a check character that catches typing mistakes."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.references import (
    CHECK_ALPHABET,
    InvalidReferenceError,
    format_reference,
    validate_reference,
)

forces = st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=4)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
sequences = st.integers(min_value=1, max_value=999_999)
TYPED_CHARACTERS = string.ascii_uppercase + string.digits + "-"


def test_a_reference_has_force_date_sequence_and_check() -> None:
    reference = format_reference("LP", date(2026, 11, 30), 123)

    assert reference.startswith("LP-20261130-000123-")
    assert reference[-1] in CHECK_ALPHABET


def test_the_check_alphabet_has_no_easily_confused_characters() -> None:
    assert not set(CHECK_ALPHABET) & set("O0I1LSZ")
    assert len(set(CHECK_ALPHABET)) == len(CHECK_ALPHABET) == 29


@given(forces, days, sequences)
def test_every_issued_reference_validates_back_to_its_parts(
    force: str, day: date, sequence: int
) -> None:
    parsed = validate_reference(format_reference(force, day, sequence))

    assert (parsed.force_code, parsed.issued_on, parsed.sequence) == (force, day, sequence)


@given(forces, days, sequences, st.data())
def test_every_single_character_error_is_caught(
    force: str, day: date, sequence: int, data: st.DataObject
) -> None:
    reference = format_reference(force, day, sequence)
    position = data.draw(st.integers(0, len(reference) - 1))
    typo = data.draw(st.sampled_from(TYPED_CHARACTERS).filter(lambda c: c != reference[position]))
    mistyped = reference[:position] + typo + reference[position + 1 :]

    with pytest.raises(InvalidReferenceError):
        validate_reference(mistyped)


@given(forces, days, sequences, st.data())
def test_every_swap_of_adjacent_characters_is_caught(
    force: str, day: date, sequence: int, data: st.DataObject
) -> None:
    reference = format_reference(force, day, sequence)
    position = data.draw(
        st.integers(0, len(reference) - 2).filter(lambda i: reference[i] != reference[i + 1])
    )
    swapped = (
        reference[:position]
        + reference[position + 1]
        + reference[position]
        + reference[position + 2 :]
    )

    with pytest.raises(InvalidReferenceError):
        validate_reference(swapped)


def test_exhaustively_for_one_reference_no_typo_or_swap_slips_through() -> None:
    reference = format_reference("LP", date(2026, 11, 30), 123)
    variants = {
        reference[:i] + c + reference[i + 1 :]
        for i in range(len(reference))
        for c in TYPED_CHARACTERS
        if c != reference[i]
    } | {
        reference[:i] + reference[i + 1] + reference[i] + reference[i + 2 :]
        for i in range(len(reference) - 1)
        if reference[i] != reference[i + 1]
    }
    accepted = []
    for variant in variants:
        try:
            validate_reference(variant)
            accepted.append(variant)
        except InvalidReferenceError:
            pass
    assert accepted == []


def test_lower_case_and_spaces_are_forgiven() -> None:
    reference = format_reference("LP", date(2026, 11, 30), 42)

    assert str(validate_reference(f"  {reference.lower()} ")) == reference


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("LP-2026113-000123-K", "looks like"),
        ("hello", "looks like"),
        ("LP-20261340-000001-A", "check character|date"),
    ],
)
def test_malformed_references_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(InvalidReferenceError, match=reason):
        validate_reference(text)
