"""Renders replies from the Jinja2 templates beside this module, in English or Welsh.

`templates/<language>/<message>.{subject,txt,html,sms}.j2`, where the message is the kind
of reply or `neutral` (safe contact), and `next_steps/<code>.{txt,sms}.j2` say what
happens next for each classifier next-steps code. The call-999 words come from
`shared.guidance`, as `urgent`, never from the templates themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.notifier.domain import Addressee, OutgoingReply, Recipient, sender, wording
from shared.events import ContactMethod, ReplyKind
from shared.guidance import urgent_guidance
from shared.text import strip_unsafe

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGES = frozenset({"en", "cy"})


def _printable(value: Any) -> Any:
    """Every value a template prints loses control and bidi characters: intake refuses
    them already, this keeps an event from elsewhere from writing them into a reply."""
    return strip_unsafe(value) if isinstance(value, str) else value


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
        language = to.contact.language if to.contact.language in LANGUAGES else "en"
        neutral = wording(to.facts, kind) == "neutral"
        message = "neutral" if neutral else kind.value
        context = self._context(to, language)

        def part(name: str) -> str:
            template = self._env.get_template(f"{language}/{message}.{name}.j2")
            return template.render(context).strip()

        by_email = recipient.channel is ContactMethod.EMAIL
        return OutgoingReply(
            kind=kind,
            recipient=recipient,
            neutral=neutral,
            sender=sender(to.facts, kind),
            subject=part("subject") if by_email else "",
            text=part("txt") if by_email else " ".join(part("sms").split()),
            html=part("html") if by_email else "",
            idempotency_key=f"{to.cause.report_id}.{kind.value}.{recipient.channel.value}",
            provider_reference=to.facts.reference,
        )

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
