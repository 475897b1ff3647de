"""The local stack's own rules that can be checked without starting anything."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from shared.secret_guard import problem_with
from shared.settings import SecretSetting

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))

import kafka_server
import stack


def test_kafka_cluster_ids_never_start_with_a_dash() -> None:
    # StorageTool reads "-t -abc..." as two options; about one random id in 64 did this.
    ids = [kafka_server.cluster_id() for _ in range(3000)]

    assert not [cluster_id for cluster_id in ids if cluster_id.startswith("-")]
    assert all(len(cluster_id) == 22 for cluster_id in ids)
    assert len(set(ids)) == len(ids)


def _ports(stack_: stack.Stack) -> list[int]:
    return [
        stack_.kafka_port,
        stack_.controller_port,
        stack_.kafka_admin_port,
        stack_.mongo_port,
        stack_.smtp_port,
        stack_.notify_port,
        stack_.notifier_port,
        stack_.webhook_port,
        *([stack_.keycloak_port] if stack_.keycloak_port else []),
    ]


def test_no_two_servers_of_any_stacks_share_a_port() -> None:
    ports = [port for stack_ in stack.STACKS.values() for port in _ports(stack_)]

    assert len(set(ports)) == len(ports)
    assert [s.webhook_port for s in stack.STACKS.values()] == [8091, 18091, 28091]


def test_services_are_told_where_the_webhook_sink_listens_and_its_secret() -> None:
    test_stack = stack.STACKS["test"]

    environment = test_stack.environment()

    assert environment["ALERTING_LOCAL_WEBHOOK_URL"] == "http://127.0.0.1:18091/alerts"
    assert environment["FRONTDESK_WEBHOOK_DIR"] == str(stack.ROOT / ".local/test/webhooks")
    assert environment["ALERTING_WEBHOOK_SECRET"] == stack.WEBHOOK_SECRET


def test_the_local_webhook_secret_is_refused_outside_the_local_stacks() -> None:
    setting = SecretSetting("ALERTING_WEBHOOK_SECRET", (stack.WEBHOOK_SECRET,), required=True)

    assert problem_with(setting) == "ALERTING_WEBHOOK_SECRET is a local-stack default"


def test_the_webhook_sink_is_a_server_of_the_stack_with_a_readiness_check() -> None:
    test_stack = stack.STACKS["test"]

    command = stack._command(test_stack, "webhook")

    assert "webhook" in stack.SERVERS
    assert set(stack.READINESS) == set(stack.SERVERS)
    assert command[1] == str(stack.WEBHOOK_SINK)
    assert command[2:] == [
        *("--port", "18091", "--dir", str(test_stack.webhook_dir)),
        *("--secret", stack.WEBHOOK_SECRET),
    ]


def test_a_fresh_start_forgets_the_webhook_calls(tmp_path: Path) -> None:
    # Every folder of its own: wiping must not touch the test stack the suite runs on.
    local = replace(
        stack.STACKS["test"],
        name="unit-wipe",
        mail_dir=tmp_path / "mail",
        webhook_dir=tmp_path / "webhooks",
    )
    assert not local.home.exists()
    local.webhook_dir.mkdir()
    (local.webhook_dir / "1.json").write_text("{}")

    stack.wipe(local)

    assert not local.webhook_dir.exists()
