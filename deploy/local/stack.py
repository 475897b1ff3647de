"""Start and stop the local servers frontdesk needs, as plain processes (no Docker).

A *stack* is Kafka (KRaft, broker and controller in one process), the mongo-java-server
launcher, the local SMTP sink, the GOV.UK Notify stand-in, the webhook sink and (`run` and
`test`) Keycloak, the OpenID Connect provider, each with its own ports, data and logs
under `.local/`.
`make run` uses the `run` stack, `make test` the `test` stack and `make bench` the `bench`
stack, so all can be up at once.

    python deploy/local/stack.py start run|test
    python deploy/local/stack.py stop run|test
    python deploy/local/stack.py env test      # prints the variables that point at it
    python deploy/local/stack.py exec test --fresh -- pytest   # start, run, stop
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import readiness

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import kafka_server  # noqa: E402
import keycloak  # noqa: E402
from stacks import (  # noqa: E402 - re-exported: callers name them `stack.<name>`
    DEMO_PASSWORDS,
    NOTIFY_API_KEY,
    RECEIPT_TOKEN,
    STACKS,
    STATUS_TOKEN_SECRET,
    WEBHOOK_SECRET,
    Stack,
)

__all__ = [
    "DEMO_PASSWORDS",
    "NOTIFY_API_KEY",
    "RECEIPT_TOKEN",
    "ROOT",
    "STACKS",
    "STATUS_TOKEN_SECRET",
    "WEBHOOK_SECRET",
    "Stack",
]

JARS = ROOT / ".local" / "jars"
LAUNCHER = ROOT / "deploy" / "local" / "MongoWireServer.java"
MAILSINK = ROOT / "deploy" / "local" / "mailsink.py"
NOTIFY_STANDIN = ROOT / "deploy" / "local" / "notify_standin.py"
WEBHOOK_SINK = ROOT / "deploy" / "local" / "webhook_sink.py"
READY_TIMEOUT_S = 90.0


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


def _spawn(
    stack: Stack, server: str, command: list[str], environment: dict[str, str] | None = None
) -> None:
    pid_file = stack.pid_file(server)
    if _running_pid(pid_file) is not None:
        print(f"{server} already running ({stack.name})")
        return
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    log = stack.log_file(server)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={**os.environ, **environment} if environment else None,
            start_new_session=True,
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
    timeout_s = keycloak.READY_TIMEOUT_S if server == "keycloak" else READY_TIMEOUT_S
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if answers(stack):
            print(f"{server} ready ({stack.name})")
            return
        if _running_pid(stack.pid_file(server)) is None:
            sys.exit(f"{server} exited during start; see {stack.log_file(server)}")
        time.sleep(0.5)
    sys.exit(f"{server} did not answer within {timeout_s:.0f}s; see {stack.log_file(server)}")


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
        "keycloak": stack.keycloak_port,
    }
    taken = [f"{name} {port}" for name, port in ports.items() if port and _port_taken(port)]
    if taken:
        sys.exit(f"ports in use by another process: {', '.join(taken)}; stop it first")


SERVERS = ("kafka", "mongo", "smtp", "notify", "webhook", "keycloak")


def servers_of(stack: Stack) -> tuple[str, ...]:
    """The stack's servers: all, but Keycloak only where the stack has a port for it."""
    return tuple(s for s in SERVERS if s != "keycloak" or stack.keycloak_port is not None)


def _command(stack: Stack, server: str) -> list[str]:
    if server == "kafka":
        return _java(["kafka.Kafka", str(_format_kafka(stack))], "768m")
    if server == "keycloak":
        return keycloak.command(stack)
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
    "keycloak": keycloak.answers,
}


def _launch(stack: Stack, server: str) -> None:
    environment = None
    if server == "keycloak":
        keycloak.prepare(stack)
        environment = keycloak.process_environment(stack)
    _spawn(stack, server, _command(stack, server), environment)


def start_server(stack: Stack, server: str) -> None:
    """Start one server of the stack (e.g. after a fault test stopped it) and wait for it."""
    _launch(stack, server)
    _wait_until(stack, server, READINESS[server])
    if server == "kafka":
        kafka_server.provision(stack)


def start(stack: Stack) -> None:
    if not any(JARS.glob("kafka_2.13-*.jar")):
        sys.exit("Kafka jars missing: run `make jars` first")
    if stack.keycloak_port is not None and not keycloak.installed():
        sys.exit("Keycloak missing: run `make keycloak` first")
    if all(_running_pid(stack.pid_file(s)) is None for s in servers_of(stack)):
        _ports_free(stack)
    for server in servers_of(stack):  # all at once: Keycloak boots while Kafka provisions
        _launch(stack, server)
    for server in ("mongo", "smtp", "notify", "webhook", "kafka"):
        _wait_until(stack, server, READINESS[server])
    kafka_server.provision(stack)
    if stack.keycloak_port is not None:
        _wait_until(stack, "keycloak", READINESS["keycloak"])


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
    for server in reversed(servers_of(stack)):
        stop_server(stack, server)


def wipe(stack: Stack) -> None:
    """Forget a stopped stack's data, so the next start is from nothing."""
    folders = (stack.home / "kafka", stack.home / "mongo", stack.mail_dir, stack.sms_dir)
    for folder in (*folders, stack.webhook_dir, keycloak.data_dir(stack)):
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
