"""Renders replies from the Jinja2 templates beside this module, in English or Welsh.

`templates/<language>/<message>.{subject,txt,html,sms}.j2`, where the message is the kind
of reply or `neutral` (safe contact), and `next_steps/<code>.{txt,sms}.j2` say what
happens next for each classifier next-steps code. `<message>.short.sms.j2` is the text
message for when the full one would not fit in two segments. The call-999 words come
from `shared.guidance`, as `urgent`, never from the templates themselves.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from services.notifier.domain import Addressee, OutgoingReply, Recipient, sender, wording
from shared.events import ContactMethod, ReplyKind
from shared.guidance import UrgentGuidance, urgent_guidance
from shared.sms import sms_segments
from shared.text import strip_unsafe

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGES = frozenset({"en", "cy"})
#: A text message is never sent in more parts than this: each part costs, and a long
#: message can arrive split or out of order on older phones.
MAX_SMS_SEGMENTS = 2


def _printable(value: Any) -> Any:
    """Every value a template prints loses control and bidi characters: intake refuses
    them already, this keeps an event from elsewhere from writing them into a reply.
    Text already made HTML (`_html_text`) stays HTML."""
    if isinstance(value, Markup):
        return Markup(strip_unsafe(value))  # noqa: S704 - HTML already, less control characters
    return strip_unsafe(value) if isinstance(value, str) else value


def _html_text(words: UrgentGuidance) -> dict[str, Markup]:
    """The call-999 words for an HTML template, escaped as HTML text is written by hand
    (`&`, `<`, `>`), apostrophes left as they are: autoescaping would change the approved
    Welsh "drwy'r" of the emails into "drwy&#39;r"."""
    return {
        field.name: Markup(html.escape(getattr(words, field.name), quote=False))  # noqa: S704
        for field in fields(words)
    }


class SmsTooLongError(ValueError):
    """Not even the shortest form of a text message fits: a template was written too long."""


@dataclass(frozen=True)
class _Message:
    """One message's templates, in one language, with what they print."""

    env: Environment
    path: str
    context: dict[str, Any]

    def part(self, name: str, **overrides: Any) -> str:
        template = self.env.get_template(f"{self.path}.{name}.j2")
        return template.render({**self.context, **overrides}).strip()

    def html(self) -> str:
        return self.part("html", urgent=_html_text(self.context["urgent"]))

    def sms(self, name: str, **overrides: Any) -> str:
        return " ".join(self.part(name, **overrides).split())

    def sms_forms(self) -> Iterator[str]:
        """The full text message; the short one (the reference and what to do if urgent,
        with no force name or next steps, which a long force name or Welsh letters needing
        UCS-2 can push past two segments); and the short one without the reference, for a
        reference far longer than ours. The last depends on nothing configured or received."""
        yield self.sms("sms")
        yield self.sms("short.sms")
        yield self.sms("short.sms", reference="")

    def text_message(self) -> str:
        """The first form of the text message that fits in two segments."""
        for text in self.sms_forms():
            if sms_segments(text) <= MAX_SMS_SEGMENTS:
                return text
        raise SmsTooLongError(f"no text message of {self.path} fits in {MAX_SMS_SEGMENTS} parts")


class ReplyRenderer:
    """Turns the facts of a report into the words of a reply."""

    def __init__(self, force_name: str) -> None:
        self._force_name = force_name
        self._env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html.j2"]),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            finalize=_printable,
        )

    def render(self, kind: ReplyKind, to: Addressee, recipient: Recipient) -> OutgoingReply:
        neutral = wording(to.facts, kind) == "neutral"
        message = self._message(kind, to, neutral)
        by_email = recipient.channel is ContactMethod.EMAIL
        return OutgoingReply(
            kind=kind,
            recipient=recipient,
            neutral=neutral,
            sender=sender(to.facts, kind),
            subject=message.part("subject") if by_email else "",
            text=message.part("txt") if by_email else message.text_message(),
            html=message.html() if by_email else "",
            idempotency_key=f"{to.cause.report_id}.{kind.value}.{recipient.channel.value}",
            provider_reference=to.facts.reference,
        )

    def sms_forms(self, kind: ReplyKind, to: Addressee) -> list[str]:
        """Every form of the text message, fullest first; `render` sends the first that fits."""
        return list(self._message(kind, to, wording(to.facts, kind) == "neutral").sms_forms())

    def _message(self, kind: ReplyKind, to: Addressee, neutral: bool) -> _Message:
        language = to.contact.language if to.contact.language in LANGUAGES else "en"
        name = "neutral" if neutral else kind.value
        return _Message(self._env, f"{language}/{name}", self._context(to, language))

    def _context(self, to: Addressee, language: str) -> dict[str, Any]:
        classification = to.facts.classification
        return {
            "force_name": self._force_name,
            "name": to.contact.name,
            "reference": to.facts.reference or "",
            "report_type": to.facts.report_type,
            "next_steps": classification.next_steps if classification else "call_999",
            "referral": classification.referral if classification else None,
            "grade": classification.grade if classification else 1,
            "urgent": urgent_guidance(language),
        }
