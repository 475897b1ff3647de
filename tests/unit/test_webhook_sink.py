"""The webhook sink's own rules (deploy/local/webhook_sink.py), without a server: the
integration test posts real calls to the stack's sink."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))

from webhook_sink import Call, CallFolder, answer_for, fail_status


def _call(path: str = "/alerts", key: str | None = "key-1", verified: bool = True) -> Call:
    return Call(path, key, verified, {"kind": "possible_emergency"})


def test_a_fail_path_names_the_status_to_answer() -> None:
    assert fail_status("/fail/500/alerts") == 500
    assert fail_status("/fail/429") == 429
    assert fail_status("/alerts/fail/500") is None
    assert fail_status("/failing/500") is None


@pytest.mark.parametrize("path", ["/fail/200/alerts", "/fail/abc/alerts", "/fail//x", "/fail/600"])
def test_a_fail_path_without_a_4xx_or_5xx_is_refused(path: str) -> None:
    with pytest.raises(ValueError, match="not a 4xx or 5xx"):
        fail_status(path)


def test_the_failure_asked_for_comes_first_then_the_signature_then_the_body() -> None:
    assert answer_for(_call("/fail/503/x", verified=False), is_json=False)[0] == 503
    assert answer_for(_call(verified=False), is_json=False)[0] == 401
    assert answer_for(_call(), is_json=False)[0] == 400
    assert answer_for(_call(), is_json=True)[0] == 200


def test_calls_are_numbered_and_written_whole(tmp_path: Path) -> None:
    folder = CallFolder(tmp_path)

    first = folder.keep(_call(), 200)
    second = folder.keep(_call(key="key-2"), 401)

    assert (first["number"], second["number"]) == (1, 2)
    assert json.loads((tmp_path / "2.json").read_text()) == second
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.json", "2.json"]  # no partials


def test_only_a_delivered_key_makes_a_later_call_a_repeat(tmp_path: Path) -> None:
    folder = CallFolder(tmp_path)

    refused = folder.keep(_call(verified=False), 401)
    failed = folder.keep(_call(), 500)
    delivered = folder.keep(_call(), 200)
    retried = folder.keep(_call(), 200)
    keyless = [folder.keep(_call(key=None), 200) for _ in range(2)]

    assert [r["repeat"] for r in (refused, failed, delivered, retried)] == [
        False,
        False,
        False,
        True,
    ]
    assert [r["repeat"] for r in keyless] == [False, False]


def test_a_restarted_sink_goes_on_numbering_and_remembers_delivered_keys(tmp_path: Path) -> None:
    CallFolder(tmp_path).keep(_call(), 200)
    CallFolder(tmp_path).keep(_call(key="key-2"), 500)

    again = CallFolder(tmp_path)
    retried = again.keep(_call(), 200)
    other = again.keep(_call(key="key-2"), 200)

    assert (retried["number"], retried["repeat"]) == (3, True)
    assert (other["number"], other["repeat"]) == (4, False)  # key-2 had only failed
