"""compose.yaml cannot run here (no Docker engine), so check it against the Compose spec.

The schema is compose-go v2.16.2's `schema/compose-spec.json` (Apache-2.0), the one
`docker compose` itself validates with, fetched from the Go module proxy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from services.system import SERVICES, SYSTEM
from shared.kafka_access import principals
from shared.kafka_cli import password_variable

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def test_compose_file_is_valid_against_the_compose_spec(compose: dict[str, Any]) -> None:
    schema = json.loads((ROOT / "tests" / "data" / "compose-spec.json").read_text())

    jsonschema.validate(compose, schema)


def test_every_service_runs_from_the_one_dockerfile_with_a_healthcheck(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    for name in SERVICES:
        service = services[name]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert service["command"] == ["python", "-m", f"services.{name}"]
        assert "healthcheck" in service
    assert (ROOT / "deploy" / "Dockerfile").is_file()


def test_services_wait_for_healthy_dependencies_that_have_healthchecks(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    for name in SERVICES:
        for dependency, condition in services[name]["depends_on"].items():
            if dependency == "kafka-provision":  # a one-shot job: wait for it to finish
                assert condition == {"condition": "service_completed_successfully"}
                dependency = "kafka"  # noqa: PLW2901 - which it waits for, healthy
                condition = services["kafka-provision"]["depends_on"][dependency]  # noqa: PLW2901
            assert condition == {"condition": "service_healthy"}
            assert "healthcheck" in services[dependency], dependency


def test_kafka_runs_kraft_and_mongo_a_replica_set(compose: dict[str, Any]) -> None:
    kafka, mongo = compose["services"]["kafka"], compose["services"]["mongo"]

    assert kafka["image"].startswith("apache/kafka:4")
    assert kafka["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert mongo["image"] == "mongo:8"
    assert "--replSet" in mongo["command"]


def test_finding_1_kafka_authenticates_every_client_and_denies_what_no_acl_grants(
    compose: dict[str, Any],
) -> None:
    kafka = compose["services"]["kafka"]["environment"]
    protocols = dict(
        pair.split(":") for pair in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
    )

    assert set(protocols.values()) == {"SASL_PLAINTEXT"}
    assert kafka["KAFKA_AUTHORIZER_CLASS_NAME"].endswith("StandardAuthorizer")
    assert kafka["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def test_finding_1_each_service_signs_in_to_kafka_as_its_own_principal(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    provision = services["kafka-provision"]["environment"]
    for name in SERVICES:
        environment = services[name]["environment"]
        assert environment["KAFKA_USERNAME"] == name
        variable = password_variable(name)
        assert environment["KAFKA_PASSWORD"] == f"${{{variable}:?see README, Docker}}"
        assert provision[variable] == environment["KAFKA_PASSWORD"]
    for principal in principals(SYSTEM):
        assert password_variable(principal) in provision


def test_finding_3_the_operations_ports_are_published_on_loopback_only(
    compose: dict[str, Any],
) -> None:
    published = {name: service.get("ports", []) for name, service in compose["services"].items()}

    assert published["console"] == ["127.0.0.1:8007:8007"]
    assert published["keycloak"] == ["127.0.0.1:8080:8080"]
    assert published["alerting"] == ["127.0.0.1:8006:8006"]
    assert [name for name, ports in published.items() if ports] == [
        "intake",
        "alerting",
        "keycloak",
        "console",
    ]


def test_the_console_signs_in_at_the_provider_compose_runs_from_its_realm_file(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    keycloak, console = services["keycloak"], services["console"]["environment"]

    assert keycloak["image"] == "quay.io/keycloak/keycloak:26.5.6"
    assert keycloak["command"][:2] == ["start-dev", "--import-realm"]
    (realm,) = keycloak["volumes"]
    assert realm.startswith(
        "./deploy/local/keycloak/frontdesk-realm.json:/opt/keycloak/data/import/"
    )
    assert (ROOT / "deploy" / "local" / "keycloak" / "frontdesk-realm.json").is_file()
    assert "http://keycloak:8080/realms/frontdesk" in console["CONSOLE_OIDC_ISSUER"]
    assert "--hostname=http://keycloak:8080" in keycloak["command"]  # the issuer tokens name
    assert services["console"]["depends_on"]["keycloak"] == {"condition": "service_healthy"}


def test_finding_4_compose_refuses_to_start_without_the_production_secrets(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    required = {
        "intake": ["INTAKE_API_KEYS", "INTAKE_STATUS_TOKEN_SECRET"],
        "notifier": ["NOTIFIER_RECEIPT_TOKEN"],
        "alerting": [
            "ALERTING_LINK_SECRET",
            "ALERTING_STAFF_KEYS",
            "ALERTING_WEBHOOK_SECRET",
            "NOTIFY_API_KEY",
        ],
        "console": ["CONSOLE_OIDC_CLIENT_SECRET", "CONSOLE_AUDIT_DIGEST_KEY"],
        "keycloak": ["KC_BOOTSTRAP_ADMIN_PASSWORD"],
    }
    for name, secrets in required.items():
        for secret in secrets:
            assert services[name]["environment"][secret].startswith(f"${{{secret}:?"), secret


def test_the_webhook_receiver_checks_signatures_with_the_secret_alerting_signs_with(
    compose: dict[str, Any],
) -> None:
    """The receiver reads WEBHOOK_SINK_SECRET (deploy/local/webhook_sink.py); given another
    name, it would not start, and alerting would wait for it for ever."""
    services = compose["services"]
    sink = services["webhooksink"]["environment"]
    alerting = services["alerting"]["environment"]
    assert sink["WEBHOOK_SINK_SECRET"] == alerting["ALERTING_WEBHOOK_SECRET"]
    assert services["alerting"]["depends_on"]["webhooksink"]["condition"] == "service_healthy"
