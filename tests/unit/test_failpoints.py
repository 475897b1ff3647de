"""Fail points: armed only by the environment, and then deadly at exactly the nth passage."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from shared import failpoints

PASS_FIVE_TIMES = textwrap.dedent(
    """
    from shared.failpoints import AFTER_STORE, failpoint
    for passage in range(1, 6):
        failpoint(AFTER_STORE)
        print(passage, flush=True)
    """
)


def _run_child(spec: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != failpoints.ENVIRONMENT_VARIABLE}
    if spec is not None:
        env[failpoints.ENVIRONMENT_VARIABLE] = spec
    return subprocess.run(
        [sys.executable, "-c", PASS_FIVE_TIMES],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_process_dies_by_sigkill_at_the_armed_passage_and_not_before() -> None:
    child = _run_child("after_store=3")

    assert child.returncode == -signal.SIGKILL
    assert child.stdout.split() == ["1", "2"]


def test_unarmed_or_armed_elsewhere_a_fail_point_does_nothing() -> None:
    for spec in (None, "before_commit=1"):
        child = _run_child(spec)
        assert child.returncode == 0, child.stderr
        assert child.stdout.split() == ["1", "2", "3", "4", "5"]


def test_the_specification_is_parsed_with_clear_errors() -> None:
    assert failpoints.parse(" after_store=10, before_commit=2 ") == {
        "after_store": 10,
        "before_commit": 2,
    }
    assert failpoints.parse("") == {}
    with pytest.raises(ValueError, match="unknown fail point 'after_stroe'"):
        failpoints.parse("after_stroe=1")
    with pytest.raises(ValueError, match="before_commit needs a count of 1 or more"):
        failpoints.parse("before_commit=0")
    with pytest.raises(ValueError, match="after_store needs a count"):
        failpoints.parse("after_store")
