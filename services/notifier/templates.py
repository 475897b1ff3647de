"""Renders replies from the Jinja2 templates beside this module."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.notifier.domain import OutgoingReply, Recipient, ReportFacts
from shared.events import ReplyKind

TEMPLATES = Path(__file__).parent / "templates"

#: Languages with a full set of templates; others fall back to English.
TEMPLATE_LANGUAGES = frozenset({"en"})


class ReplyRenderer:
    """Turns the facts of a report into the text and HTML of a reply."""

    def __init__(self, force_name: str) -> None:
        self._force_name = force_name
        self._env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html.j2"]),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )

    def acknowledgement(self, facts: ReportFacts, recipient: Recipient) -> OutgoingReply:
        assert facts.classification is not None
        assert facts.reference is not None
        assert facts.contact is not None
        assert facts.cause is not None
        context = {
            "force_name": self._force_name,
            "name": facts.contact.name,
            "reference": facts.reference,
            "report_type": facts.report_type,
            "next_steps": facts.classification.next_steps,
            "referral": facts.classification.referral,
        }
        language = facts.contact.language if facts.contact.language in TEMPLATE_LANGUAGES else "en"
        kind = ReplyKind.ACKNOWLEDGEMENT
        return OutgoingReply(
            kind=kind,
            recipient=recipient,
            subject=f"Your report to {self._force_name}: reference {facts.reference}",
            text=self._env.get_template(f"acknowledgement.{language}.txt.j2").render(context),
            html=self._env.get_template(f"acknowledgement.{language}.html.j2").render(context),
            idempotency_key=f"{facts.cause.report_id}.{kind.value}",
        )
