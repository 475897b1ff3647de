"""The words of the reporter's status page, in English and Welsh, and its dates.

Each language's words are written for it, not translated word by word; `{...}` fields are
filled in before the page escapes the whole sentence. Dates are the force's local time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

from services.intake.updates import UPDATES_RECEIVED
from shared.events import NoFurtherActionReason, Outcome


@dataclass(frozen=True)
class StatusWords:
    """Everything the status page says, in one language."""

    title: str
    reference: str
    no_reference_yet: str
    received: str
    reply: str
    reply_reached: str  # {date}
    reply_not_yet: str
    no_reply_anonymous: str
    open: str
    reopened: str
    awaiting: str
    question: str
    answer_by: str  # {date}
    your_answer: str
    anything_to_add: str
    send: str
    thanks: str
    closed: str
    neutral_closed: str
    closed_contact: str
    outcomes: Mapping[Outcome, str]  # {crime_reference} {reason} {agency} {duplicate_of}
    reasons: Mapping[NoFurtherActionReason, str]
    empty_answer: str
    long_answer: str  # {limit}
    bad_answer: str
    closed_cannot_add: str
    cannot_add: str
    form_used: str
    months: tuple[str, ...]


ENGLISH = StatusWords(
    title="Your report",
    reference="Reference",
    no_reference_yet="Not issued yet",
    received="Received",
    reply="Our reply",
    reply_reached="It reached you on {date}.",
    reply_not_yet="We have not yet been able to confirm that our reply reached you.",
    no_reply_anonymous="You reported anonymously, so we cannot reply to you.",
    open="We are dealing with your report.",
    reopened="Your report has been reopened: we are dealing with it again.",
    awaiting="We need more information from you",
    question="We asked:",
    answer_by="Please answer by {date}.",
    your_answer="Your answer",
    anything_to_add="Is there anything you want to add?",
    send="Send",
    thanks=UPDATES_RECEIVED["en"],
    closed="Your report has been closed.",
    neutral_closed=(
        "Your report has been closed. Call 101 and quote your reference if you need to know more."
    ),
    closed_contact="If anything changes, call 101 and quote your reference.",
    outcomes=MappingProxyType(
        {
            Outcome.CRIME_RECORDED: (
                "We have recorded a crime. Its crime reference is {crime_reference}."
            ),
            Outcome.NO_FURTHER_ACTION: "We will not be taking further action: {reason}.",
            Outcome.REFERRED: "We have passed your report to {agency}, who will deal with it.",
            Outcome.INFORMATION_ONLY: (
                "We have recorded what you told us as information. Thank you for telling us."
            ),
            Outcome.DUPLICATE: (
                "We already have a report of this, reference {duplicate_of}: "
                "we are dealing with it under that reference."
            ),
        }
    ),
    reasons=MappingProxyType(
        {
            NoFurtherActionReason.NO_CRIME: "what was reported is not a crime",
            NoFurtherActionReason.EVIDENTIAL_DIFFICULTIES: (
                "there is not enough evidence to take it further"
            ),
            NoFurtherActionReason.VICTIM_DOES_NOT_SUPPORT: (
                "you told us you did not want us to take it further"
            ),
            NoFurtherActionReason.SUSPECT_NOT_IDENTIFIED: (
                "we have not been able to identify who did it"
            ),
            NoFurtherActionReason.NOT_IN_PUBLIC_INTEREST: (
                "taking it further would not be in the public interest"
            ),
            NoFurtherActionReason.CIVIL_MATTER: "it is a civil matter, not one for the police",
        }
    ),
    empty_answer="Please write your answer before you send it.",
    long_answer="Your answer is too long: please keep it to {limit} characters.",
    bad_answer="Your answer holds characters we cannot accept: please type it again.",
    closed_cannot_add=(
        "Your report has been closed, so you cannot add to it here. "
        "Call 101 and quote your reference."
    ),
    cannot_add="You cannot add to this report here. Call 101 and quote your reference.",
    form_used="This form has already been sent. To add more, use the form on your report's page.",
    months=(
        *("January", "February", "March", "April", "May", "June"),
        *("July", "August", "September", "October", "November", "December"),
    ),
)

WELSH = StatusWords(
    title="Eich adroddiad",
    reference="Cyfeirnod",
    no_reference_yet="Heb ei roi eto",
    received="Derbyniwyd",
    reply="Ein hateb",
    reply_reached="Fe'ch cyrhaeddodd ar {date}.",
    reply_not_yet="Nid ydym wedi gallu cadarnhau eto bod ein hateb wedi eich cyrraedd.",
    no_reply_anonymous="Gwnaethoch adrodd yn ddienw, felly ni allwn eich ateb.",
    open="Rydym yn delio â'ch adroddiad.",
    reopened="Mae eich adroddiad wedi'i ailagor: rydym yn delio ag ef eto.",
    awaiting="Mae angen rhagor o wybodaeth arnom gennych",
    question="Gofynnon ni:",
    answer_by="Atebwch erbyn {date}, os gwelwch yn dda.",
    your_answer="Eich ateb",
    anything_to_add="Oes unrhyw beth yr hoffech ei ychwanegu?",
    send="Anfon",
    thanks=UPDATES_RECEIVED["cy"],
    closed="Mae eich adroddiad wedi'i gau.",
    neutral_closed=(
        "Mae eich adroddiad wedi'i gau. Ffoniwch 101 a dyfynnwch eich cyfeirnod "
        "os oes angen i chi wybod mwy."
    ),
    closed_contact="Os bydd unrhyw beth yn newid, ffoniwch 101 a dyfynnwch eich cyfeirnod.",
    outcomes=MappingProxyType(
        {
            Outcome.CRIME_RECORDED: (
                "Rydym wedi cofnodi trosedd. Ei chyfeirnod trosedd yw {crime_reference}."
            ),
            Outcome.NO_FURTHER_ACTION: "Ni fyddwn yn cymryd camau pellach: {reason}.",
            Outcome.REFERRED: (
                "Rydym wedi trosglwyddo eich adroddiad i {agency}, a fydd yn delio ag ef."
            ),
            Outcome.INFORMATION_ONLY: (
                "Rydym wedi cofnodi'r hyn a ddywedoch wrthym fel gwybodaeth. "
                "Diolch am roi gwybod i ni."
            ),
            Outcome.DUPLICATE: (
                "Mae gennym adroddiad am hyn eisoes, cyfeirnod {duplicate_of}: "
                "rydym yn delio ag ef o dan y cyfeirnod hwnnw."
            ),
        }
    ),
    reasons=MappingProxyType(
        {
            NoFurtherActionReason.NO_CRIME: "nid yw'r hyn a adroddwyd yn drosedd",
            NoFurtherActionReason.EVIDENTIAL_DIFFICULTIES: (
                "nid oes digon o dystiolaeth i fynd â'r mater ymhellach"
            ),
            NoFurtherActionReason.VICTIM_DOES_NOT_SUPPORT: (
                "dywedoch wrthym nad oeddech am i ni fynd â'r mater ymhellach"
            ),
            NoFurtherActionReason.SUSPECT_NOT_IDENTIFIED: (
                "nid ydym wedi gallu canfod pwy a'i gwnaeth"
            ),
            NoFurtherActionReason.NOT_IN_PUBLIC_INTEREST: (
                "ni fyddai mynd â'r mater ymhellach er budd y cyhoedd"
            ),
            NoFurtherActionReason.CIVIL_MATTER: "mater sifil ydyw, nid mater i'r heddlu",
        }
    ),
    empty_answer="Ysgrifennwch eich ateb cyn ei anfon, os gwelwch yn dda.",
    long_answer="Mae eich ateb yn rhy hir: cadwch ef i {limit} nod, os gwelwch yn dda.",
    bad_answer=("Mae nodau yn eich ateb na allwn eu derbyn: teipiwch ef eto, os gwelwch yn dda."),
    closed_cannot_add=(
        "Mae eich adroddiad wedi'i gau, felly ni allwch ychwanegu ato yma. "
        "Ffoniwch 101 a dyfynnwch eich cyfeirnod."
    ),
    cannot_add=(
        "Ni allwch ychwanegu at yr adroddiad hwn yma. Ffoniwch 101 a dyfynnwch eich cyfeirnod."
    ),
    form_used=(
        "Mae'r ffurflen hon wedi'i hanfon eisoes. I ychwanegu rhagor, defnyddiwch y ffurflen "
        "ar dudalen eich adroddiad."
    ),
    months=(
        *("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin"),
        *("Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"),
    ),
)

STATUS_WORDS: Mapping[str, StatusWords] = MappingProxyType({"en": ENGLISH, "cy": WELSH})


def words_in(language: str) -> StatusWords:
    """The page's words in `language`; English for any other."""
    return STATUS_WORDS.get(language, ENGLISH)


def local_date(words: StatusWords, moment: datetime, zone: ZoneInfo) -> str:
    """`5 December 2026`, in the words' language and the force's time zone."""
    local = moment.astimezone(zone)
    return f"{local.day} {words.months[local.month - 1]} {local.year}"


def local_time(words: StatusWords, moment: datetime, zone: ZoneInfo) -> str:
    """`5 December 2026, 14:05`: the date, then the 24-hour time."""
    return f"{local_date(words, moment, zone)}, {moment.astimezone(zone):%H:%M}"
