"""The console's browser tests' shared parts: Debian's chromium under Playwright, fresh
browser contexts watched for console errors and for what the strict Content-Security-Policy
refused, and signing in on the provider's (Keycloak's) own login page."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from playwright.async_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
)

from tests.conftest import demo_password

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_INSTALLED = CHROMIUM.exists()
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 30_000
#: Records what the page's Content-Security-Policy refused (Playwright runs it before any
#: script of the page, outside the policy).
WATCH_CSP = (
    "window.cspViolations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


@dataclass
class Watched:
    """The console errors of a browser context's pages."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._note)

    def _note(self, message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        if message.type == "error" and not where.endswith("/favicon.ico"):  # none is served
            self.errors.append(f"{message.text} ({where})")


class SignInTarget(Protocol):
    """A console to sign in to: where it is, and its provider's issuer."""

    @property
    def url(self) -> str: ...

    @property
    def issuer(self) -> str: ...


async def sign_in(
    console: SignInTarget, context: tuple[BrowserContext, Watched], username: str, path: str
) -> Page:
    """Open `path` signed out, sign in on Keycloak's own login page and land on `path`.
    The 401 that sent the browser to sign in is the one error expected: forgotten."""
    browser_context, watched = context
    page = await browser_context.new_page()
    await page.goto(console.url + path)
    await page.wait_for_selector("#kc-login", timeout=WAIT_MS)
    assert page.url.startswith(console.issuer + "/protocol/openid-connect/auth")
    await page.fill("#username", username)
    await page.fill("#password", demo_password(username))
    await page.click("#kc-login")
    await page.wait_for_url(console.url + path, timeout=WAIT_MS)
    await page.wait_for_function(
        "(name) => document.getElementById('who').textContent.startsWith(name + ' (')",
        arg=username,
        timeout=WAIT_MS,
    )
    (refusal,) = watched.errors
    assert "401" in refusal
    watched.errors.clear()
    return page


async def csp_violations(page: Page) -> list[str]:
    found: list[str] = await page.evaluate("window.cspViolations")
    return found


async def assert_strict_csp_kept(page: Page, watched: Watched) -> None:
    assert await csp_violations(page) == []
    assert [e for e in watched.errors if "Content Security Policy" in e] == []
    policy = await page.evaluate(
        "fetch(location.href).then((r) => r.headers.get('content-security-policy'))"
    )
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
