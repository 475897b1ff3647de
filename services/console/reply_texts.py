"""The console's standard texts (`ReplyTexts`): what staff start a message to the reporter
from, per report type and situation, in English and Welsh, neutral where contact must be
safe.

`texts/catalogue.toml` says what each text is for; `texts/<language>.toml` holds its words,
with `${...}` placeholders (`string.Template`, so the notifier's `{status_link}` is left as
it is). Everything is loaded and checked once, at start: the same texts in every language,
only known placeholders, a neutral text using none that could give the reporter away, and
every request for information carrying the status-page link. A bad file stops the console
starting rather than a member of staff sending a broken message.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any, cast, get_args

from services.console.ports import (
    MissingDetailError,
    RenderedText,
    Situation,
    TemplateChoice,
    UnknownTemplateError,
)
from services.console.records import ReportRecord
from shared.events import (
    STATUS_LINK_MARKER,
    Contact,
    NoFurtherActionReason,
    Outcome,
    ReportType,
    neutral_wording_required,
)

TEXTS = Path(__file__).with_name("texts")
LANGUAGES = ("en", "cy")
#: What the texts may print, and (for those not known from the report) the detail it needs.
PLACEHOLDERS = frozenset(
    {"first_name", "reference", "force_name", "crime_reference", "agency", "reason"}
    | {"duplicate_of"}
)
DETAIL_PLACEHOLDERS = frozenset({"crime_reference", "agency", "duplicate_of"})
#: A neutral text prints no name, no force and nothing of what was reported.
NEUTRAL_PLACEHOLDERS = frozenset({"reference", "crime_reference", "duplicate_of"})


class TextsError(ValueError):
    """The standard texts' files are inconsistent: the console does not start."""


@dataclass(frozen=True)
class StandardText:
    """One standard text: what it is for, and its words in every language."""

    template: str
    title: str
    situation: Situation
    outcome: Outcome | None
    neutral: bool
    short: bool
    report_types: frozenset[str] | None  # None: every type
    words: Mapping[str, tuple[Template, Template]]  # language: (subject, body)
    reasons: Mapping[str, Mapping[str, str]]  # language: NoFurtherActionReason: sentence

    def offered_for(self, report_type: str | None, neutral: bool) -> bool:
        type_fits = self.report_types is None or report_type in self.report_types
        return type_fits and self.neutral == neutral

    def placeholders(self) -> set[str]:
        return {
            name
            for subject, body in self.words.values()
            for name in (*subject.get_identifiers(), *body.get_identifiers())
        }


def reporter_contact(record: ReportRecord) -> Contact | None:
    """The reporter's contact details as the event gave them; None for an anonymous report."""
    return None if record.contact is None else Contact.model_validate(record.contact)


def neutral_required(record: ReportRecord) -> bool:
    flags = [] if record.classification is None else record.classification.flags
    return neutral_wording_required(flags, reporter_contact(record))


def first_name(record: ReportRecord) -> str:
    name = "" if record.contact is None else str(record.contact.get("name") or "")
    return name.split()[0] if name.split() else ""


class StandardReplyTexts:
    """`ReplyTexts` over the texts folder, signed with the force's name."""

    def __init__(self, force_name: str, folder: Path = TEXTS) -> None:
        self._force_name = force_name
        self.texts = load_texts(folder)

    def choices(self, record: ReportRecord, situation: Situation) -> list[TemplateChoice]:
        """None for an anonymous report: there is nobody to write to."""
        if record.contact is None:
            return []
        neutral = neutral_required(record)
        return [
            TemplateChoice(
                template=text.template,
                title=text.title,
                situation=text.situation,
                outcome=None if text.outcome is None else text.outcome.value,
                neutral=text.neutral,
                languages=LANGUAGES,
            )
            for text in self.texts.values()
            if text.situation == situation and text.offered_for(record.report_type, neutral)
        ]

    def render(
        self, template: str, language: str, record: ReportRecord, details: Mapping[str, str]
    ) -> RenderedText:
        text = self.texts.get(template)
        offered = text is not None and record.contact is not None
        if (
            text is None
            or not offered
            or not text.offered_for(record.report_type, neutral_required(record))
        ):
            raise UnknownTemplateError(f"{template} is not a standard text for this report")
        if language not in text.words:
            raise UnknownTemplateError(f"{template} has no text in {language}")
        values = self._values(text, language, record, details)
        subject, body = text.words[language]
        return RenderedText(
            template=template,
            language=language,
            neutral=text.neutral,
            subject=subject.substitute(values),
            body=body.substitute(values),
        )

    def _values(
        self, text: StandardText, language: str, record: ReportRecord, details: Mapping[str, str]
    ) -> dict[str, str]:
        """What the text's placeholders print; MissingDetailError for a detail not given."""
        values = {"first_name": first_name(record), "force_name": self._force_name}
        values["reference"] = record.reference or ""
        values |= {name: details.get(name, "").strip() for name in DETAIL_PLACEHOLDERS}
        reason = details.get("reason_code", "")
        values["reason"] = text.reasons[language].get(reason, "")
        for name in sorted(text.placeholders()):
            if not values.get(name):
                raise MissingDetailError("reason_code" if name == "reason" else name)
        return values


def load_texts(folder: Path = TEXTS) -> dict[str, StandardText]:
    """The standard texts of `folder`, checked; TextsError naming the first fault."""
    catalogue = _toml(folder / "catalogue.toml").get("texts", {})
    books = {language: _toml(folder / f"{language}.toml") for language in LANGUAGES}
    for language, book in books.items():
        if set(book.get("texts", {})) != set(catalogue):
            raise TextsError(f"{language}.toml must hold exactly the texts of catalogue.toml")
        if set(book.get("reasons", {})) != {reason.value for reason in NoFurtherActionReason}:
            raise TextsError(f"{language}.toml must explain every NoFurtherActionReason")
    reasons = {language: dict(book["reasons"]) for language, book in books.items()}
    texts = {}
    for template, entry in catalogue.items():
        words = {
            language: _words(book["texts"][template], f"{language}.toml {template}")
            for language, book in books.items()
        }
        texts[template] = _checked(_text(template, entry, words, reasons))
    return texts


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise TextsError(f"{path.name}: {error}") from error


def _words(entry: dict[str, Any], where: str) -> tuple[Template, Template]:
    subject, body = entry.get("subject"), entry.get("body")
    if not isinstance(subject, str) or not isinstance(body, str) or not body.strip():
        raise TextsError(f"{where}: needs a subject and a body")
    return Template(subject.strip()), Template(body.strip())


def _text(
    template: str,
    entry: dict[str, Any],
    words: dict[str, tuple[Template, Template]],
    reasons: dict[str, dict[str, str]],
) -> StandardText:
    situation = entry.get("situation")
    if situation not in get_args(Situation):
        raise TextsError(f"{template}: situation must be one of {get_args(Situation)}")
    types = entry.get("types")
    if types is not None and not set(types) <= {t.value for t in ReportType}:
        raise TextsError(f"{template}: unknown report types {types}")
    try:
        outcome = None if entry.get("outcome") is None else Outcome(entry["outcome"])
    except ValueError as error:
        raise TextsError(f"{template}: {error}") from error
    return StandardText(
        template=template,
        title=str(entry.get("title") or template),
        situation=cast(Situation, situation),
        outcome=outcome,
        neutral=bool(entry.get("neutral", False)),
        short=bool(entry.get("short", False)),
        report_types=None if types is None else frozenset(types),
        words=words,
        reasons=reasons,
    )


def _checked(text: StandardText) -> StandardText:
    for subject, body in text.words.values():
        if not subject.is_valid() or not body.is_valid():
            raise TextsError(f"{text.template}: a `$` that is not a placeholder")
    used = text.placeholders()
    allowed = NEUTRAL_PLACEHOLDERS if text.neutral else PLACEHOLDERS
    if not used <= allowed:
        raise TextsError(f"{text.template}: may not print {sorted(used - allowed)}")
    if (text.situation == "outcome") != (text.outcome is not None):
        raise TextsError(f"{text.template}: an outcome text, and only one, names its outcome")
    informs = text.situation == "more_information"
    for _, body in text.words.values():
        if informs != (STATUS_LINK_MARKER in body.template):
            raise TextsError(f"{text.template}: {STATUS_LINK_MARKER} belongs in requests only")
    return text
