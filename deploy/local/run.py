"""`make run`: the whole system on this machine, until Ctrl-C.

Starts the `run` stack (Kafka, the Mongo-wire server, the SMTP sink), then the five
services as processes, waits until each answers `/health`, prints where everything
listens, and on Ctrl-C (or SIGTERM) stops the services gracefully, then the servers.
"""

from __future__ import annotations

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


SERVICES = (
    Service("intake", 8000, "public API: POST /v1/reports, docs at /docs"),
    Service("classifier", 8001, "health at /health"),
    Service("reference_issuer", 8002, "health at /health"),
    Service("notifier", 8003, "health at /health"),
    Service("sla_watchdog", 8005, "operations API: GET /v1/reports/{id}/sla"),
)


def _start(service: Service) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **STACK.environment(),
        f"{service.name.upper()}_HTTP_PORT": str(service.port),
    }
    log = STACK.log_file(service.name)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", f"services.{service.name}"],
            cwd=stack.ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
            return bool(answer.status == HTTPStatus.OK)
    except OSError:
        return False


def _wait_healthy(service: Service, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not _healthy(service.port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{service.name} did not start; see {STACK.log_file(service.name)}")
        time.sleep(0.3)


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    stack.start(STACK)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for service in SERVICES:
            processes.append(_start(service))
        for service, process in zip(SERVICES, processes, strict=True):
            _wait_healthy(service, process)
        _print_where(processes)
        while not stopping.is_set() and all(p.poll() is None for p in processes):
            stopping.wait(1.0)
    except KeyboardInterrupt:
        pass
    finally:
        print("\nstopping services...")
        _stop(processes)
        stack.stop(STACK)


def _print_where(processes: list[subprocess.Popen[bytes]]) -> None:
    print("\nfrontdesk is running (Ctrl-C stops everything):")
    for service, process in zip(SERVICES, processes, strict=True):
        url = f"http://127.0.0.1:{service.port}"
        print(f"  {service.name:<17} {url}  pid {process.pid}  {service.what}")
    print(f"  {'kafka':<17} 127.0.0.1:{STACK.kafka_port}")
    print(f"  {'mongo-wire':<17} mongodb://127.0.0.1:{STACK.mongo_port}")
    print(f"  {'smtp sink':<17} 127.0.0.1:{STACK.smtp_port}, mail in {STACK.mail_dir}")
    print(f"  logs in {STACK.home / 'logs'}")


if __name__ == "__main__":
    main()
