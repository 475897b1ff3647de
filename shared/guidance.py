"""The words that send someone in danger to 999, in English and Welsh.

One catalogue, so that intake's answer and the notifier's replies say the same thing in
the same words in either language. Wording only: when to say it is each service's rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class UrgentGuidance:
    """The call-999 words of one language, from the fullest form to the shortest."""

    #: A crime happening now or someone in immediate danger: call 999 now.
    call_999: str
    #: For deaf or speech-impaired people, who can text 999 once registered.
    text_999: str
    #: Why an online report is no way to get help now.
    not_monitored: str
    #: One short sentence, for a text message or a subject line.
    danger_now: str
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
            not_monitored="Online reports are not monitored around the clock.",
            danger_now="If anyone is in danger now, call 999.",
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
            not_monitored="Nid yw adroddiadau ar-lein yn cael eu monitro drwy'r amser.",
            danger_now="Os oes rhywun mewn perygl nawr, ffoniwch 999.",
            danger_brief="Mewn perygl? Ffoniwch 999.",
        ),
    }
)


def urgent_guidance(language: str | None) -> UrgentGuidance:
    """The words in `language`, or in English where there is no language or no words in it."""
    return URGENT_GUIDANCE.get(language or "en", URGENT_GUIDANCE["en"])
