"""The words that send someone in danger to 999, in English and Welsh.

One catalogue, so that intake's answer and the notifier's replies take their call-999 words
from one place in either language. Wording only: when to say it is each service's rule.

Each form is the approved wording of the place that says it, word for word: forms differ
on purpose ("call 999" or "call 999 now", "anyone" or "someone"), and none is derived
from another, so that rewording one place changes no other. A change here is a change of
safety wording that reporters read; tests/data/replies/golden.json shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class UrgentGuidance:
    """The call-999 words of one language, from the fullest form to the shortest."""

    #: A crime happening now or someone in immediate danger: call 999 now (intake's answer).
    call_999: str
    #: For deaf or speech-impaired people, who can text 999 once registered.
    text_999: str
    #: The closing line of an acknowledgement or holding email.
    closing: str
    #: The opening of the emergency guidance email: anyone in immediate danger.
    immediate_danger: str
    #: Why an online report is no way to get help now (after `immediate_danger`).
    not_monitored: str
    #: `immediate_danger` and `not_monitored` as one sentence, in the next steps of an
    #: emergency's acknowledgement email.
    immediate_danger_not_monitored: str
    #: The subject of the emergency guidance email (no full stop).
    danger_subject: str
    #: One short sentence, for a text message.
    danger_now: str
    #: `danger_now` continuing a text message after the force's name and a colon.
    danger_now_continued: str
    #: The shortest form, for a text message with little room left.
    danger_brief: str

    @property
    def answer(self) -> str:
        """What someone who may be in an emergency is told at once, on the page."""
        return f"{self.call_999} {self.text_999}"


URGENT_GUIDANCE: Mapping[str, UrgentGuidance] = MappingProxyType(
    {
        "en": UrgentGuidance(
            call_999=(
                "If a crime is happening now or someone is in immediate danger, call 999 now."
            ),
            text_999=(
                "If you are deaf or speech-impaired, text 999 "
                "if you have registered with emergencySMS."
            ),
            closing="If a crime is happening now or someone is in immediate danger, call 999.",
            immediate_danger="If anyone is in immediate danger, call 999 now.",
            not_monitored="Online reports are not monitored around the clock.",
            immediate_danger_not_monitored=(
                "If anyone is in immediate danger, call 999 now: "
                "an online report is not monitored around the clock."
            ),
            danger_subject="If anyone is in danger now, call 999",
            danger_now="If anyone is in danger now, call 999.",
            danger_now_continued="if anyone is in danger now, call 999.",
            danger_brief="In danger now? Call 999.",
        ),
        "cy": UrgentGuidance(
            call_999=(
                "Os yw trosedd yn digwydd nawr neu os oes rhywun mewn perygl uniongyrchol, "
                "ffoniwch 999 nawr."
            ),
            text_999=(
                "Os ydych yn fyddar neu'n methu siarad, tecstiwch 999 "
                "os ydych wedi cofrestru gydag emergencySMS."
            ),
            closing=(
                "Os yw trosedd yn digwydd nawr neu os oes rhywun mewn perygl uniongyrchol, "
                "ffoniwch 999."
            ),
            immediate_danger="Os oes unrhyw un mewn perygl uniongyrchol, ffoniwch 999 nawr.",
            not_monitored="Nid yw adroddiadau ar-lein yn cael eu monitro drwy'r amser.",
            immediate_danger_not_monitored=(
                "Os oes unrhyw un mewn perygl uniongyrchol, ffoniwch 999 nawr: "
                "nid yw adroddiadau ar-lein yn cael eu monitro drwy'r amser."
            ),
            danger_subject="Os oes unrhyw un mewn perygl nawr, ffoniwch 999",
            danger_now="Os oes rhywun mewn perygl nawr, ffoniwch 999.",
            danger_now_continued="os oes rhywun mewn perygl nawr, ffoniwch 999.",
            danger_brief="Mewn perygl? Ffoniwch 999.",
        ),
    }
)


def urgent_guidance(language: str | None) -> UrgentGuidance:
    """The words in `language`, or in English where there is no language or no words in it."""
    return URGENT_GUIDANCE.get(language or "en", URGENT_GUIDANCE["en"])
