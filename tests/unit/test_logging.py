"""Personal data never reaches a log line, from our code or from libraries."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from shared.logging import REDACTED, configure_logging
from shared.settings import LogSettings

CANARY = "canary-7f3a-alex@example.org"


class LogLines:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    def read(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines() if line]


@pytest.fixture
def logs() -> Iterator[LogLines]:
    lines = LogLines()
    structlog.reset_defaults()
    configure_logging(LogSettings(format="json", level="INFO"), "test", stream=lines.stream)
    yield lines
    structlog.contextvars.clear_contextvars()
    logging.getLogger().handlers.clear()
    structlog.reset_defaults()


def test_personal_fields_are_redacted_however_nested(logs: LogLines) -> None:
    log = structlog.get_logger("test")

    log.info("report_accepted", email=CANARY, report={"contact": {"name": CANARY}}, grade=3)

    (line,) = logs.read()
    assert CANARY not in json.dumps(line)
    assert line["email"] == REDACTED
    assert line["grade"] == 3
    assert line["service"] == "test"


def test_library_logs_go_through_the_same_redaction(logs: LogLines) -> None:
    logging.getLogger("some.library").warning("sending", extra={"recipient": CANARY})

    lines = logs.read()
    assert [line["event"] for line in lines] == ["sending"]
    assert lines[0]["recipient"] == REDACTED
    assert CANARY not in json.dumps(lines)


def test_context_bound_per_message_appears_on_every_line(logs: LogLines) -> None:
    with structlog.contextvars.bound_contextvars(topic="report.submitted.v1", offset=41):
        structlog.get_logger("test").info("handled")

    (line,) = logs.read()
    assert (line["topic"], line["offset"]) == ("report.submitted.v1", 41)
