"""Triage on reports it was never tuned on, with the network cut off.

`frontdesk triage evaluate` runs on the held-out file in a network namespace of its own
(`unshare -n`), so the model can only come from the installed wheel. The figures asserted
are accuracy, not timings: every emergency the safety net misses is someone not told to
call 999.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.triage, pytest.mark.timeout(900)]

ROOT = Path(__file__).parents[2]
HOLDOUT = ROOT / "tests" / "data" / "triage" / "holdout.jsonl"
#: Ordinary calm reports, most of what a force receives, written apart from the training file.
EVERYDAY = ROOT / "tests" / "data" / "triage" / "holdout_everyday.jsonl"
FRONTDESK = Path(sys.executable).with_name("frontdesk")
EMERGENCY_LINE = re.compile(
    r"^possible emergency: recall (?P<recall>[\d.]+) \((?P<caught>\d+)/(?P<emergencies>\d+)\), "
    r"false alarms (?P<rate>[\d.]+) \((?P<alarms>\d+)/(?P<others>\d+)\)$"
)
GRADE_LINE = re.compile(r"^grade: (?P<ok>\d+) of (?P<graded>\d+) at or above the expected urgency$")


def _evaluate_offline(path: Path) -> list[str]:
    """`frontdesk triage evaluate` in a network namespace of its own: no network at all."""
    unshare = shutil.which("unshare")
    assert unshare is not None, "util-linux's unshare is needed to cut the network off"
    command = [unshare, "--net", "--map-root-user", str(FRONTDESK), "triage", "evaluate"]
    done = subprocess.run(
        [*command, str(path)], capture_output=True, text=True, timeout=840, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    print(done.stdout)  # noqa: T201 - the figures belong in the test log
    return done.stdout.strip().splitlines()


@pytest.fixture(scope="module")
def evaluation() -> list[str]:
    return _evaluate_offline(HOLDOUT)


def test_the_network_really_is_cut_off_in_the_evaluation_namespace() -> None:
    command = [
        "unshare",
        "--net",
        "--map-root-user",
        sys.executable,
        "-c",
        "import socket; socket.create_connection(('127.0.0.1', 9), timeout=2)",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode != 0
    assert "Network is unreachable" in done.stderr or "Connection refused" in done.stderr


def test_the_held_out_emergencies_are_caught_with_few_false_alarms(evaluation: list[str]) -> None:
    found = EMERGENCY_LINE.match(evaluation[-2])
    assert found is not None, evaluation[-2]

    assert int(found["emergencies"]) >= 100
    assert int(found["caught"]) / int(found["emergencies"]) >= 0.95
    assert int(found["alarms"]) / int(found["others"]) <= 0.20


def test_the_held_out_reports_are_graded_at_least_as_urgently_as_they_should_be(
    evaluation: list[str],
) -> None:
    found = GRADE_LINE.match(evaluation[-1])
    assert found is not None, evaluation[-1]

    assert int(found["graded"]) >= 300
    assert int(found["ok"]) / int(found["graded"]) >= 0.85


def test_few_ordinary_reports_are_told_to_call_999() -> None:
    found = EMERGENCY_LINE.match(_evaluate_offline(EVERYDAY)[-2])
    assert found is not None

    assert int(found["emergencies"]) == 0
    assert int(found["others"]) >= 200
    assert int(found["alarms"]) / int(found["others"]) <= 0.15
