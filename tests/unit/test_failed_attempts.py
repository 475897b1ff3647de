"""Failed attempts per client address in a sliding window."""

from __future__ import annotations

from shared.failed_attempts import FailedAttempts


def test_a_client_waits_once_it_failed_the_limit_within_the_window() -> None:
    failures = FailedAttempts(limit=3, window_s=60.0)
    for second in (0.0, 1.0, 2.0):
        assert failures.retry_after("10.0.0.1", second) is None
        failures.record("10.0.0.1", second)

    assert failures.retry_after("10.0.0.1", 3.0) == 57
    assert failures.retry_after("10.0.0.2", 3.0) is None  # another address is not held up


def test_failures_leave_the_window() -> None:
    failures = FailedAttempts(limit=2, window_s=10.0)
    failures.record("10.0.0.1", 0.0)
    failures.record("10.0.0.1", 5.0)

    assert failures.retry_after("10.0.0.1", 9.0) == 1
    assert failures.retry_after("10.0.0.1", 10.0) is None
