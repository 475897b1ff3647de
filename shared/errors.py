"""The two kinds of failure every consumer distinguishes (DESIGN.md §4.4)."""


class PermanentError(Exception):
    """A message that can never be processed, whatever is retried: dead-letter it."""


class TransientError(Exception):
    """A dependency is unavailable right now: retry with backoff, never acknowledge."""
