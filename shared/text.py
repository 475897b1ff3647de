"""Text from outside: which characters free text, names and email addresses may hold.

What people type ends up in emails sent under the force's name and on call handlers'
screens, so characters that can rewrite how text reads are refused at the door: control
characters (a CR/LF forges lines and headers, ESC drives terminals) and the Unicode
bidirectional controls that make text display in another order than it is stored.
Every alphabet stays welcome: the rules are about control, not about script.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

import email_validator
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

#: Bidirectional embeddings, overrides and isolates, the implicit marks and the Arabic
#: letter mark: invisible, they reorder what a reader sees.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)
#: Line and paragraph separators, which break a single line as a newline does.
LINE_BREAKS = frozenset("\u2028\u2029")
#: What a multi-line text may hold besides printable characters.
MULTI_LINE_ALLOWED = frozenset("\n\t")
#: Punctuation a name may hold: apostrophes (straight and typographic), hyphens, full stop,
#: comma and the middle dot of Catalan and of names transliterated into Chinese.
NAME_PUNCTUATION = frozenset(" '\u2019-\u2010.,\u00b7")
#: Joiners some scripts need inside words (Persian and Urdu spelling, Indic conjuncts).
NAME_JOINERS = frozenset("\u200c\u200d")

UNSAFE_CHARACTERS = "must not contain control or bidirectional-override characters"
NOT_A_NAME = "may hold only letters, marks, spaces, apostrophes, hyphens and full stops"
NOT_AN_EMAIL = "not a valid email address"
NEEDS_SMTPUTF8 = (
    "an address whose part before the @ is not plain ASCII cannot be served: "
    "give another email address or a phone number"
)


def _is_control(character: str) -> bool:
    """C0, DEL and C1 controls, and the bidirectional controls."""
    return unicodedata.category(character) == "Cc" or character in BIDI_CONTROLS


def _single_line(value: str) -> str:
    if any(_is_control(c) or c in LINE_BREAKS for c in value):
        raise ValueError(UNSAFE_CHARACTERS)
    return value


def _multi_line(value: str) -> str:
    if any(_is_control(c) and c not in MULTI_LINE_ALLOWED for c in value):
        raise ValueError(UNSAFE_CHARACTERS)
    return value


def _unix_newlines(value: Any) -> Any:
    """Browsers send a textarea's line ends as CR LF: one newline, not a stray CR."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _name_character(character: str) -> bool:
    category = unicodedata.category(character)
    return category[0] in "LM" or character in NAME_PUNCTUATION or character in NAME_JOINERS


def _person_name(value: str) -> str:
    if any(_is_control(c) for c in value):
        raise ValueError(UNSAFE_CHARACTERS)
    letters = any(unicodedata.category(c)[0] == "L" for c in value)
    if not letters or not all(_name_character(c) for c in value):
        raise ValueError(NOT_A_NAME)
    return value


def strip_unsafe(value: str) -> str:
    """The text without control or bidirectional characters (newlines and tabs kept):
    defence in depth where text is rendered, behind the rules the inputs already apply."""
    return "".join(c for c in value if not _is_control(c) or c in MULTI_LINE_ALLOWED)


#: One line of free text: a place, a make, a time of day.
SingleLineText = Annotated[str, AfterValidator(_single_line)]
#: Free text over several lines (newlines and tabs allowed): a description, new information.
MultiLineText = Annotated[str, BeforeValidator(_unix_newlines), AfterValidator(_multi_line)]
#: A person's name, in any alphabet.
PersonName = Annotated[str, AfterValidator(_person_name)]


def _validated(value: str) -> email_validator.ValidatedEmail:
    try:
        return email_validator.validate_email(value, check_deliverability=False)
    except email_validator.EmailNotValidError:
        raise ValueError(NOT_AN_EMAIL) from None  # its reason quotes the input: not echoed


def _ascii_form(value: str) -> str:
    """Normalised, with the domain in its ASCII (IDNA, `xn--`) form, never in Unicode: the
    Unicode form of a domain can imitate another (`xn--80ak6aa92e.com` reads as apple.com)
    and needs SMTPUTF8 to be sent at all."""
    validated = _validated(value)
    return validated.ascii_email or validated.normalized


def _sendable_without_smtputf8(value: str) -> str:
    validated = _validated(value)
    if validated.ascii_email is None:  # a non-ASCII local part has no ASCII form
        raise ValueError(NEEDS_SMTPUTF8)
    return validated.ascii_email


_EMAIL_SCHEMA = WithJsonSchema({"type": "string", "format": "email"})
#: An email address as events carry it: its domain kept in ASCII form.
EmailAddress = Annotated[str, AfterValidator(_ascii_form), _EMAIL_SCHEMA]
#: An email address our relay can always serve: plain ASCII, no SMTPUTF8 needed. Any
#: domain works (an internationalised one in its `xn--` form); a non-ASCII local part
#: is refused, because no relay on our path promises SMTPUTF8.
SendableEmailAddress = Annotated[str, AfterValidator(_sendable_without_smtputf8), _EMAIL_SCHEMA]
