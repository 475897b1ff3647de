"""The two kinds of failure every consumer distinguishes (DESIGN.md §4.4)."""


class PermanentError(Exception):
    """A message that can never be processed, whatever is retried: dead-letter it."""


class ConflictingFactError(PermanentError):
    """A later event contradicts a fact already recorded (a second, different reference for
    one report, say). The first fact stands; only a bug or a forgery makes such an event,
    so besides its dead letter it counts on the health alarm `frontdesk_conflicting_facts`."""


class TransientError(Exception):
    """A dependency is unavailable right now: retry with backoff, never acknowledge."""
