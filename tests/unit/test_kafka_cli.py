"""`frontdesk kafka provision` holds every principal's password to the start guard's rules."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from services.cli import app
from services.system import SYSTEM
from shared.kafka_access import principals
from shared.kafka_cli import password_variable


@pytest.fixture
def strong_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    for principal in principals(SYSTEM):
        monkeypatch.setenv(password_variable(principal), f"{principal}-" + "p" * 40)


@pytest.mark.usefixtures("strong_passwords")
@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", "KAFKA_PASSWORD_OF_CHANNEL_PARTNER is not set"),
        ("pw-9f3k", "KAFKA_PASSWORD_OF_CHANNEL_PARTNER is shorter than 32 bytes"),
        ("local-only-" + "x" * 40, "KAFKA_PASSWORD_OF_CHANNEL_PARTNER is a local-stack default"),
    ],
)
def test_finding_4_provisioning_refuses_a_weak_principal_password_before_connecting(
    monkeypatch: pytest.MonkeyPatch, password: str, problem: str
) -> None:
    monkeypatch.setenv("KAFKA_PASSWORD_OF_CHANNEL_PARTNER", password)

    result = CliRunner().invoke(app, ["kafka", "provision"])

    assert result.exit_code == 2
    assert problem in " ".join(result.output.split())
    assert password not in result.output or not password


def test_the_acls_are_listed_for_review() -> None:
    result = CliRunner().invoke(app, ["kafka", "acls"])

    assert result.exit_code == 0
    assert "submission.received.partner.v1" in result.output
