"""Start and stop the local servers frontdesk needs, as plain processes (no Docker).

A *stack* is Kafka (KRaft, broker and controller in one process), the mongo-java-server
launcher, the local SMTP sink, the GOV.UK Notify stand-in and the webhook sink, each with
its own ports, data and logs under `.local/`.
`make run` uses the `run` stack, `make test` the `test` stack and `make bench` the `bench`
stack, so all can be up at once.

    python deploy/local/stack.py start run|test
    python deploy/local/stack.py stop run|test
    python deploy/local/stack.py env test      # prints the variables that point at it
    python deploy/local/stack.py exec test --fresh -- pytest   # start, run, stop
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import readiness

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import kafka_server  # noqa: E402

from services.system import SYSTEM  # noqa: E402
from shared.kafka_access import new_passwords, principals  # noqa: E402

JARS = ROOT / ".local" / "jars"
LAUNCHER = ROOT / "deploy" / "local" / "MongoWireServer.java"
MAILSINK = ROOT / "deploy" / "local" / "mailsink.py"
NOTIFY_STANDIN = ROOT / "deploy" / "local" / "notify_standin.py"
WEBHOOK_SINK = ROOT / "deploy" / "local" / "webhook_sink.py"
#: Local-only secrets: the stand-in's API key, the token its receipts carry, and the
#: secret that signs alert webhooks to the webhook sink.
NOTIFY_API_KEY = (
    "frontdesk_local-7c1f5c0e-3b8a-4d2e-9a61-5f0d2b8c4e11-0e6f0b7c-1d2a-4c5b-8e9f-a0b1c2d3e4f5"
)
RECEIPT_TOKEN = "local-only-receipt-token"  # noqa: S105 - local stacks only
WEBHOOK_SECRET = "local-only-alerting-webhook-secret"  # noqa: S105 - local stacks only
READY_TIMEOUT_S = 90.0


@dataclass(frozen=True)
class Stack:
    """Ports and folders of one local stack."""

    name: str
    kafka_port: int
    controller_port: int
    mongo_port: int
    smtp_port: int
    mail_dir: Path
    notify_port: int
    notifier_port: int
    webhook_port: int
    webhook_dir: Path

    @property
    def home(self) -> Path:
        return ROOT / ".local" / self.name

    @property
    def kafka_admin_port(self) -> int:
        """The internal listener: the broker itself and provisioning, as `admin`."""
        return self.kafka_port + 2

    def kafka_passwords(self) -> dict[str, str]:
        """Local-only passwords of every Kafka principal, made once per stack's data."""
        path = self.home / "kafka" / "credentials.json"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                json.dumps(
                    new_passwords([kafka_server.ADMIN, kafka_server.OPERATOR, *principals(SYSTEM)])
                )
            )
            path.chmod(0o600)
        passwords: dict[str, str] = json.loads(path.read_text())
        return passwords

    def kafka_login(self, principal: str) -> dict[str, str]:
        """The settings that make a process sign in to Kafka as `principal`."""
        return {
            "KAFKA_USERNAME": principal,
            "KAFKA_PASSWORD": self.kafka_passwords()[principal],
            "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        }

    def pid_file(self, server: str) -> Path:
        return self.home / "pids" / f"{server}.pid"

    def log_file(self, server: str) -> Path:
        return self.home / "logs" / f"{server}.log"

    def environment(self) -> dict[str, str]:
        return {
            "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{self.kafka_port}",
            **self.kafka_login(kafka_server.OPERATOR),
            "MONGODB_URI": f"mongodb://127.0.0.1:{self.mongo_port}",
            "SMTP_PORT": str(self.smtp_port),
            "FRONTDESK_MAIL_DIR": str(self.mail_dir),
            "NOTIFY_BASE_URL": f"http://127.0.0.1:{self.notify_port}",
            "NOTIFY_API_KEY": NOTIFY_API_KEY,
            "NOTIFIER_RECEIPT_TOKEN": RECEIPT_TOKEN,
            "FRONTDESK_SMS_DIR": str(self.sms_dir),
            "FRONTDESK_WEBHOOK_DIR": str(self.webhook_dir),
            "ALERTING_LOCAL_WEBHOOK_URL": f"http://127.0.0.1:{self.webhook_port}/alerts",
            "ALERTING_WEBHOOK_SECRET": WEBHOOK_SECRET,
        }

    @property
    def sms_dir(self) -> Path:
        return self.mail_dir.parent / "sms"


STACKS = {
    "run": Stack(
        *("run", 9092, 9093, 27017, 1025, ROOT / ".local" / "mail", 8090, 8003),
        webhook_port=8091,
        webhook_dir=ROOT / ".local" / "webhooks",
    ),
    "test": Stack(
        *("test", 19092, 19093, 37017, 11025, ROOT / ".local" / "test" / "mail", 18090, 18003),
        webhook_port=18091,
        webhook_dir=ROOT / ".local" / "test" / "webhooks",
    ),
    "bench": Stack(
        *("bench", 29092, 29093, 47017, 21025, ROOT / ".local" / "bench" / "mail", 28090, 28003),
        webhook_port=28091,
        webhook_dir=ROOT / ".local" / "bench" / "webhooks",
    ),
}


def _java(main: list[str], heap: str) -> list[str]:
    return ["java", f"-Xmx{heap}", "-cp", f"{JARS}/*", *main]


def _format_kafka(stack: Stack) -> Path:
    config = stack.home / "kafka" / "server.properties"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(kafka_server.properties(stack))
    config.chmod(0o600)  # it holds the admin password
    if (stack.home / "kafka" / "data" / "meta.properties").exists():
        return config
    subprocess.run(
        _java(
            [
                "kafka.tools.StorageTool",
                "format",
                "--standalone",
                "-t",
                kafka_server.cluster_id(),
                "-c",
                str(config),
            ],
            "256m",
        ),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return config


def _spawn(stack: Stack, server: str, command: list[str]) -> None:
    pid_file = stack.pid_file(server)
    if _running_pid(pid_file) is not None:
        print(f"{server} already running ({stack.name})")
        return
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    log = stack.log_file(server)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True
        )
    pid_file.write_text(str(process.pid))


def _running_pid(pid_file: Path) -> int | None:
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text())
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return None  # our own child, exited just now: reaped
    except ChildProcessError:
        pass  # started by another process: os.kill below tells whether it lives
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def _wait_until(stack: Stack, server: str, answers: Callable[[Stack], bool]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if answers(stack):
            print(f"{server} ready ({stack.name})")
            return
        if _running_pid(stack.pid_file(server)) is None:
            sys.exit(f"{server} exited during start; see {stack.log_file(server)}")
        time.sleep(0.5)
    sys.exit(f"{server} did not answer within {READY_TIMEOUT_S:.0f}s; see {stack.log_file(server)}")


def _port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _ports_free(stack: Stack) -> None:
    """Fail loudly if another process (say, a stack of another clone) holds our ports:
    otherwise the readiness checks would talk to its servers, not ours."""
    ports = {
        "kafka": stack.kafka_port,
        "kafka controller": stack.controller_port,
        "kafka internal": stack.kafka_admin_port,
        "mongo": stack.mongo_port,
        "smtp": stack.smtp_port,
        "notify": stack.notify_port,
        "webhook": stack.webhook_port,
    }
    taken = [f"{name} {port}" for name, port in ports.items() if _port_taken(port)]
    if taken:
        sys.exit(f"ports in use by another process: {', '.join(taken)}; stop it first")


SERVERS = ("kafka", "mongo", "smtp", "notify", "webhook")


def _command(stack: Stack, server: str) -> list[str]:
    if server == "kafka":
        return _java(["kafka.Kafka", str(_format_kafka(stack))], "768m")
    if server == "mongo":
        return _java([str(LAUNCHER), str(stack.mongo_port), str(stack.home / "mongo")], "512m")
    if server == "smtp":
        return [
            sys.executable,
            str(MAILSINK),
            "--port",
            str(stack.smtp_port),
            "--dir",
            str(stack.mail_dir),
        ]
    if server == "webhook":
        return [
            sys.executable,
            str(WEBHOOK_SINK),
            *("--port", str(stack.webhook_port), "--dir", str(stack.webhook_dir)),
            *("--secret", WEBHOOK_SECRET),
        ]
    return [
        sys.executable,
        str(NOTIFY_STANDIN),
        "--port",
        str(stack.notify_port),
        "--dir",
        str(stack.sms_dir),
        "--callback-url",
        f"http://127.0.0.1:{stack.notifier_port}/v1/receipts/notify",
        "--callback-token",
        RECEIPT_TOKEN,
    ]


READINESS: dict[str, Callable[[Stack], bool]] = {
    "mongo": lambda stack: readiness.mongo_answers(stack.mongo_port),
    "smtp": lambda stack: readiness.smtp_answers(stack.smtp_port),
    "notify": lambda stack: readiness.notify_answers(stack.notify_port),
    "webhook": lambda stack: readiness.webhook_answers(stack.webhook_port),
    "kafka": lambda stack: readiness.kafka_answers(kafka_server.admin(stack)),
}


def start_server(stack: Stack, server: str) -> None:
    """Start one server of the stack (e.g. after a fault test stopped it) and wait for it."""
    _spawn(stack, server, _command(stack, server))
    _wait_until(stack, server, READINESS[server])
    if server == "kafka":
        kafka_server.provision(stack)


def start(stack: Stack) -> None:
    if not any(JARS.glob("kafka_2.13-*.jar")):
        sys.exit("Kafka jars missing: run `make jars` first")
    if all(_running_pid(stack.pid_file(s)) is None for s in SERVERS):
        _ports_free(stack)
    for server in SERVERS:
        _spawn(stack, server, _command(stack, server))
    for server in ("mongo", "smtp", "notify", "webhook", "kafka"):
        _wait_until(stack, server, READINESS[server])
    kafka_server.provision(stack)


def stop_server(stack: Stack, server: str) -> None:
    """Stop one server by its PID: SIGTERM, then SIGKILL if it lingers past 30 s."""
    pid = _running_pid(stack.pid_file(server))
    if pid is None:
        return
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while _running_pid(stack.pid_file(server)) is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    if _running_pid(stack.pid_file(server)) is not None:
        os.killpg(pid, signal.SIGKILL)
    stack.pid_file(server).unlink(missing_ok=True)
    print(f"{server} stopped ({stack.name})")


def stop(stack: Stack) -> None:
    for server in reversed(SERVERS):
        stop_server(stack, server)


def wipe(stack: Stack) -> None:
    """Forget a stopped stack's data, so the next start is from nothing."""
    folders = (stack.home / "kafka", stack.home / "mongo", stack.mail_dir, stack.sms_dir)
    for folder in (*folders, stack.webhook_dir):
        shutil.rmtree(folder, ignore_errors=True)


def execute(stack: Stack, command: list[str], fresh: bool) -> int:
    """Run `command` against the stack, started for it and stopped after, whatever happens."""
    stop(stack)
    if fresh:
        wipe(stack)
    try:
        start(stack)
        return subprocess.call(command, env={**os.environ, **stack.environment()})
    finally:
        stop(stack)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop", "env", "exec"])
    parser.add_argument("stack", choices=sorted(STACKS))
    parser.add_argument("--fresh", action="store_true", help="exec: start from empty data")
    argv = sys.argv[1:]
    command = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    stack = STACKS[args.stack]
    if args.action == "start":
        start(stack)
    elif args.action == "stop":
        stop(stack)
    elif args.action == "exec":
        if not command:
            parser.error("exec needs a command after --")
        sys.exit(execute(stack, command, args.fresh))
    else:
        for key, value in stack.environment().items():
            print(f"export {key}={value}")


if __name__ == "__main__":
    main()
