"""The reporter's status page as HTML: what their report's `ReporterView` says, in their
language, with a form to answer a question or add anything new while the report is open.

Everything printed is escaped (Jinja2 autoescaping): the question, the agency and the
references came from staff and systems, and are shown as text, never as markup. The page
needs no script or style, so its Content-Security-Policy allows none; the token is in its
URL, so no referrer leaves it and no cache keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from services.intake.standing import ReporterView
from services.intake.status_words import WELSH, StatusWords, local_date, local_time, words_in
from shared.guidance import urgent_guidance

TEMPLATES = Path(__file__).parent / "templates"

#: The longest answer the form takes (the browser stops there too).
ANSWER_LIMIT = 5000

#: On every answer of the status page, the redirect and the 404 included.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def status_path(view: ReporterView, token: str) -> str:
    """The page's own address: the path the notifier's links use."""
    return f"/status/{view.report_id}?token={token}"


@dataclass(frozen=True)
class StatusPage:
    """Renders the page in the force's time zone."""

    zone: ZoneInfo
    env: Environment

    @classmethod
    def create(cls, time_zone: str) -> StatusPage:
        env = Environment(
            loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined
        )
        return cls(ZoneInfo(time_zone), env)

    def report(
        self, view: ReporterView, token: str, form_id: str, notice: str | None = None
    ) -> str:
        """The page of `view`, with `notice` on top (thanks, or what was wrong with an
        answer) and a fresh form (`form_id`: one value per form, so a double submit
        adds once)."""
        words = words_in(view.language)
        context = {
            "lang": "cy" if words is WELSH else "en",
            "title": words.title,
            "notice": notice,
            "facts": self._facts(view, words),
            "standing": _standing(view, words),
            "question": self._question(view, words),
            "form": _form(view, words, token, form_id),
            "footer": [urgent_guidance(view.language).closing],
        }
        return self._render(context)

    def not_found(self) -> str:
        """The same page for an unknown report and a wrong token: it tells nothing."""
        return self._render(
            {
                "lang": "en",
                "title": "Page not found / Heb ddod o hyd i'r dudalen",
                "notice": None,
                "facts": [],
                "standing": [
                    "Check the link in the message we sent you.",
                    "Gwiriwch y ddolen yn y neges a anfonwyd atoch.",
                ],
                "question": None,
                "form": None,
                "footer": [urgent_guidance("en").closing, urgent_guidance("cy").closing],
            }
        )

    def _render(self, context: dict[str, Any]) -> str:
        return self.env.get_template("status.html.j2").render(context)

    def _facts(self, view: ReporterView, words: StatusWords) -> list[tuple[str, str]]:
        if not view.reply_expected:
            reply = words.no_reply_anonymous
        elif view.replied_at is None:
            reply = words.reply_not_yet
        else:
            reply = words.reply_reached.format(date=local_time(words, view.replied_at, self.zone))
        return [
            (words.reference, view.reference or words.no_reference_yet),
            (words.received, local_time(words, view.received_at, self.zone)),
            (words.reply, reply),
        ]

    def _question(self, view: ReporterView, words: StatusWords) -> dict[str, Any] | None:
        if view.state != "awaiting_answer" or view.question is None:
            return None
        answer_by = "" if view.answer_by is None else local_date(words, view.answer_by, self.zone)
        return {
            "heading": words.awaiting,
            "asked": words.question,
            "lines": view.question.splitlines() or [view.question],
            "answer_by": words.answer_by.format(date=answer_by) if answer_by else "",
        }


def _standing(view: ReporterView, words: StatusWords) -> list[str]:
    """Where the report stands, in plain words; a neutral closure says nothing more."""
    if view.state != "closed":
        return [] if view.state == "awaiting_answer" else [_open_words(view, words)]
    if view.neutral_wording or view.outcome is None:
        return [words.neutral_closed]
    reason = "" if view.reason_code is None else words.reasons[view.reason_code]
    outcome = words.outcomes[view.outcome].format(
        crime_reference=view.crime_reference or "",
        reason=reason,
        agency=view.agency or "",
        duplicate_of=view.duplicate_of or "",
    )
    return [words.closed, outcome, words.closed_contact]


def _open_words(view: ReporterView, words: StatusWords) -> str:
    return words.reopened if view.reopened else words.open


def _form(
    view: ReporterView, words: StatusWords, token: str, form_id: str
) -> dict[str, Any] | None:
    if view.state == "closed":
        return None
    return {
        "action": f"/status/{view.report_id}/answer?token={token}",
        "label": words.your_answer if view.state == "awaiting_answer" else words.anything_to_add,
        "limit": ANSWER_LIMIT,
        "form_id": form_id,
        "send": words.send,
    }
