"""Settings: one prefix per concern, one per service, validated at start."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.intake.settings import IntakeSettings
from services.notifier.settings import NotifierSettings
from services.sla_watchdog.settings import SlaWatchdogSettings


def test_connection_settings_come_from_their_shared_prefixes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka.example:9092")
    monkeypatch.setenv("MONGODB_URI", "mongodb://mongo.example:27017")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")

    settings = IntakeSettings()

    assert settings.kafka.bootstrap_servers == "kafka.example:9092"
    assert settings.mongo.uri == "mongodb://mongo.example:27017"
    assert settings.log.level == "WARNING"


def test_each_service_reads_its_own_prefix_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_HTTP_PORT", "18000")
    monkeypatch.setenv("NOTIFIER_HTTP_PORT", "18003")

    assert IntakeSettings().http_port == 18000
    assert NotifierSettings().http_port == 18003
    assert SlaWatchdogSettings().http_port == 8005


def test_each_service_has_its_own_database_by_default() -> None:
    assert IntakeSettings().database == "intake"
    assert NotifierSettings().database == "notifier"


def test_invalid_settings_fail_at_start_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INTAKE_FORCE_CODE", "leicestershire")

    with pytest.raises(ValidationError, match="force_code"):
        IntakeSettings()
