"""structlog set-up: JSON off a terminal, per-message context, no personal data.

Every log line, ours and the libraries' (uvicorn, FastStream, aiokafka), goes through the
same processors, so the redaction of personal-data fields applies to all of them.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO

import structlog

from shared.settings import LogSettings

REDACTED = "[redacted]"

#: Keys whose values are personal data wherever they appear in a log event.
PERSONAL_DATA_KEYS = frozenset(
    {
        "name",
        "email",
        "phone",
        "contact",
        "description",
        "answers",
        "address",
        "body",
        "text",
        "recipient",
        "to",
        "message_body",
        "subject",
    }
)


def redact_personal_data(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: replaces personal-data values, however deeply nested."""
    for key, value in list(event_dict.items()):
        event_dict[key] = _redacted(key, value)
    return event_dict


def _redacted(key: str, value: Any) -> Any:
    if key.lower() in PERSONAL_DATA_KEYS:
        return REDACTED
    if isinstance(value, Mapping):
        return {k: _redacted(str(k), v) for k, v in value.items()}
    return value


def _renderer(settings: LogSettings, stream: TextIO) -> structlog.typing.Processor:
    as_json = settings.format == "json" or (settings.format == "auto" and not stream.isatty())
    if as_json:
        return structlog.processors.JSONRenderer()
    return structlog.dev.ConsoleRenderer()


def configure_logging(settings: LogSettings, service: str, stream: TextIO | None = None) -> None:
    """Route structlog and the standard library through one redacting pipeline."""
    stream = stream or sys.stderr
    shared_processors: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact_personal_data,
    ]
    structlog.configure(
        processors=[*shared_processors, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.ExtraAdder(), *shared_processors],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _renderer(settings, stream),
        ],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.level)
    # Never below WARNING, whatever LOG_LEVEL says: pymongo's DEBUG lines carry whole
    # documents (personal data), uvicorn's access lines carry status-token query strings.
    for leaky in ("pymongo", "aiokafka", "uvicorn.access"):
        logging.getLogger(leaky).setLevel(max(logging.WARNING, root.level))
    # FastStream gives its loggers their own coloured handler at import and stops them
    # propagating; bring them back into the one redacting pipeline.
    for library in ("faststream", "faststream.access"):
        logging.getLogger(library).handlers.clear()
        logging.getLogger(library).propagate = True
    structlog.contextvars.bind_contextvars(service=service)
