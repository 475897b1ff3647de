"""What free text, names and email addresses may hold (shared.text): control and bidi
characters refused, every alphabet kept, email domains kept in ASCII form."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from shared.events import Contact, ContactMethod
from shared.text import (
    EmailAddress,
    MultiLineText,
    PersonName,
    SendableEmailAddress,
    SingleLineText,
    strip_unsafe,
)

SINGLE = TypeAdapter[str](SingleLineText)
MULTI = TypeAdapter[str](MultiLineText)
NAME = TypeAdapter[str](PersonName)
EMAIL = TypeAdapter[str](EmailAddress)
SENDABLE = TypeAdapter[str](SendableEmailAddress)

UNSAFE = [
    "\r",
    "\n",
    "\x00",
    "\x1b",
    "\x07",
    "\x7f",
    "\x85",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]
NAMES = [
    "Siân Ŵyn ap Dafydd",
    "Gwenllïan Ŷr",
    "Seán Ó Briain",
    "Łucja Wąż-Żółć",
    "محمد عمران",
    "王小明",
    "D'Arcy O\u2019Neil",
    "J. R. Hartley",
]


@pytest.mark.parametrize("character", UNSAFE)
def test_finding_5_names_and_single_lines_refuse_control_and_bidi_characters(
    character: str,
) -> None:
    for adapter in (NAME, SINGLE):
        with pytest.raises(ValidationError, match="control or bidirectional"):
            adapter.validate_python(f"Alex{character}Example")


@pytest.mark.parametrize("character", [c for c in UNSAFE if c != "\n"])
def test_finding_5_multi_line_text_refuses_them_too_but_keeps_newlines_and_tabs(
    character: str,
) -> None:
    with pytest.raises(ValidationError, match="control or bidirectional"):
        MULTI.validate_python(f"It happened{character}here")
    assert MULTI.validate_python("Line one\n\tLine two") == "Line one\n\tLine two"
    assert MULTI.validate_python("Line one\r\nLine two") == "Line one\nLine two"


@pytest.mark.parametrize("name", NAMES)
def test_finding_5_names_in_every_alphabet_are_kept(name: str) -> None:
    assert NAME.validate_python(name) == name


@pytest.mark.parametrize("name", ["Bob <b@evil.example>", "Call 0800 000", "...", "A:B"])
def test_finding_5_names_hold_only_letters_marks_and_name_punctuation(name: str) -> None:
    with pytest.raises(ValidationError, match="only letters") as error:
        NAME.validate_python(name)
    assert name not in str(error.value.errors()[0]["msg"])


def test_finding_5_rendering_strips_what_input_rules_would_refuse() -> None:
    assert strip_unsafe("Dear \u202eAlex\x1b[2J\r,\n") == "Dear Alex[2J,\n"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("alex@xn--80ak6aa92e.com", "alex@xn--80ak6aa92e.com"),
        ("alex@\u0430\u0440\u0440\u04cf\u0435.com", "alex@xn--80ak6aa92e.com"),
        ("Alex@Example.ORG", "Alex@example.org"),
    ],
)
def test_finding_10_email_domains_are_kept_in_ascii_form(given: str, kept: str) -> None:
    assert SENDABLE.validate_python(given) == kept
    assert EMAIL.validate_python(given) == kept
    assert Contact(name="A", email=given, preferred_channel=ContactMethod.EMAIL).email == kept


def test_finding_10_a_local_part_that_needs_smtputf8_is_refused_at_intake_only() -> None:
    with pytest.raises(ValidationError, match="cannot be served") as error:
        SENDABLE.validate_python("jörg@example.de")

    assert "jörg" not in error.value.errors()[0]["msg"]
    assert EMAIL.validate_python("jörg@example.de") == "jörg@example.de"


@pytest.mark.parametrize("given", ["not an email", "a@b", "x\r\n@example.org", "<a>@example.org"])
def test_an_invalid_email_is_refused_without_quoting_it(given: str) -> None:
    with pytest.raises(ValidationError) as error:
        SENDABLE.validate_python(given)
    problem: dict[str, Any] = dict(error.value.errors()[0])
    assert problem["msg"] == "Value error, not a valid email address"
