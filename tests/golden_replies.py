"""The golden replies: the words of every reply the notifier renders for a fixed set of
facts, kept in tests/data/replies/golden.json and checked by tests/unit/test_reply_golden.py.

The file is the approved wording, safety wording among it (what to do in an emergency, in
English and Welsh). A change to it is a change of the words sent to reporters and needs
sign-off as one: regenerate it only for an approved wording change, and have its diff
reviewed with the change:

    .venv/bin/python -m tests.golden_replies

It was first written by the renderer of f947cdf, before the call-999 words moved into
shared/guidance.py, so that the move changed no word.

The combinations: the acknowledgement for every next-steps code at grades 1 and 3 (urgent
and not), to a reporter who can be contacted at any time (full words) and to one who gave
safe times (neutral words); the holding reply with and without a reference, in full and
neutral words; the emergency guidance before any classification or reference, to both
reporters (it is never neutral). Each in English and Welsh, by email (subject, text and
HTML) and by text message, from the force "Test Police".
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from services.classifier import rules
from services.notifier.domain import Classification, Recipient, ReportFacts, addressee
from services.notifier.templates import ReplyRenderer
from shared.events import CauseRef, Contact, ContactMethod, ReplyKind

GOLDEN = Path(__file__).parent / "data" / "replies" / "golden.json"
FORCE_NAME = "Test Police"
REFERENCE = "LP-20261130-000007-T"
SAFE_TIMES = "weekdays 9 to 5"
Language = Literal["en", "cy"]
LANGUAGES: tuple[Language, ...] = ("en", "cy")
GRADES = (1, 3)
EMAIL = Recipient(ContactMethod.EMAIL, "alex@example.org")
SMS = Recipient(ContactMethod.SMS, "+447700900123")
CAUSE = CauseRef(uuid.UUID(int=1), uuid.UUID(int=2), uuid.UUID(int=1))


class Rendered(Protocol):
    """What the file keeps of a rendered reply."""

    @property
    def subject(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def html(self) -> str: ...


#: Renders one reply of the facts: the current renderer, or f947cdf's, which took the facts.
Render = Callable[[ReplyKind, ReportFacts, Recipient], Rendered]


@dataclass(frozen=True)
class Case:
    """One combination: which reply, where, in which language, of which facts."""

    kind: ReplyKind
    recipient: Recipient
    language: Language
    next_steps: str | None  # None: not classified yet
    grade: int
    safe_times: str | None
    reference: str | None

    @property
    def key(self) -> str:
        classified = f"{self.next_steps}/grade {self.grade}" if self.next_steps else "unclassified"
        parts = [self.kind.value, self.recipient.channel.value, self.language, classified]
        parts.append("safe times" if self.safe_times else "any time")
        parts.append("reference" if self.reference else "no reference")
        return "/".join(parts)

    def facts(self) -> ReportFacts:
        contact = Contact(
            name="Alex Example",
            email=EMAIL.address,
            phone=SMS.address,
            preferred_channel=self.recipient.channel,
            language=self.language,
            safe_times=self.safe_times,
        )
        classification = (
            Classification(self.grade, self.next_steps, None, (), 1) if self.next_steps else None
        )
        return ReportFacts(CAUSE, "crime", contact, False, classification, self.reference)


def next_steps_codes() -> list[str]:
    """Every next-steps code the classifier can give."""
    codes = {rule.next_steps for rule in rules.load_rules().types.values()}
    return sorted(codes | {rules.EMERGENCY_NEXT_STEPS})


def cases() -> Iterator[Case]:
    """Every combination the file holds, in its order."""
    for language in LANGUAGES:
        for recipient in (EMAIL, SMS):
            for safe_times in (None, SAFE_TIMES):
                yield from _cases(language, recipient, safe_times)


def _cases(language: Language, to: Recipient, safe_times: str | None) -> Iterator[Case]:
    for code in next_steps_codes():
        for grade in GRADES:
            yield Case(ReplyKind.ACKNOWLEDGEMENT, to, language, code, grade, safe_times, REFERENCE)
    for reference in (REFERENCE, None):
        yield Case(ReplyKind.HOLDING, to, language, "crime", 3, safe_times, reference)
    yield Case(ReplyKind.EMERGENCY_GUIDANCE, to, language, None, 1, safe_times, None)


def words(reply: Rendered, channel: ContactMethod) -> dict[str, Any]:
    """A reply as the file keeps it: an email's text and HTML line by line, for diffs."""
    if channel is ContactMethod.SMS:
        return {"sms": reply.text}
    return {
        "subject": reply.subject,
        "text": reply.text.split("\n"),
        "html": reply.html.split("\n"),
    }


def renderings(render: Render) -> dict[str, dict[str, Any]]:
    """Every combination's words, by its key."""
    return {
        case.key: words(render(case.kind, case.facts(), case.recipient), case.recipient.channel)
        for case in cases()
    }


def current_render(force_name: str = FORCE_NAME) -> Render:
    """The renderer of this tree, taking the facts as the file's cases give them."""
    renderer = ReplyRenderer(force_name)

    def render(kind: ReplyKind, facts: ReportFacts, recipient: Recipient) -> Rendered:
        to = addressee(facts)
        assert to is not None, "every case has contact details"
        return renderer.render(kind, to, recipient)

    return render


def write(replies: dict[str, dict[str, Any]], path: Path = GOLDEN) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(replies, indent=1, ensure_ascii=False)
    path.write_text(body + "\n", encoding="utf-8")


def read(path: Path = GOLDEN) -> dict[str, dict[str, Any]]:
    replies: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return replies


if __name__ == "__main__":
    write(renderings(current_render()))
    print(f"{GOLDEN}: {len(read())} replies; review the diff, it is a wording change")  # noqa: T201
