"""The console's standard texts: every one renders in English and Welsh for every report
type it is offered for, with nothing left unfilled; neutral ones give nothing away;
requests for information carry the status-page link; the files are checked at start."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from services.console.ports import MissingDetailError, UnknownTemplateError
from services.console.records import ReportRecord
from services.console.reply_texts import TEXTS, StandardReplyTexts, TextsError, load_texts
from shared.events import STATUS_LINK_MARKER, NoFurtherActionReason, Outcome, ReportType
from shared.sms import sms_segments
from tests.console_factories import report_record

FORCE = "Gwent Police"
DETAILS = {
    "crime_reference": "CR/12345/26",
    "agency": "Citizens Advice",
    "duplicate_of": "LP-20261129-000042-3",
    "reason_code": NoFurtherActionReason.CIVIL_MATTER.value,
}
#: Words a neutral text must never hold: who sends it, what it is about, how to call them.
FORBIDDEN_IN_NEUTRAL = (
    *("police", "heddlu", "crime", "trosedd", "officer", "swyddog", "investigat", "ymchwil"),
    *("victim", "dioddef", "fraud", "twyll", "report", "adroddiad", "101", "999"),
    *(FORCE.lower(), "alex", "gwent", "abuse", "camdrin"),
)
TEXTS_OF = StandardReplyTexts(FORCE)


def reporter(report_type: str, *, neutral: bool, language: str = "en") -> ReportRecord:
    base = report_record(report_type=report_type)
    assert base.contact is not None
    assert base.classification is not None
    contact: dict[str, Any] = {**base.contact, "language": language}
    contact["safe_times"] = "after 6pm" if neutral else None
    return replace(base, contact=contact)


def rendered_cases() -> list[Any]:
    cases = []
    for report_type in ReportType:
        for neutral in (False, True):
            record = reporter(report_type.value, neutral=neutral)
            for situation in ("reply", "more_information", "outcome"):
                for choice in TEXTS_OF.choices(record, situation):
                    for language in choice.languages:
                        case_id = f"{report_type.value}-{choice.template}-{language}"
                        cases.append(pytest.param(record, choice.template, language, id=case_id))
    return cases


@pytest.mark.parametrize(("record", "template", "language"), rendered_cases())
def test_every_text_renders_with_no_placeholder_left(
    record: ReportRecord, template: str, language: str
) -> None:
    text = TEXTS_OF.render(template, language, record, DETAILS)

    for part in (text.subject, text.body):
        assert "$" not in part
        assert not re.search(r"\{(?!status_link\})[^}]*\}", part), part
    assert record.reference is not None
    assert record.reference in text.body
    if text.neutral:
        words = f"{text.subject} {text.body}".lower()
        assert [w for w in FORBIDDEN_IN_NEUTRAL if w in words] == []
    else:
        assert FORCE in text.body
        assert TEXTS_OF.texts[template].short or text.body.startswith(
            ("Dear Alex,", "Annwyl Alex,")
        )


def test_every_report_type_is_offered_texts_in_every_situation_and_both_languages() -> None:
    for report_type in ReportType:
        for neutral in (False, True):
            record = reporter(report_type.value, neutral=neutral)
            for situation in ("reply", "more_information", "outcome"):
                choices = TEXTS_OF.choices(record, situation)
                assert choices, (report_type, neutral, situation)
                assert all(choice.neutral is neutral for choice in choices)
                assert all(choice.languages == ("en", "cy") for choice in choices)


def test_there_is_an_outcome_text_for_every_outcome_neutral_or_not() -> None:
    for neutral in (False, True):
        choices = TEXTS_OF.choices(reporter("crime", neutral=neutral), "outcome")
        assert sorted(c.outcome or "" for c in choices) == sorted(o.value for o in Outcome)


def test_texts_of_one_report_type_are_offered_for_that_type_only() -> None:
    fraud = {c.template for c in TEXTS_OF.choices(reporter("fraud", neutral=False), "reply")}
    crime = {c.template for c in TEXTS_OF.choices(reporter("crime", neutral=False), "reply")}

    assert "fraud.report_fraud" in fraud
    assert "fraud.report_fraud" not in crime
    assert "crime.update" in crime
    assert "crime.update" not in fraud
    assert {"update", "tried_to_call"} <= fraud & crime
    with pytest.raises(UnknownTemplateError):
        TEXTS_OF.render("fraud.report_fraud", "en", reporter("crime", neutral=False), {})


def test_the_fraud_referral_names_report_fraud_in_both_languages() -> None:
    record = reporter("fraud", neutral=False)
    for language in ("en", "cy"):
        assert "Report Fraud" in TEXTS_OF.render("fraud.report_fraud", language, record, {}).body


def test_where_contact_must_be_safe_a_full_text_is_refused() -> None:
    record = reporter("crime", neutral=True)
    with pytest.raises(UnknownTemplateError):
        TEXTS_OF.render("crime.update", "en", record, {})
    safe_flag = replace(
        reporter("crime", neutral=False),
        classification=replace(
            report_record().classification,
            flags=["safe_contact_required"],  # type: ignore[type-var]
        ),
    )
    assert all(c.neutral for c in TEXTS_OF.choices(safe_flag, "reply"))


def test_an_anonymous_report_is_offered_no_text() -> None:
    record = report_record(contact=None)
    assert TEXTS_OF.choices(record, "reply") == []
    with pytest.raises(UnknownTemplateError):
        TEXTS_OF.render("update", "en", record, {})


@pytest.mark.parametrize("language", ["en", "cy"])
def test_requests_for_information_carry_the_status_link(language: str) -> None:
    for neutral in (False, True):
        record = reporter("fraud", neutral=neutral)
        for choice in TEXTS_OF.choices(record, "more_information"):
            body = TEXTS_OF.render(choice.template, language, record, {}).body
            assert STATUS_LINK_MARKER in body
    crime = reporter("crime", neutral=False)
    for choice in TEXTS_OF.choices(crime, "reply"):
        assert STATUS_LINK_MARKER not in TEXTS_OF.render(choice.template, language, crime, {}).body


@pytest.mark.parametrize("reason", list(NoFurtherActionReason))
@pytest.mark.parametrize("language", ["en", "cy"])
def test_no_further_action_gives_the_reason_in_plain_words(
    reason: NoFurtherActionReason, language: str
) -> None:
    record = reporter("crime", neutral=False, language=language)
    body = TEXTS_OF.render(
        "outcome.no_further_action", language, record, {"reason_code": reason.value}
    ).body
    words = TEXTS_OF.texts["outcome.no_further_action"].reasons[language][reason.value]
    assert words in body
    assert reason.value not in body  # the words, never the code


@pytest.mark.parametrize(
    ("template", "detail"),
    [
        ("outcome.crime_recorded", "crime_reference"),
        ("outcome.no_further_action", "reason_code"),
        ("outcome.referred", "agency"),
        ("outcome.duplicate", "duplicate_of"),
    ],
)
def test_an_outcome_text_without_its_detail_names_the_detail(template: str, detail: str) -> None:
    with pytest.raises(MissingDetailError) as raised:
        TEXTS_OF.render(template, "en", reporter("crime", neutral=False), {})
    assert raised.value.detail == detail


def test_short_texts_fit_in_two_text_messages() -> None:
    record = reporter("crime", neutral=False)
    shorts = [text for text in TEXTS_OF.texts.values() if text.short]
    assert len(shorts) >= 5
    for text in shorts:
        neutral_record = reporter("crime", neutral=text.neutral)
        for language in ("en", "cy"):
            body = TEXTS_OF.render(
                text.template, language, neutral_record if text.neutral else record, DETAILS
            ).body
            assert sms_segments(body) <= 2, (text.template, language, body)


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "texts"
    shutil.copytree(TEXTS, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "fault"),
    [
        ("en.toml", "Hello, this is an update", "Hello from ${force_name}, an update", "may not"),
        ("cy.toml", "Atebwch ef yma: {status_link}", "Atebwch ef.", "belongs in requests"),
        ("en.toml", "further. ${reason}", "further. ${reasons}", "may not print"),
        ("cy.toml", '[texts."update"]', '[texts."updated"]', "exactly the texts"),
        ("catalogue.toml", 'situation = "reply"', 'situation = "chat"', "situation must"),
        ("en.toml", "civil_matter =", "civil =", "every NoFurtherActionReason"),
    ],
)
def test_a_bad_texts_file_stops_the_console_starting(
    tmp_path: Path, file: str, old: str, new: str, fault: str
) -> None:
    folder = _copy(tmp_path)
    load_texts(folder)  # the copy as it is loads
    _edit(folder / file, old, new)
    with pytest.raises(TextsError, match=fault):
        load_texts(folder)
