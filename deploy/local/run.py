"""`make run`: the whole system on this machine, until Ctrl-C.

Starts the `run` stack (Kafka, the Mongo-wire server, the SMTP and webhook sinks, Keycloak), then
the six services as processes, waits until each answers `/health`, prints where everything
listens, and on Ctrl-C (or SIGTERM) stops the services gracefully, then the servers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stack

STACK = stack.STACKS["run"]
READY_TIMEOUT_S = 90.0


@dataclass(frozen=True)
class Service:
    name: str
    port: int
    what: str


#: Settings for a machine of one's own: API keys and a token secret nobody else uses.
#: Never use these anywhere reachable from another machine.
LOCAL_KEYS = {"local-web-key": "web", "local-phone-key": "phone", "local-partner-key": "partner"}
LOCAL_ONLY_SETTINGS = {
    "INTAKE_API_KEYS": json.dumps(LOCAL_KEYS),
    "INTAKE_STATUS_TOKEN_SECRET": "local-only-status-token-secret",
    "METRICS_TOKEN": "local-only-metrics-token",
    "ALERTING_POLICY_FILE": str(stack.ROOT / "deploy" / "local" / "alerts.toml"),
    "ALERTING_LINK_SECRET": "local-only-alert-link-secret",
    "ALERTING_STAFF_KEYS": json.dumps({"local-staff-key": "Local duty officer"}),
    "CONSOLE_AUDIT_DIGEST_KEY": "local-only-console-access-log-digest-key",
    # Allows the secrets above, refused anywhere else (shared/secret_guard.py).
    "FRONTDESK_ENVIRONMENT": "local",
}

SERVICES = (
    Service("intake", 8000, "public API: POST /v1/reports, OpenAPI at /openapi.json"),
    Service("classifier", 8001, "health at /health"),
    Service("reference_issuer", 8002, "health at /health"),
    Service("notifier", 8003, "health at /health"),
    Service("sla_watchdog", 8005, "health at /health (operations: the console)"),
    Service("alerting", 8006, "alerts: GET /v1/alerts (Bearer local-staff-key)"),
    Service("console", 8007, "the operations console: sign in at / (demo users in the README)"),
)


def start_services(
    stack_: stack.Stack, port_offset: int = 0, settings: dict[str, str] | None = None
) -> list[Running]:
    """Start the services against `stack_`, each on its port plus `port_offset`."""
    extra = settings or {}
    running = [_start(stack_, service, service.port + port_offset, extra) for service in SERVICES]
    try:
        for item in running:
            _wait_healthy(stack_, item)
    except BaseException:
        stop_services(running)
        raise
    return running


def stop_services(running: list[Running]) -> None:
    """SIGTERM every service, so each finishes in-flight work; kill what hangs."""
    for item in running:
        if item.process.poll() is None:
            item.process.send_signal(signal.SIGTERM)
    for item in running:
        try:
            item.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            item.process.kill()


@dataclass(frozen=True)
class Running:
    service: Service
    port: int
    process: subprocess.Popen[bytes]


def start_service(
    stack_: stack.Stack, name: str, port_offset: int = 0, settings: dict[str, str] | None = None
) -> Running:
    """Start one service (e.g. again after a fault test killed it) and wait until healthy."""
    running = launch_service(stack_, name, port_offset, settings)
    _wait_healthy(stack_, running)
    return running


def launch_service(
    stack_: stack.Stack, name: str, port_offset: int = 0, settings: dict[str, str] | None = None
) -> Running:
    """Start one service without waiting for it (one armed to die at a fail point may not
    live long enough to answer a health check)."""
    service = next(s for s in SERVICES if s.name == name)
    return _start(stack_, service, service.port + port_offset, settings or {})


def _public_url(service: Service, port: int) -> dict[str, str]:
    """Where the browser reaches the console: its sign-in callback is there."""
    if service.name != "console":
        return {}
    return {"CONSOLE_PUBLIC_URL": f"http://127.0.0.1:{port}"}


def _start(stack_: stack.Stack, service: Service, port: int, extra: dict[str, str]) -> Running:
    port_setting = {f"{service.name.upper()}_HTTP_PORT": str(port), **_public_url(service, port)}
    login = stack_.kafka_login(service.name)  # its own principal: only what its ACLs allow
    env = {
        **LOCAL_ONLY_SETTINGS,
        **os.environ,
        **stack_.environment(),
        **login,
        **extra,
        **port_setting,
    }
    log = stack_.log_file(service.name)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", f"services.{service.name}"],
            cwd=stack.ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Running(service, port, process)


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
            return bool(answer.status == HTTPStatus.OK)
    except OSError:
        return False


def _wait_healthy(stack_: stack.Stack, running: Running) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not _healthy(running.port):
        if running.process.poll() is not None or time.monotonic() > deadline:
            log = stack_.log_file(running.service.name)
            raise SystemExit(f"{running.service.name} did not start; see {log}")
        time.sleep(0.3)


def main() -> None:
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    stack.start(STACK)
    running: list[Running] = []
    try:
        running = start_services(STACK)
        _print_where(running)
        while not stopping.is_set() and all(r.process.poll() is None for r in running):
            stopping.wait(1.0)
    except KeyboardInterrupt:
        pass
    finally:
        print("\nstopping services...")
        stop_services(running)
        stack.stop(STACK)


def _print_where(running: list[Running]) -> None:
    print("\nfrontdesk is running (Ctrl-C stops everything):")
    for item in running:
        url = f"http://127.0.0.1:{item.port}"
        print(f"  {item.service.name:<17} {url}  pid {item.process.pid}  {item.service.what}")
    print(f"  {'kafka':<17} 127.0.0.1:{STACK.kafka_port} (SCRAM-SHA-512; `stack.py env run`)")
    print(f"  {'mongo-wire':<17} mongodb://127.0.0.1:{STACK.mongo_port}")
    print(f"  {'smtp sink':<17} 127.0.0.1:{STACK.smtp_port}, mail in {STACK.mail_dir}")
    webhook = f"http://127.0.0.1:{STACK.webhook_port}"
    print(f"  {'webhook sink':<17} {webhook}, calls in {STACK.webhook_dir}")
    users = ", ".join(f"{user}/{password}" for user, password in stack.DEMO_PASSWORDS.items())
    print(f"  {'keycloak (oidc)':<17} {STACK.oidc_issuer}  demo users {users}")
    print(f"  logs in {STACK.home / 'logs'}")


if __name__ == "__main__":
    main()
