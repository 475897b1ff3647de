"""The two kinds of failure every consumer distinguishes
(docs/architecture.md#dead-letters-and-refusals), and how a validation problem's location
is told without repeating what the sender made up."""

from __future__ import annotations

import re
from collections.abc import Sequence

#: A field name we could have declared; anything else in a location is the sender's own.
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
UNDECLARED_FIELD = "<undeclared field>"


def field_location(loc: Sequence[int | str], problem_type: str) -> list[int | str]:
    """`loc` of a pydantic problem, with the name of an undeclared field (one the sender
    invented, possibly 64 KiB of it) replaced unless it is a plausible field name."""
    parts = list(loc)
    if problem_type == "extra_forbidden" and parts:
        last = parts[-1]
        if not (isinstance(last, str) and _FIELD_NAME.match(last)):
            parts[-1] = UNDECLARED_FIELD
    return parts


class PermanentError(Exception):
    """A message that can never be processed, whatever is retried: dead-letter it."""


class ConflictingFactError(PermanentError):
    """A later event contradicts a fact already recorded (a second, different reference for
    one report, say). The first fact stands; only a bug or a forgery makes such an event,
    so besides its dead letter it counts on the health alarm `frontdesk_conflicting_facts`."""


class TransientError(Exception):
    """A dependency is unavailable right now: retry with backoff, never acknowledge."""
