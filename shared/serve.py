"""Run a service's ASGI app under uvicorn with our logging."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

from shared.logging import configure_logging
from shared.secret_guard import refuse_unsafe_secrets
from shared.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


def serve(service: str, settings: S, create_app: Callable[[S], FastAPI]) -> None:
    """Configure logging, refuse development secrets in production, build the app from
    settings, serve until SIGTERM or Ctrl-C."""
    configure_logging(settings.log, service)
    refuse_unsafe_secrets(settings)
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        loop="uvloop",  # libuv's loop: measurably cheaper per message (see README, Performance)
        timeout_graceful_shutdown=int(settings.kafka.graceful_timeout_s) + 5,
    )
