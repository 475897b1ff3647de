"""The local OpenID Connect provider's settings and realm file, checked without starting it
(tests/integration/test_identity_provider.py asks the running one)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))

import keycloak
import stack
import stacks

from shared.secret_guard import problem_with
from shared.settings import SecretSetting

TEST_STACK = stack.STACKS["test"]


def _realm() -> dict[str, Any]:
    realm: dict[str, Any] = json.loads(keycloak.REALM_FILE.read_text())
    return realm


def _client(client_id: str) -> dict[str, Any]:
    return next(c for c in _realm()["clients"] if c["clientId"] == client_id)


def test_run_and_test_stacks_have_a_provider_of_their_own_and_bench_none() -> None:
    ports = {name: stack_.keycloak_port for name, stack_ in stack.STACKS.items()}
    others = [p for s in stack.STACKS.values() for p in (s.kafka_port, s.mongo_port, s.notify_port)]

    assert ports == {"run": 8180, "test": 18180, "bench": None}
    assert not {8180, 18180} & set(others)
    assert "keycloak" not in stack.servers_of(stack.STACKS["bench"])
    assert stack.servers_of(TEST_STACK)[-1] == "keycloak"


def test_each_stack_keeps_the_providers_database_in_its_own_folder() -> None:
    run_env = keycloak.process_environment(stack.STACKS["run"])
    test_env = keycloak.process_environment(TEST_STACK)

    assert test_env["KC_DB_URL_PATH"] == str(stack.ROOT / ".local/test/keycloak")
    assert run_env["KC_DB_URL_PATH"] == str(stack.ROOT / ".local/run/keycloak")
    assert f"directory={stack.ROOT / '.local/test/keycloak'}/" in test_env["JAVA_OPTS_APPEND"]
    assert test_env["JAVA_HOME"].endswith("temurin-25-jdk-amd64")
    assert "-Xmx512m" in test_env["JAVA_OPTS_KC_HEAP"]


def test_the_provider_listens_on_loopback_with_its_urls_fixed_to_the_issuer() -> None:
    command = keycloak.command(TEST_STACK)

    assert command[0] == str(keycloak.DIST / "bin" / "kc.sh")
    assert command[1] == "start-dev"
    assert {"--http-host=127.0.0.1", "--http-port=18180", "--import-realm"} <= set(command)
    assert "--hostname=http://127.0.0.1:18180" in command
    assert TEST_STACK.oidc_issuer == "http://127.0.0.1:18180/realms/frontdesk"


def test_the_stack_tells_the_console_and_the_tests_where_the_provider_is() -> None:
    environment = TEST_STACK.environment()

    assert environment["CONSOLE_OIDC_ISSUER"] == "http://127.0.0.1:18180/realms/frontdesk"
    assert environment["CONSOLE_OIDC_CLIENT_ID"] == "frontdesk-console"
    assert environment["CONSOLE_OIDC_CLIENT_SECRET"] == stacks.CONSOLE_OIDC_CLIENT_SECRET
    assert environment["FRONTDESK_OIDC_TEST_CLIENT_ID"] == "frontdesk-tests"
    assert environment["FRONTDESK_OIDC_DEMO_PASSWORD_OPERATOR2"] == "local-only-operator2-password"
    bench = stack.STACKS["bench"].environment()
    assert [key for key in bench if "OIDC" in key] == ["CONSOLE_OIDC_ISSUER"]  # nobody signs in
    assert bench["CONSOLE_OIDC_ISSUER"].startswith("http://127.0.0.1:9/")


def test_the_realm_file_holds_the_stacks_secrets_and_passwords() -> None:
    users = {user["username"]: user for user in _realm()["users"]}

    assert _client("frontdesk-console")["secret"] == stacks.CONSOLE_OIDC_CLIENT_SECRET
    assert _client("frontdesk-tests")["secret"] == stacks.OIDC_TEST_CLIENT_SECRET
    assert set(users) == set(stacks.DEMO_PASSWORDS)
    for name, password in stacks.DEMO_PASSWORDS.items():
        assert users[name]["credentials"] == [
            {"type": "password", "value": password, "temporary": False}
        ]
        assert password.startswith("local-only-")


@pytest.mark.parametrize(
    "secret", [stacks.CONSOLE_OIDC_CLIENT_SECRET, stacks.OIDC_TEST_CLIENT_SECRET]
)
def test_the_local_client_secrets_are_refused_outside_the_local_stacks(secret: str) -> None:
    setting = SecretSetting("CONSOLE_OIDC_CLIENT_SECRET", (secret,), required=True)

    assert problem_with(setting) == "CONSOLE_OIDC_CLIENT_SECRET is a local-stack default"


def test_demo_users_sign_in_without_any_page_between_and_hold_their_roles_and_teams() -> None:
    users = {user["username"]: user for user in _realm()["users"]}
    teams = {group["name"] for group in _realm()["groups"]}

    assert {name: users[name]["realmRoles"] for name in users} == {
        "viewer": ["viewer"],
        "operator": ["operator"],
        "operator2": ["operator"],
        "supervisor": ["supervisor"],
        "auditor": ["auditor"],
        "newstarter": [],
    }
    assert users["operator"]["groups"] == ["/crime_bureau", "/lost_property"]
    assert users["operator2"]["groups"] == ["/road_policing"]
    assert {"control_room", "crime_bureau", "road_policing", "lost_property"} <= teams
    for user in users.values():
        assert user["emailVerified"] is True
        assert user["requiredActions"] == []
        assert all(user[field] for field in ("email", "firstName", "lastName"))


def test_the_console_client_is_confidential_code_flow_only_with_s256() -> None:
    console = _client("frontdesk-console")

    assert console["publicClient"] is False
    assert console["standardFlowEnabled"] is True
    assert console["directAccessGrantsEnabled"] is False
    assert console["implicitFlowEnabled"] is False
    assert console["frontchannelLogout"] is False
    assert console["attributes"]["pkce.code.challenge.method"] == "S256"
    assert console["redirectUris"] == [
        "http://127.0.0.1/*",  # no port: Keycloak lets a loopback IP's port vary
        "http://localhost:8007/*",
        "http://localhost:18007/*",
    ]
    assert console["attributes"]["post.logout.redirect.uris"].split("##") == console["redirectUris"]


@pytest.mark.parametrize("client_id", ["frontdesk-console", "frontdesk-tests"])
def test_both_clients_put_the_console_audience_roles_and_teams_in_their_tokens(
    client_id: str,
) -> None:
    client = _client(client_id)
    mappers = {mapper["name"]: mapper for mapper in client["protocolMappers"]}

    assert client["fullScopeAllowed"] is False  # the four roles only, none of Keycloak's
    audience = mappers["audience frontdesk-console"]["config"]
    assert audience["included.client.audience"] == "frontdesk-console"
    assert audience["access.token.claim"] == "true"
    assert mappers["roles"]["config"]["claim.name"] == "roles"
    assert mappers["roles"]["config"]["multivalued"] == "true"
    assert mappers["teams"]["config"]["full.path"] == "false"
    for name in ("roles", "teams"):
        assert mappers[name]["config"]["access.token.claim"] == "true"
        assert mappers[name]["config"]["id.token.claim"] == "true"


def test_the_realm_locks_out_guessing_and_keeps_tokens_and_sessions_short() -> None:
    realm = _realm()

    assert realm["bruteForceProtected"] is True
    assert realm["accessTokenLifespan"] == 300
    assert realm["ssoSessionIdleTimeout"] == 1800
    assert _client("frontdesk-tests")["standardFlowEnabled"] is False
    assert "local realm" in _client("frontdesk-tests")["description"]


def test_an_empty_data_folder_starts_from_the_seed_and_a_used_one_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keycloak, "DIST", tmp_path / "dist")
    monkeypatch.setattr(keycloak, "SEEDS", tmp_path / "seeds")
    monkeypatch.setattr(keycloak, "data_dir", lambda stack_: tmp_path / stack_.name)
    seed = keycloak._seed_file()
    seed.parent.mkdir()
    seed.write_bytes(b"seed")
    used = tmp_path / "run" / keycloak.DATABASE
    used.parent.mkdir(parents=True)
    used.write_bytes(b"used")

    keycloak.prepare(TEST_STACK)
    keycloak.prepare(stack.STACKS["run"])

    assert (tmp_path / "test" / keycloak.DATABASE).read_bytes() == b"seed"
    assert used.read_bytes() == b"used"
    assert (tmp_path / "dist/data/import/frontdesk-realm.json").read_bytes() == (
        keycloak.REALM_FILE.read_bytes()
    )


def test_a_fresh_start_forgets_the_providers_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keycloak, "data_dir", lambda stack_: tmp_path / "keycloak")
    local = replace(
        TEST_STACK, name="unit-wipe", mail_dir=tmp_path / "mail", webhook_dir=tmp_path / "hooks"
    )
    database = tmp_path / "keycloak" / keycloak.DATABASE
    database.parent.mkdir(parents=True)
    database.write_bytes(b"used")

    stack.wipe(local)

    assert not (tmp_path / "keycloak").exists()
