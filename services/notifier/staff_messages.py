"""A staff message as the reporter receives it: exactly the subject and body staff approved
in the console (whose preview shows the same), with one substitution: `{status_link}`
becomes the link to the reporter's status page, with their token. In the words the
ReplySent event records, the token shows as `[token]`: staff never hold the reporter's
credential. The HTML part of an email is the same text, escaped, a paragraph per blank
line."""

from __future__ import annotations

import html
import re
import uuid

from services.notifier.domain import (
    OutgoingReply,
    Recipient,
    ReportFacts,
    Sender,
    StaffRequest,
)
from shared.events import STATUS_LINK_MARKER, ContactMethod, neutral_wording_required
from shared.status_tokens import StatusTokens

#: What stands for the token in the recorded words.
MASKED_TOKEN = "[token]"  # noqa: S105 - a placeholder, not a secret
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


def html_paragraphs(text: str) -> str:
    """Plain text as HTML: escaped, a `<p>` per blank-line paragraph, a `<br>` per line."""
    paragraphs = [p.strip("\n") for p in _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n"))]
    return "\n".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>\n") + "</p>"
        for p in paragraphs
        if p.strip()
    )


class StaffMessages:
    """`StaffWording`: staff messages with the status-page link of `status_page_url`."""

    def __init__(self, status_page_url: str, tokens: StatusTokens) -> None:
        self._status_page_url = status_page_url.rstrip("/")
        self._tokens = tokens

    def status_link(self, report_id: uuid.UUID, token: str | None = None) -> str:
        """The reporter's status page; the real token unless another is given."""
        shown = self._tokens.token_for(report_id) if token is None else token
        return f"{self._status_page_url}/status/{report_id}?token={shown}"

    def render(
        self, request: StaffRequest, facts: ReportFacts, recipient: Recipient
    ) -> OutgoingReply:
        message, report_id = request.message, request.cause.report_id
        text = message.body.replace(STATUS_LINK_MARKER, self.status_link(report_id))
        on_record = message.body.replace(
            STATUS_LINK_MARKER, self.status_link(report_id, MASKED_TOKEN)
        )
        by_email = recipient.channel is ContactMethod.EMAIL
        flags = () if facts.classification is None else facts.classification.flags
        neutral = message.neutral or neutral_wording_required(flags, facts.contact)
        return OutgoingReply(
            kind=request.kind,
            recipient=recipient,
            neutral=neutral,
            sender=Sender.NEUTRAL if neutral else Sender.FORCE,
            subject=message.subject if by_email else "",
            text=text,
            html=html_paragraphs(text) if by_email else "",
            idempotency_key=f"{report_id}.{request.key.name}.{recipient.channel.value}",
            provider_reference=facts.reference,
            request_id=message.request_id,
            text_on_record=on_record,
        )
