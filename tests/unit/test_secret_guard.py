"""Finding 4: no development secret, short secret or missing secret outside the local stacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from services.classifier.settings import ClassifierSettings
from services.intake.settings import IntakeSettings
from services.notifier.settings import NotifierSettings
from services.reference_issuer.settings import ReferenceIssuerSettings
from services.sla_watchdog.settings import SlaWatchdogSettings
from shared.delivery import NotifySettings
from shared.events import Channel
from shared.secret_guard import UnsafeSecretsError, refuse_unsafe_secrets
from shared.settings import DeploymentSettings, MetricsSettings, ServiceSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))

import run as local_run
import stack

ROOT = Path(__file__).resolve().parents[2]
STRONG = "s" * 40
PRODUCTION = DeploymentSettings(environment="production")
LOCAL = DeploymentSettings(environment="local")


@pytest.fixture(autouse=True)
def _no_stack_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """`make test` runs with the test stack's settings in the environment; these tests say
    every setting they mean."""
    for name in list(os.environ):
        if name.startswith(("NOTIFY", "NOTIFIER_", "METRICS_", "KAFKA_", "INTAKE_", "REFERENCE_")):
            monkeypatch.delenv(name)


def _strong(deployment: DeploymentSettings = PRODUCTION) -> list[ServiceSettings]:
    """Every service configured as production should be."""
    return [
        IntakeSettings(
            deployment=deployment,
            api_keys={STRONG: Channel.WEB},
            status_token_secret=SecretStr(STRONG),
        ),
        ClassifierSettings(deployment=deployment),
        ReferenceIssuerSettings(deployment=deployment),
        NotifierSettings(
            deployment=deployment,
            receipt_token=SecretStr(STRONG),
            status_token_secret=SecretStr(STRONG),
        ),
        SlaWatchdogSettings(
            deployment=deployment, metrics=MetricsSettings(token=SecretStr(STRONG))
        ),
    ]


def _refusal(settings: ServiceSettings) -> str:
    with pytest.raises(UnsafeSecretsError) as refused:
        refuse_unsafe_secrets(settings)
    return str(refused.value)


def test_strong_secrets_start_in_production() -> None:
    for settings in _strong():
        refuse_unsafe_secrets(settings)  # raises if refused


def test_finding_4_missing_secrets_are_refused_in_production_naming_each() -> None:
    intake = _refusal(IntakeSettings(deployment=PRODUCTION))
    notifier = _refusal(NotifierSettings(deployment=PRODUCTION))

    assert "INTAKE_API_KEYS is not set" in intake
    assert "INTAKE_STATUS_TOKEN_SECRET is not set" in intake
    assert "NOTIFIER_RECEIPT_TOKEN is not set" in notifier
    assert "NOTIFIER_STATUS_TOKEN_SECRET is not set" in notifier


def test_finding_4_short_secrets_are_refused_and_never_shown() -> None:
    short = "x" * 31
    settings = NotifierSettings(
        deployment=PRODUCTION,
        receipt_token=SecretStr(STRONG),
        notify=NotifySettings(api_key=SecretStr(STRONG)),
        metrics=MetricsSettings(token=SecretStr(short)),
    )

    message = _refusal(settings)

    assert "METRICS_TOKEN is shorter than 32 bytes" in message
    assert short not in message


def test_finding_4_every_secret_the_local_stacks_configure_is_refused_in_production() -> None:
    keys = json.loads(local_run.LOCAL_ONLY_SETTINGS["INTAKE_API_KEYS"])
    status_secret = SecretStr(local_run.LOCAL_ONLY_SETTINGS["INTAKE_STATUS_TOKEN_SECRET"])
    local_values = {
        "INTAKE_API_KEYS": IntakeSettings(
            deployment=PRODUCTION, api_keys=keys, status_token_secret=SecretStr(STRONG)
        ),
        "INTAKE_STATUS_TOKEN_SECRET": IntakeSettings(
            deployment=PRODUCTION, api_keys={STRONG: Channel.WEB}, status_token_secret=status_secret
        ),
        "NOTIFIER_RECEIPT_TOKEN": NotifierSettings(
            deployment=PRODUCTION, receipt_token=SecretStr(stack.RECEIPT_TOKEN)
        ),
        "NOTIFIER_STATUS_TOKEN_SECRET": NotifierSettings(
            deployment=PRODUCTION,
            receipt_token=SecretStr(STRONG),
            status_token_secret=SecretStr(stack.STATUS_TOKEN_SECRET),
        ),
        "NOTIFY_API_KEY": NotifierSettings(
            deployment=PRODUCTION,
            receipt_token=SecretStr(STRONG),
            notify=NotifySettings(api_key=SecretStr(stack.NOTIFY_API_KEY)),
        ),
        "METRICS_TOKEN": ClassifierSettings(
            deployment=PRODUCTION,
            metrics=MetricsSettings(
                token=SecretStr(local_run.LOCAL_ONLY_SETTINGS["METRICS_TOKEN"])
            ),
        ),
    }

    for name, settings in local_values.items():
        assert f"{name} is a local-stack default" in _refusal(settings), name


def test_the_local_stacks_may_start_with_their_own_secrets() -> None:
    settings = NotifierSettings(deployment=LOCAL, receipt_token=SecretStr(stack.RECEIPT_TOKEN))

    refuse_unsafe_secrets(settings)  # raises if refused
    assert local_run.LOCAL_ONLY_SETTINGS["FRONTDESK_ENVIRONMENT"] == "local"


def test_production_is_the_default_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRONTDESK_ENVIRONMENT", raising=False)

    assert DeploymentSettings().environment == "production"


def test_finding_4_a_service_process_refuses_to_start_with_a_local_receipt_token() -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FRONTDESK_", "NOTIFIER_", "NOTIFY_", "METRICS_"))
    }
    env["NOTIFIER_RECEIPT_TOKEN"] = stack.RECEIPT_TOKEN

    started = subprocess.run(
        [sys.executable, "-m", "services.notifier"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert started.returncode == 1
    assert "NOTIFIER_RECEIPT_TOKEN is a local-stack default" in started.stderr
    assert stack.RECEIPT_TOKEN not in started.stderr + started.stdout
