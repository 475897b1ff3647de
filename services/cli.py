"""The `frontdesk` command: the operations commands of `shared.cli` and each service's own."""

from __future__ import annotations

from services.classifier.cli import triage
from shared.cli import app

app.add_typer(triage, name="triage")

__all__ = ["app"]
