"""The local stacks' OpenID Connect provider: Keycloak (`make keycloak` fetches it), run in
its development mode on the Temurin 25 JDK, with the realm of
`deploy/local/keycloak/frontdesk-realm.json` (the console's client, the tests' client and a
demo user per role).

Each stack keeps Keycloak's database (H2 in a file) and transaction log under its own
`.local` folder, so the `run` and `test` stacks share nothing but the distribution, and a
fresh start begins from the realm file again (a realm that exists is kept as it is).

Two things keep the start short (measured in the branch's report): a *seed*, the database
of one start that imported the realm file (`python deploy/local/keycloak.py seed`, made by
`make keycloak`, remade whenever the realm file changes), copied into a stack's empty data
folder instead of creating the schema and importing again; and a class-data-sharing
archive (the classes that start loaded), written by the seed's JVM as it exits, which the
stacks' JVMs map read-only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stacks import Stack

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / ".local" / "keycloak" / "dist"
REALM_FILE = ROOT / "deploy" / "local" / "keycloak" / "frontdesk-realm.json"
#: Keycloak 26.5 needs Java 21 or later; the machine's default is 17, so only the Keycloak
#: process gets this JDK. KEYCLOAK_JAVA_HOME overrides it.
JAVA_HOME = Path("/usr/lib/jvm/temurin-25-jdk-amd64")
HEAP = "-Xms64m -Xmx512m"
#: Java 24+ refuses JBoss Threads' thread-local reset without it (seen at shutdown). The
#: C1 compiler alone starts it about 40% sooner on two busy cores (a password grant takes
#: 0.26 s instead of 0.15 s: fine for a handful of demo sign-ins).
JAVA_OPTIONS = "--add-opens=java.base/java.lang=ALL-UNNAMED -XX:TieredStopAtLevel=1"
HTTP_OK = 200
#: From a seed it answers in 10-25 s beside Kafka on two cores; without one (no `make
#: keycloak`) creating the schema and importing took up to 70 s, and the very first start
#: of a distribution adds Quarkus' dev-mode build.
READY_TIMEOUT_S = 180.0
SEEDS = ROOT / ".local" / "keycloak" / "seeds"
CLASS_ARCHIVE = SEEDS / "classes.jsa"
DATABASE = Path("data") / "h2" / "keycloakdb.mv.db"


def installed() -> bool:
    return (DIST / "bin" / "kc.sh").exists()


def data_dir(stack: Stack) -> Path:
    return stack.home / "keycloak"


def command(stack: Stack) -> list[str]:
    """`kc.sh start-dev` on the loopback interface only, its URLs fixed to 127.0.0.1 and the
    stack's port (so every token's issuer is the one the console is told)."""
    return _command(_port(stack))


def _command(port: int) -> list[str]:
    return [
        str(DIST / "bin" / "kc.sh"),
        "start-dev",
        "--http-host=127.0.0.1",
        f"--http-port={port}",
        f"--hostname=http://127.0.0.1:{port}",
        "--import-realm",
        "--log-console-color=false",
    ]


def process_environment(stack: Stack) -> dict[str, str]:
    """What `kc.sh` reads besides its options: the JDK, the heap, and where the stack's
    database (`kc.db-url-path`, under which dev-file keeps data/h2) and the transaction
    manager's object store go instead of the distribution's own data/ folder."""
    sharing = [f"-XX:SharedArchiveFile={CLASS_ARCHIVE}"] if CLASS_ARCHIVE.exists() else []
    return _environment(data_dir(stack), sharing)


def _environment(data: Path, class_sharing: list[str]) -> dict[str, str]:
    object_store = data / "transaction-logs"
    options = [
        f"-Dquarkus.transaction-manager.object-store.directory={object_store}",
        *class_sharing,
        JAVA_OPTIONS,
    ]
    return {
        "JAVA_HOME": os.environ.get("KEYCLOAK_JAVA_HOME", str(JAVA_HOME)),
        "KC_DB_URL_PATH": str(data),
        "JAVA_OPTS_KC_HEAP": HEAP,
        "JAVA_OPTS_APPEND": " ".join(options),
    }


def prepare(stack: Stack) -> None:
    """Before a start: the realm file where `--import-realm` reads it, and the seed's
    database in a data folder that has none yet."""
    install_realm()
    database = data_dir(stack) / DATABASE
    if not database.exists() and _seed_file().exists():
        database.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_seed_file(), database)


def install_realm() -> None:
    """`--import-realm` reads the distribution's data/import: the realm file goes there
    before every start (the same file for every stack)."""
    folder = DIST / "data" / "import"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REALM_FILE, folder / REALM_FILE.name)


def _seed_file() -> Path:
    """The seed of the realm file as it is now (its digest names it)."""
    digest = hashlib.sha256(REALM_FILE.read_bytes()).hexdigest()[:16]
    return SEEDS / f"{digest}.mv.db"


def seed(timeout_s: float = READY_TIMEOUT_S) -> None:
    """Start Keycloak once on an empty database, on a free port, until the realm is
    served; stop it and keep its database as the seed of this realm file."""
    if _seed_file().exists():
        return
    work = SEEDS / "work"
    shutil.rmtree(work, ignore_errors=True)
    CLASS_ARCHIVE.unlink(missing_ok=True)
    archive_at_exit = [f"-XX:ArchiveClassesAtExit={CLASS_ARCHIVE}"]
    install_realm()
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}/realms/frontdesk"
    with (SEEDS / "seed.log").open("wb") as log:
        process = subprocess.Popen(
            _command(port),
            env={**os.environ, **_environment(work, archive_at_exit)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(issuer, process, timeout_s)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=120)  # the JVM writes the class archive as it exits
    for old in SEEDS.glob("*.mv.db"):
        old.unlink()
    (work / DATABASE).rename(_seed_file())
    shutil.rmtree(work)
    print(f"keycloak seed made: {_seed_file().name}")


def _wait_for(issuer: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not issuer_answers(issuer):
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"keycloak did not start; see {SEEDS / 'seed.log'}")
        time.sleep(0.5)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def discovery_url(issuer: str) -> str:
    return f"{issuer}/.well-known/openid-configuration"


def answers(stack: Stack) -> bool:
    """Whether the realm is imported and served: its discovery document names our issuer."""
    return stack.oidc_issuer is not None and issuer_answers(stack.oidc_issuer)


def issuer_answers(issuer: str) -> bool:
    try:
        with urllib.request.urlopen(discovery_url(issuer), timeout=2) as answer:  # noqa: S310
            if answer.status != HTTP_OK:
                return False
            return bool(json.load(answer).get("issuer") == issuer)
    except (OSError, ValueError):
        return False


def _port(stack: Stack) -> int:
    if stack.keycloak_port is None:
        message = f"the {stack.name} stack has no OpenID Connect provider"
        raise ValueError(message)
    return stack.keycloak_port


if __name__ == "__main__":
    if sys.argv[1:] != ["seed"]:
        sys.exit("usage: keycloak.py seed")
    SEEDS.mkdir(parents=True, exist_ok=True)
    seed()
