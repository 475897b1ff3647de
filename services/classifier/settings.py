"""Classifier's settings (env prefix `CLASSIFIER_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.classifier.rules import RULES_FILE
from services.classifier.triage_model import MODEL_FILE
from shared.settings import ServiceSettings


class ClassifierSettings(ServiceSettings):
    """Classifier's port and database."""

    model_config = SettingsConfigDict(env_prefix="CLASSIFIER_", extra="ignore")

    http_port: int = Field(default=8001, ge=0, le=65535)
    database: str = "classifier"
    rules_file: Path = Field(default=RULES_FILE, description="The rule book to classify by.")
    model_file: Path = Field(default=MODEL_FILE, description="The triage model (safety net).")
    embedding_threads: int = Field(
        default=1, ge=1, le=64, description="Threads per embedding; scale out by partition."
    )
