"""The local stacks' Kafka passwords: made once per stack's data, kept across starts, and a
service added since the data was made gets a password of its own (`make run` on a
checkout whose `.local` predates the service would otherwise fail to provision it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))

import kafka_server
import stacks

from services.system import SERVICES


def test_passwords_are_kept_and_a_new_service_gets_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stacks, "ROOT", tmp_path)
    run = stacks.STACKS["run"]
    credentials = tmp_path / ".local" / "run" / "kafka" / "credentials.json"
    credentials.parent.mkdir(parents=True)
    before = {kafka_server.ADMIN: "kept-admin", "intake": "kept-intake"}
    credentials.write_text(json.dumps(before))

    passwords = run.kafka_passwords()

    assert passwords[kafka_server.ADMIN] == "kept-admin"
    assert passwords["intake"] == "kept-intake"
    assert set(SERVICES) | {kafka_server.ADMIN, kafka_server.OPERATOR} <= set(passwords)
    assert run.kafka_passwords() == passwords  # made once: a second read changes nothing
    assert oct(credentials.stat().st_mode & 0o777) == "0o600"
