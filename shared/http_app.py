"""The HTTP app every service starts from: the same guards, limits and error answers.

- Host headers are checked (`<SERVICE>_ALLOWED_HOSTS`): any other Host gets 400.
- Bodies over `<SERVICE>_MAX_BODY_BYTES` get 413, before anything reads them.
- 422 answers name the field at fault and never echo the input.
- No Swagger UI or ReDoc (they load from a public CDN). `/openapi.json` is served by
  public APIs, and by internal ones only on the local stacks.
- `/health` and `/metrics` (which needs the scrape token) from the runtime.
- The events a request stored are published once it has been answered (`PublishAfterRequest`).
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.http_limits import BodySizeLimit, install_error_handlers
from shared.outbox import published_after
from shared.runtime import ServiceRuntime

LOCAL_HOSTS = ("localhost", "127.0.0.1")


class PublishAfterRequest:
    """Publishes the events a request stored, after its answer has been sent (so the
    caller does not wait for Kafka); the outbox relay covers a process that dies first."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with published_after():
            await self.app(scope, receive, send)


def allowed_hosts(runtime: ServiceRuntime) -> list[str]:
    """The configured hosts, or loopback and the service's compose name."""
    configured = runtime.settings.allowed_hosts
    return list(configured) if configured is not None else [*LOCAL_HOSTS, runtime.name]


def create_service_app(
    runtime: ServiceRuntime, title: str, *, public_openapi: bool = False
) -> FastAPI:
    """A FastAPI app on `runtime`'s lifespan with the shared guards; add routers to it."""
    local = runtime.settings.deployment.environment == "local"
    app = FastAPI(
        title=title,
        version="1",
        lifespan=runtime.lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if public_openapi or local else None,
    )
    app.include_router(runtime.health_router())
    app.add_middleware(PublishAfterRequest)
    app.add_middleware(BodySizeLimit, max_bytes=runtime.settings.max_body_bytes)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(runtime))
    install_error_handlers(app)
    return app
