"""The notifier's replies: which channel, what words (English and Welsh, neutral where
contact is unsafe, the call-999 words from the one catalogue), the decisions a reply
carries to its channel, and how many SMS segments."""

from __future__ import annotations

import re
from dataclasses import astuple, fields, replace
from typing import Any

import pytest

from services.classifier import rules
from services.notifier.domain import (
    Addressee,
    Classification,
    Recipient,
    ReportFacts,
    Sender,
    addressee,
    choose_recipient,
)
from services.notifier.templates import TEMPLATES, ReplyRenderer, _html_text
from shared.events import AUTOMATIC_REPLY_KINDS, CauseRef, ContactMethod, ReplyKind, ReportType
from shared.guidance import URGENT_GUIDANCE, UrgentGuidance, urgent_guidance
from shared.references import format_reference
from shared.sms import sms_segments
from tests import factories
from tests.factories import NOW

REFERENCE = format_reference("LP", NOW.date(), 7)
RENDERER = ReplyRenderer("Test Police")


def test_the_preferred_channel_first_then_the_other_never_an_unsafe_or_tried_one() -> None:
    both = frozenset(ContactMethod)
    sms_first = factories.contact(preferred_channel=ContactMethod.SMS)

    assert choose_recipient(sms_first, both) == Recipient(ContactMethod.SMS, "+447700900123")
    assert choose_recipient(sms_first, both, (ContactMethod.SMS,)) == Recipient(
        ContactMethod.EMAIL, "alex@example.org"
    )
    assert (
        choose_recipient(factories.contact(email_safe=False), frozenset({ContactMethod.EMAIL}))
        is None
    )


# ------------------------------------------------------------------ words


def _facts(
    code: str = "crime", language: str = "en", grade: int = 3, **contact: Any
) -> ReportFacts:
    submitted = factories.report_submitted(contact=factories.contact(language=language, **contact))
    return ReportFacts(
        CauseRef.of(submitted),
        "crime",
        submitted.contact,
        False,
        Classification(grade, code, "Report Fraud", (), 1),
        REFERENCE,
    )


def _to(facts: ReportFacts) -> Addressee:
    to = addressee(facts)
    assert to is not None, "the facts of a report with contact details"
    return to


CODES = sorted(
    {rule.next_steps for rule in rules.load_rules().types.values()} | {rules.EMERGENCY_NEXT_STEPS}
)
EMAIL = Recipient(ContactMethod.EMAIL, "a@example.org")
SMS = Recipient(ContactMethod.SMS, "+447700900123")


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("code", CODES)
def test_every_next_steps_code_has_an_email_in_both_languages(language: str, code: str) -> None:
    reply = RENDERER.render(ReplyKind.ACKNOWLEDGEMENT, _to(_facts(code, language)), EMAIL)

    assert REFERENCE in reply.text
    assert REFERENCE in reply.html
    heading = "What happens next" if language == "en" else "Beth sy'n digwydd nesaf"
    assert heading in reply.text


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("kind", AUTOMATIC_REPLY_KINDS)
@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("grade", [1, 2, 3, 4])
def test_every_text_message_fits_in_two_segments(
    language: str, kind: ReplyKind, code: str, grade: int
) -> None:
    reply = RENDERER.render(kind, _to(_facts(code, language, grade)), SMS)

    assert sms_segments(reply.text) <= 2, reply.text


@pytest.mark.parametrize(("language", "line"), [("en", "call 999"), ("cy", "Ffoniwch 999")])
@pytest.mark.parametrize("grade", [1, 2, 3])
def test_the_text_acknowledgement_of_an_urgent_grade_says_call_999(
    language: str, line: str, grade: int
) -> None:
    reply = RENDERER.render(ReplyKind.ACKNOWLEDGEMENT, _to(_facts("crime", language, grade)), SMS)

    assert (line in reply.text) is (grade <= 2), reply.text


def test_welsh_replies_are_in_welsh() -> None:
    reply = RENDERER.render(ReplyKind.ACKNOWLEDGEMENT, _to(_facts("feedback", "cy")), EMAIL)

    assert reply.subject.startswith("Eich adroddiad")
    assert "gŵyn" in reply.text


def test_safe_contact_means_neutral_words_without_details() -> None:
    facts = _facts("crime", safe_times="weekdays 9 to 5")

    email = RENDERER.render(ReplyKind.ACKNOWLEDGEMENT, _to(facts), EMAIL)
    text = RENDERER.render(ReplyKind.ACKNOWLEDGEMENT, _to(facts), SMS)

    for words in (email.subject, email.text, text.text):
        assert "Police" not in words
        assert "investigator" not in words
        assert "Alex" not in words
    assert REFERENCE in email.text
    assert REFERENCE in text.text


# ------------------------------------------------------------------ decisions


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_reply_carries_its_decisions_neutral_words_from_the_neutral_sender(
    language: str,
) -> None:
    unsafe = _to(_facts("crime", language, safe_times="weekdays 9 to 5"))

    neutral = RENDERER.render(ReplyKind.ACKNOWLEDGEMENT, unsafe, EMAIL)
    full = RENDERER.render(ReplyKind.ACKNOWLEDGEMENT, _to(_facts("crime", language)), SMS)

    assert (neutral.neutral, neutral.sender, neutral.channel) == (
        True,
        Sender.NEUTRAL,
        ContactMethod.EMAIL,
    )
    assert (full.neutral, full.sender, full.channel) == (False, Sender.FORCE, ContactMethod.SMS)


def test_a_neutral_reply_cannot_come_from_the_force_s_own_sender() -> None:
    reply = RENDERER.render(ReplyKind.ACKNOWLEDGEMENT, _to(_facts(safe_times="evenings")), EMAIL)

    with pytest.raises(ValueError, match="neutral"):
        replace(reply, sender=Sender.FORCE)


# ------------------------------------------------------------------ call-999 words


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_call_999_words_are_the_catalogue_s_in_the_reporter_s_language(language: str) -> None:
    words = urgent_guidance(language)
    to = _to(_facts("call_999", language, grade=1))

    email = RENDERER.render(ReplyKind.EMERGENCY_GUIDANCE, to, EMAIL)
    text = RENDERER.render(ReplyKind.EMERGENCY_GUIDANCE, to, SMS)
    holding = RENDERER.render(ReplyKind.HOLDING, to, EMAIL)

    assert email.subject == words.danger_subject
    for sentence in (words.immediate_danger, words.not_monitored, words.text_999):
        assert sentence in email.text
    assert words.danger_now_continued in text.text
    assert words.closing in holding.text


def test_every_form_of_the_call_999_words_is_said_somewhere() -> None:
    said = {
        name
        for path in TEMPLATES.rglob("*.j2")
        for name in re.findall(r"\burgent\.(\w+)", path.read_text())
    }
    answer = {"call_999", "text_999"}  # intake's answer, `UrgentGuidance.answer`

    assert said | answer == {form.name for form in fields(UrgentGuidance)}


def test_the_call_999_words_go_into_html_as_text_with_their_apostrophes() -> None:
    words = replace(URGENT_GUIDANCE["cy"], closing="<b>drwy'r</b> & 999")

    assert _html_text(words)["closing"] == "&lt;b&gt;drwy'r&lt;/b&gt; &amp; 999"


def test_no_template_words_the_call_999_guidance_itself() -> None:
    sentences = {s.rstrip(".") for words in URGENT_GUIDANCE.values() for s in astuple(words)}

    for path in TEMPLATES.rglob("*.j2"):
        body = path.read_text()
        assert [s for s in sentences if s in body] == [], path


# ------------------------------------------------------------------ text message length

LONG_FORCE_NAMES = {
    # An en dash is not in the GSM alphabet: the whole English text becomes UCS-2.
    "en": "Heddlu Gogledd Cymru – North Wales Police",
    # Welsh letters (the î of tîm) make the Welsh text UCS-2 already: a bilingual name will do.
    "cy": "Heddlu Gogledd Cymru / North Wales Police",
}


@pytest.mark.parametrize(
    ("language", "code", "urgent"),
    [("en", "crime", "call 999"), ("cy", "anti_social_behaviour", "Ffoniwch 999")],
)
def test_a_text_that_would_take_three_segments_is_sent_in_its_short_form(
    language: str, code: str, urgent: str
) -> None:
    renderer = ReplyRenderer(LONG_FORCE_NAMES[language])
    to = _to(_facts(code, language, grade=2))

    full = renderer.sms_forms(ReplyKind.ACKNOWLEDGEMENT, to)[0]
    reply = renderer.render(ReplyKind.ACKNOWLEDGEMENT, to, SMS)

    assert sms_segments(full) > 2, full  # what used to be sent
    assert sms_segments(reply.text) <= 2, reply.text
    assert REFERENCE in reply.text
    assert urgent in reply.text


def test_a_text_that_fits_is_sent_in_full() -> None:
    to = _to(_facts("anti_social_behaviour", "cy", grade=2))

    reply = RENDERER.render(ReplyKind.ACKNOWLEDGEMENT, to, SMS)

    assert reply.text == RENDERER.sms_forms(ReplyKind.ACKNOWLEDGEMENT, to)[0]
    assert reply.text.startswith("Test Police:")


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("kind", AUTOMATIC_REPLY_KINDS)
@pytest.mark.parametrize("grade", [1, 4])
@pytest.mark.parametrize("safe_times", [None, "evenings"])
def test_no_force_name_or_reference_takes_a_text_past_two_segments(
    language: str, kind: ReplyKind, grade: int, safe_times: str | None
) -> None:
    renderer = ReplyRenderer("Heddlu " * 40)
    facts = _facts("call_999", language, grade, safe_times=safe_times)
    to = _to(replace(facts, reference="ŵ" * 200))  # not one of ours: an event could say so

    reply = renderer.render(kind, to, SMS)

    assert sms_segments(reply.text) <= 2, reply.text
    assert reply.text == renderer.sms_forms(kind, to)[-1]


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("{" * 80, 1),
        ("{" * 81, 2),
        ("ŵ" * 70, 1),
        ("ŵ" * 71, 2),
        ("ŵ" * 134, 2),
        ("€" + "a" * 158, 1),
        ("😀" * 35, 1),
        ("😀" * 36, 2),
    ],
)
def test_sms_segments_are_counted_as_networks_do(text: str, segments: int) -> None:
    assert sms_segments(text) == segments


def test_every_report_type_has_words_for_its_next_steps() -> None:
    assert set(CODES) >= {rule.next_steps for rule in rules.load_rules().types.values()}
    assert len(ReportType) == 8
