"""Run a service's ASGI app under uvicorn with our logging and our limits on clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

from shared.logging import configure_logging
from shared.read_deadlines import with_read_deadlines
from shared.secret_guard import refuse_unsafe_secrets
from shared.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


def server_config(
    app: FastAPI, settings: ServiceSettings, port: int | None = None
) -> uvicorn.Config:
    """How uvicorn serves every service: read deadlines, and `X-Forwarded-For` believed only
    from the configured trusted proxies (never, when there are none)."""
    return uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port if port is None else port,
        log_config=None,
        loop="uvloop",  # libuv's loop: measurably cheaper per message (see README, Performance)
        http=with_read_deadlines(settings.header_timeout_s, settings.body_timeout_s),
        timeout_keep_alive=int(settings.keep_alive_timeout_s),
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or [],
        timeout_graceful_shutdown=int(settings.kafka.graceful_timeout_s) + 5,
    )


def serve(service: str, settings: S, create_app: Callable[[S], FastAPI]) -> None:
    """Configure logging, refuse development secrets in production, build the app from
    settings, serve until SIGTERM or Ctrl-C."""
    configure_logging(settings.log, service)
    refuse_unsafe_secrets(settings)
    uvicorn.Server(server_config(create_app(settings), settings)).run()
