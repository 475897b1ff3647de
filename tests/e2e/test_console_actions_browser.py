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
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Locator, Page, expect

from tests import factories
from tests.conftest import Servers
from tests.e2e.browser import WAIT_MS, Watched, assert_strict_csp_kept, sign_in
from tests.e2e.conftest import WEB_KEY, system_running
from tests.e2e.mail_relay import RefusingRelay, refusing_relay
from tests.integration.conftest import eventually

pytestmark = pytest.mark.e2e

CRIME_REFERENCE = "CR/04417/26"
EDITED_LINE = "An officer will look at the library's camera footage this week."
REPLY_TEXT = "Crime: an investigator is looking into it"
STANDARD_WORDS = "An investigator has reviewed your report"
OUTCOME_TEXT = "Outcome: crime recorded, with the crime reference"
DEADLINE_S = 60.0
#: The whole flow, from the report to the status page, on a quiet machine: well under it.
FLOW_BUDGET_S = 120.0


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
    """The plain-text body's words: SMTP carries lines ending CRLF, and MIME ends the
    body with a line break of its own."""
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n").removesuffix("\n")


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


async def reload_until(page: Page, shown: Locator, what: str) -> None:
    """Reload the page until `shown` is on it (the report page shows what was known when
    it loaded), failing after `DEADLINE_S`."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        try:
            await expect(shown.first).to_be_visible(timeout=1_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                pytest.fail(f"not shown within {DEADLINE_S:.0f}s: {what}")
            await page.reload()


async def previewed(form: Locator) -> tuple[str, str]:
    """The subject and body the form's preview says the reporter will receive."""
    region = form.get_by_role("region")
    await expect(region).to_be_visible(timeout=WAIT_MS)
    subject = region.locator("dt", has_text="Subject").locator("xpath=following-sibling::dd[1]")
    body = await region.locator("[data-part=body]").text_content()
    return str(await subject.text_content()), str(body)


async def claim(page: Page) -> None:
    claiming = page.get_by_role("form", name="Claim")
    await claiming.get_by_role("button", name="Claim this report").click()
    work = page.locator("#work")
    await expect(work).to_contain_text("assigned", timeout=WAIT_MS)  # reloaded: claimed
    await expect(work).to_contain_text("operator", timeout=WAIT_MS)
    await expect(claiming).to_be_hidden(timeout=WAIT_MS)  # not offered again: it is ours


async def write_reply(page: Page) -> tuple[str, str]:
    """Start from a standard text, add a line of one's own, preview: what is previewed."""
    form = page.get_by_role("form", name="Send a reply")
    await form.get_by_label("Standard text", exact=True).select_option(label=REPLY_TEXT)
    await form.get_by_role("button", name="Use this text").click()
    message = form.get_by_label("Message", exact=True)
    await expect(message).not_to_have_value("", timeout=WAIT_MS)
    standard = await message.input_value()
    assert STANDARD_WORDS in standard  # the text picked, not another
    edited = standard.replace("\n\n", f"\n\n{EDITED_LINE}\n\n", 1)
    await message.fill(edited)
    await form.get_by_role("button", name="Preview").click()
    await expect(form.get_by_role("region")).to_contain_text(EDITED_LINE, timeout=WAIT_MS)
    subject, body = await previewed(form)
    assert body == edited  # the preview shows the words as edited, nothing else
    return subject, body


async def close_as_crime_recorded(page: Page) -> tuple[str, str]:
    """Close with the outcome and its standard message, previewed: what is previewed."""
    form = page.get_by_role("form", name="Close the report")
    await form.get_by_label("Outcome", exact=True).select_option("crime_recorded")
    await form.get_by_label("Crime reference", exact=True).fill(CRIME_REFERENCE)
    await form.get_by_label("Standard text", exact=True).select_option(label=OUTCOME_TEXT)
    await form.get_by_role("button", name="Use this text").click()
    with_reference = re.compile(re.escape(CRIME_REFERENCE))
    await expect(form.get_by_label("Message", exact=True)).to_have_value(
        with_reference, timeout=WAIT_MS
    )
    await form.get_by_role("button", name="Preview").click()
    shown = await previewed(form)
    await form.get_by_role("button", name="Close report").click()
    closing = page.locator("#timeline li", has_text="ReportClosed")
    await expect(closing).to_contain_text(CRIME_REFERENCE, timeout=WAIT_MS)  # reloaded
    await expect(form).to_be_hidden()  # nothing left to close
    return shown


async def emails_arrived(system: System, address: str, count: int) -> list[EmailMessage]:
    async def arrived() -> list[EmailMessage] | None:
        found = emails_to(system.mail_dir, address)
        return found if len(found) >= count else None

    return await eventually(arrived, deadline_s=DEADLINE_S, what=f"{count} emails")


async def reporters_status_page(browser: Browser, system: System, reported: Reported) -> str:
    """The reporter's own view, in a browser with no console session."""
    reporter = await browser.new_context()
    try:
        page = await reporter.new_page()
        url = f"{system.intake}/status/{reported.report_id}?token={reported.status_token}"
        await page.goto(url)
        return await page.locator("main").inner_text()
    finally:
        await reporter.close()


async def test_the_operator_claims_replies_and_closes_an_at_risk_report(
    system: System, browser: Browser, context: tuple[BrowserContext, Watched]
) -> None:
    started = time.monotonic()
    _, watched = context
    reported = await report_refused_by_mail(system)

    page = await sign_in(system, context, "operator", "/")
    row = page.locator(f'#queue tr[data-report-id="{reported.report_id}"]')
    await expect(row).to_have_class("state-at_risk", timeout=WAIT_MS)
    await row.get_by_role("link").click()
    await page.wait_for_url(f"{system.url}/reports/{reported.report_id}", timeout=WAIT_MS)
    await claim(page)
    reply_subject, reply_body = await write_reply(page)
    system.relay.refused.discard(reported.address)  # the reporter's mailbox works again
    await page.get_by_role("button", name="Send reply").click()
    delivered = page.locator("#timeline li.reply.state-delivered", has_text="staff reply")
    await reload_until(page, delivered, "the staff reply delivered")
    (reply_email,) = await emails_arrived(system, reported.address, 1)
    outcome_subject, outcome_body = await close_as_crime_recorded(page)
    outcome = page.locator("#timeline li.reply.state-delivered", has_text="outcome")
    await reload_until(page, outcome, "the outcome reply delivered")
    promise = await page.locator('#sla dt:text-is("State") + dd').inner_text()
    status_page = await reporters_status_page(browser, system, reported)
    await assert_strict_csp_kept(page, watched)
    emails = emails_to(system.mail_dir, reported.address)

    assert system.relay.refusals >= 1  # the acknowledgement, refused
    assert (str(reply_email["Subject"]), plain_text(reply_email)) == (reply_subject, reply_body)
    assert EDITED_LINE in reply_body
    assert promise == "met"  # kept by the staff reply, the acknowledgement having failed
    assert len(emails) == 2  # the reply and the outcome, once each
    assert (str(emails[1]["Subject"]), plain_text(emails[1])) == (outcome_subject, outcome_body)
    assert f"Its crime reference is {CRIME_REFERENCE}" in status_page
    assert watched.errors == []
    assert time.monotonic() - started < FLOW_BUDGET_S
