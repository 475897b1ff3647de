"""The local stacks' OpenID Connect provider: Keycloak (`make keycloak` fetches it), run in
its development mode on the Temurin 25 JDK, with the realm of
`deploy/local/keycloak/frontdesk-realm.json` (the console's client, the tests' client and a
demo user per role).

Each stack keeps Keycloak's database (H2 in a file) and transaction log under its own
`.local` folder, so the `run` and `test` stacks share nothing but the distribution, and a
fresh start imports the realm file again (a realm that exists is kept as it is).
"""

from __future__ import annotations

import json
import os
import shutil
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
#: Java 24+ refuses JBoss Threads' thread-local reset without it (seen at shutdown).
JAVA_OPTIONS = "--add-opens=java.base/java.lang=ALL-UNNAMED"
HTTP_OK = 200
#: A fresh database takes about 35 s (schema, master realm, import) on two cores beside
#: Kafka; the first start after `make keycloak` adds Quarkus' dev-mode build.
READY_TIMEOUT_S = 180.0


def installed() -> bool:
    return (DIST / "bin" / "kc.sh").exists()


def data_dir(stack: Stack) -> Path:
    return stack.home / "keycloak"


def command(stack: Stack) -> list[str]:
    """`kc.sh start-dev` on the loopback interface only, its URLs fixed to 127.0.0.1 and the
    stack's port (so every token's issuer is the one the console is told)."""
    port = _port(stack)
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
    data = data_dir(stack)
    object_store = data / "transaction-logs"
    return {
        "JAVA_HOME": os.environ.get("KEYCLOAK_JAVA_HOME", str(JAVA_HOME)),
        "KC_DB_URL_PATH": str(data),
        "JAVA_OPTS_KC_HEAP": HEAP,
        "JAVA_OPTS_APPEND": (
            f"-Dquarkus.transaction-manager.object-store.directory={object_store} {JAVA_OPTIONS}"
        ),
    }


def install_realm() -> None:
    """`--import-realm` reads the distribution's data/import: the realm file goes there
    before every start (the same file for every stack)."""
    folder = DIST / "data" / "import"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REALM_FILE, folder / REALM_FILE.name)


def discovery_url(issuer: str) -> str:
    return f"{issuer}/.well-known/openid-configuration"


def answers(stack: Stack) -> bool:
    """Whether the realm is imported and served: its discovery document names our issuer."""
    issuer = stack.oidc_issuer
    if issuer is None:
        return False
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
