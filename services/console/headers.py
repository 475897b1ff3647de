"""Security headers on every answer of the console, and a way to sign in on a 401 page.

The CSP allows no inline script or style and no other origin, except that a form may
lead to the provider (sign-out is a POST answered by a redirect to its end-session
endpoint). Nothing is cached but the static files. A 401 to a browser asking for a page
becomes a page that sends it to sign in (a meta refresh and a link: no script), still 401;
the JSON API keeps its 401 with `WWW-Authenticate: Bearer`.
"""

from __future__ import annotations

import html
from http import HTTPStatus
from urllib.parse import quote, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.console.signin import safe_next_path

STATIC_PREFIX = "/static/"
API_PREFIX = "/v1/"
AUTH_PREFIX = "/auth/"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(provider_origin: str) -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; form-action 'self' {provider_origin}; "
        "frame-ancestors 'none'; base-uri 'none'"
    )


def sign_in_page(next_path: str) -> bytes:
    """The 401 page: on to sign-in at once, and a link if the refresh is blocked."""
    target = html.escape("/auth/login?next=" + quote(safe_next_path(next_path), safe="/"))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={target}"><title>Sign in</title></head>'
        f'<body><main><h1>Sign in</h1><p><a href="{target}">Sign in to the console</a>'
        "</p></main></body></html>"
    ).encode()


class SecurityHeaders:
    """ASGI middleware for the whole console app."""

    def __init__(self, app: ASGIApp, provider_origin: str, https: bool) -> None:
        self.app = app
        self.https = https
        self.csp = content_security_policy(provider_origin)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        page = _wants_page(scope)
        replaced = False

        async def send_with_headers(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start":
                if page and message["status"] == HTTPStatus.UNAUTHORIZED:
                    replaced = True
                    await self._send_sign_in_page(scope, send)
                    return
                self._add_headers(MutableHeaders(scope=message), path)
            elif replaced:
                return
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _add_headers(self, headers: MutableHeaders, path: str) -> None:
        headers["Content-Security-Policy"] = self.csp
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not path.startswith(STATIC_PREFIX):
            headers["Cache-Control"] = "no-store"
        if self.https:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"

    async def _send_sign_in_page(self, scope: Scope, send: Send) -> None:
        query = scope.get("query_string", b"").decode("latin-1")
        body = sign_in_page(scope["path"] + (f"?{query}" if query else ""))
        start: Message = {"type": "http.response.start", "status": 401, "headers": []}
        headers = MutableHeaders(scope=start)
        headers["Content-Type"] = "text/html; charset=utf-8"
        headers["Content-Length"] = str(len(body))
        headers["WWW-Authenticate"] = "Bearer"
        self._add_headers(headers, scope["path"])
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})


def _wants_page(scope: Scope) -> bool:
    """A browser asking for a page (not the JSON API, not a script's fetch, not sign-in's
    own pages)."""
    path: str = scope["path"]
    if path.startswith((API_PREFIX, AUTH_PREFIX)):  # a failed sign-in must not loop to sign-in
        return False
    return "text/html" in Headers(scope=scope).get("accept", "")
