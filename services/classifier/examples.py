"""Labelled reports, the way a force keeps its triage history: one JSON object a line.

`type` (the form the reporter chose), `text`, `emergency` (true when the reporter should
have been told to call 999), and optionally `grade_max` (the grade given must be this or
more urgent) and `why`. Other keys (`lang`, notes) are kept out of the way, not refused.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.events import Channel, ReportSubmitted, ReportType


class Example(BaseModel):
    """One labelled report."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    report_type: ReportType = Field(alias="type")
    text: str = Field(min_length=1)
    emergency: bool
    grade_max: int | None = Field(default=None, ge=1, le=4)
    why: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class ExampleFileError(ValueError):
    """A line of a labelled file that is not a labelled report."""

    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


def load_examples(path: Path) -> list[Example]:
    """Every labelled report of a file; the first bad line stops it, named with its fault."""
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            examples.append(Example.model_validate(json.loads(line)))
        except json.JSONDecodeError as error:
            raise ExampleFileError(path, number, f"not JSON: {error.msg}") from error
        except ValidationError as error:
            fields = ", ".join(
                f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in error.errors()
            )
            raise ExampleFileError(path, number, fields) from error
    return examples


def as_submitted(example: Example) -> ReportSubmitted:
    """The example as the classifier would receive it from the web form, ticking nothing."""
    now = datetime.now(UTC)
    event_id = uuid.uuid4()
    return ReportSubmitted(
        event_id=event_id,
        occurred_at=now,
        report_id=uuid.uuid4(),
        correlation_id=event_id,
        producer="triage-evaluation",
        force_code="LP",
        report_type=example.report_type,
        channel=Channel.WEB,
        received_at=now,
        description=example.text,
        happening_now=False,
        someone_in_danger=False,
    )
