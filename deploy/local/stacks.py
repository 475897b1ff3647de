"""Where each local stack listens and keeps its data (`run`, `test`, `bench`), and the
local-only secrets its servers and services share. `stack.py` starts and stops them."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import kafka_server  # noqa: E402

from services.system import SYSTEM  # noqa: E402
from shared.kafka_access import new_passwords, principals  # noqa: E402

#: Local-only secrets: the stand-in's API key, the token its receipts carry, and the
#: secret that signs alert webhooks to the webhook sink.
NOTIFY_API_KEY = (
    "frontdesk_local-7c1f5c0e-3b8a-4d2e-9a61-5f0d2b8c4e11-0e6f0b7c-1d2a-4c5b-8e9f-a0b1c2d3e4f5"
)
RECEIPT_TOKEN = "local-only-receipt-token"  # noqa: S105 - local stacks only
WEBHOOK_SECRET = "local-only-alerting-webhook-secret"  # noqa: S105 - local stacks only
#: The status tokens' secret, one value for intake (which checks them) and the notifier
#: (which puts them in its links); `make run` gives intake the same (deploy/local/run.py).
STATUS_TOKEN_SECRET = "local-only-status-token-secret"  # noqa: S105 - local stacks only
#: Where the notifier's links send reporters: intake on its `make run` port.
STATUS_PAGE_URL = "http://127.0.0.1:8000"
#: The local OpenID Connect provider's (Keycloak, deploy/local/keycloak.py) client secrets
#: and demo users' passwords; deploy/local/keycloak/frontdesk-realm.json holds the same.
OIDC_REALM = "frontdesk"
CONSOLE_OIDC_CLIENT_ID = "frontdesk-console"
CONSOLE_OIDC_CLIENT_SECRET = "local-only-console-oidc-client-secret"  # noqa: S105
#: Password grant, for tests and scripts: a client of the local realm only.
OIDC_TEST_CLIENT_ID = "frontdesk-tests"
OIDC_TEST_CLIENT_SECRET = "local-only-tests-oidc-client-secret"  # noqa: S105
DEMO_USERS = ("viewer", "operator", "operator2", "supervisor", "auditor", "newstarter")
DEMO_PASSWORDS = {user: f"local-only-{user}-password" for user in DEMO_USERS}


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
    #: The OpenID Connect provider; the bench stack has none (it signs nobody in).
    keycloak_port: int | None = None

    @property
    def home(self) -> Path:
        return ROOT / ".local" / self.name

    @property
    def kafka_admin_port(self) -> int:
        """The internal listener: the broker itself and provisioning, as `admin`."""
        return self.kafka_port + 2

    def kafka_passwords(self) -> dict[str, str]:
        """Local-only passwords of every Kafka principal, made once per stack's data; a
        service added since the stack's data was made gets its own (provisioning creates
        its credential at the next start)."""
        path = self.home / "kafka" / "credentials.json"
        names = [kafka_server.ADMIN, kafka_server.OPERATOR, *principals(SYSTEM)]
        known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        missing = [name for name in names if name not in known]
        if missing:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(known | new_passwords(missing)))
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

    @property
    def oidc_issuer(self) -> str | None:
        if self.keycloak_port is None:
            return None
        return f"http://127.0.0.1:{self.keycloak_port}/realms/{OIDC_REALM}"

    def oidc_environment(self) -> dict[str, str]:
        """Where the console signs staff in, and the tests' client and demo passwords."""
        if self.oidc_issuer is None:
            # The bench stack runs no provider: its console projects every event (its cost
            # is measured) and nobody can sign in (sign-in answers 502).
            return {"CONSOLE_OIDC_ISSUER": "http://127.0.0.1:9/realms/no-provider-here"}
        return {
            "CONSOLE_OIDC_ISSUER": self.oidc_issuer,
            "CONSOLE_OIDC_CLIENT_ID": CONSOLE_OIDC_CLIENT_ID,
            "CONSOLE_OIDC_CLIENT_SECRET": CONSOLE_OIDC_CLIENT_SECRET,
            "FRONTDESK_OIDC_TEST_CLIENT_ID": OIDC_TEST_CLIENT_ID,
            "FRONTDESK_OIDC_TEST_CLIENT_SECRET": OIDC_TEST_CLIENT_SECRET,
            **{
                f"FRONTDESK_OIDC_DEMO_PASSWORD_{user.upper()}": password
                for user, password in DEMO_PASSWORDS.items()
            },
        }

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
            "INTAKE_STATUS_TOKEN_SECRET": STATUS_TOKEN_SECRET,
            "NOTIFIER_STATUS_TOKEN_SECRET": STATUS_TOKEN_SECRET,
            "NOTIFIER_STATUS_PAGE_URL": STATUS_PAGE_URL,
            "FRONTDESK_SMS_DIR": str(self.sms_dir),
            "FRONTDESK_WEBHOOK_DIR": str(self.webhook_dir),
            "ALERTING_LOCAL_WEBHOOK_URL": f"http://127.0.0.1:{self.webhook_port}/alerts",
            "ALERTING_WEBHOOK_SECRET": WEBHOOK_SECRET,
            **self.oidc_environment(),
        }

    @property
    def sms_dir(self) -> Path:
        return self.mail_dir.parent / "sms"


STACKS = {
    "run": Stack(
        *("run", 9092, 9093, 27017, 1025, ROOT / ".local" / "mail", 8090, 8003),
        webhook_port=8091,
        webhook_dir=ROOT / ".local" / "webhooks",
        keycloak_port=8180,
    ),
    "test": Stack(
        *("test", 19092, 19093, 37017, 11025, ROOT / ".local" / "test" / "mail", 18090, 18003),
        webhook_port=18091,
        webhook_dir=ROOT / ".local" / "test" / "webhooks",
        keycloak_port=18180,
    ),
    "bench": Stack(
        *("bench", 29092, 29093, 47017, 21025, ROOT / ".local" / "bench" / "mail", 28090, 28003),
        webhook_port=28091,
        webhook_dir=ROOT / ".local" / "bench" / "webhooks",
    ),
}
