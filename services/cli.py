"""The `frontdesk` command: the operations commands of `shared.cli` and each service's own,
given the deployment's services (`services.system`) as the context object."""

from __future__ import annotations

from services.classifier.cli import triage
from services.system import SYSTEM
from shared.cli import app

app.add_typer(triage, name="triage")
app.info.context_settings = {"obj": SYSTEM}

__all__ = ["app"]
