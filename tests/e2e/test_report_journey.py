"""One report from the public API to a delivered email and a met SLA (as the console shows
it to a supervisor), on real servers."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.references import validate_reference
from tests import factories
from tests.conftest import Servers, demo_access_token
from tests.e2e.conftest import WEB_KEY

pytestmark = pytest.mark.e2e

DEADLINE_S = 30.0


def _emails_for(mail_dir: Path, report_id: str) -> list[EmailMessage]:
    """The report's emails in the order the mail sink received them."""
    found = []
    for path in sorted(mail_dir.glob("*.eml"), key=lambda p: int(p.stem)):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if isinstance(message, EmailMessage) and report_id in str(message["Message-ID"]):
            found.append(message)
    return found


async def _wait_for_emails(mail_dir: Path, report_id: str, count: int) -> list[EmailMessage]:
    deadline = time.monotonic() + DEADLINE_S
    while len(messages := _emails_for(mail_dir, report_id)) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"{len(messages)} of {count} emails for {report_id} in {DEADLINE_S:.0f}s")
        await asyncio.sleep(0.2)
    return messages


def _console(servers: Servers, running_system: dict[str, int]) -> tuple[str, dict[str, str]]:
    """The console's base URL, and a supervisor's bearer token for it."""
    token = demo_access_token(servers, "supervisor")
    return f"http://127.0.0.1:{running_system['console']}", {"Authorization": f"Bearer {token}"}


async def _wait_for_met_sla(
    client: httpx.AsyncClient, url: str, headers: dict[str, str]
) -> dict[str, Any]:
    """The report as the console shows it, once its reply promise was kept."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        answer = await client.get(url, headers=headers)
        if answer.status_code == 200 and answer.json()["sla"]["state"] in ("met", "met_late"):
            return dict(answer.json())
        if time.monotonic() > deadline:
            pytest.fail(f"SLA not met within {DEADLINE_S:.0f}s: {answer.status_code} {answer.text}")
        await asyncio.sleep(0.2)


async def test_a_submitted_report_gets_its_reference_by_email_and_its_sla_met(
    servers: Servers, running_system: dict[str, int]
) -> None:
    assert servers.mail_dir is not None
    intake = f"http://127.0.0.1:{running_system['intake']}"
    console, staff = _console(servers, running_system)
    started = time.monotonic()

    async with httpx.AsyncClient(timeout=10) as client:
        accepted = await client.post(
            f"{intake}/v1/reports", json=factories.submission_body(), headers=WEB_KEY
        )
        assert accepted.status_code == 202
        report_id = accepted.json()["report_id"]

        message = (await _wait_for_emails(servers.mail_dir, report_id, 1))[0]
        shown = await _wait_for_met_sla(client, f"{console}/v1/reports/{report_id}", staff)
        reporter_view = (await client.get(intake + accepted.json()["status_url"])).json()

    subject = str(message["Subject"])
    reference = subject.rsplit(" ", 1)[-1]
    assert validate_reference(reference).force_code == "LP"
    body = message.get_body(("plain",))
    assert body is not None
    assert reference in body.get_content()
    assert message["To"] == "alex@example.org"
    assert shown["sla"]["state"] == "met"  # not late
    assert shown["reference"] == reference
    assert reporter_view["reference"] in (None, reference)
    assert time.monotonic() - started < DEADLINE_S


async def test_an_emergency_in_ordinary_words_is_told_to_call_999_first_and_graded_1(
    servers: Servers, running_system: dict[str, int]
) -> None:
    assert servers.mail_dir is not None
    intake = f"http://127.0.0.1:{running_system['intake']}"
    console, staff = _console(servers, running_system)
    body = factories.submission_body(
        description="A woman is screaming in the flat next door and I can hear things "
        "smashing, it has been going on for 10 minutes"
    )

    async with httpx.AsyncClient(timeout=10) as client:
        accepted = await client.post(f"{intake}/v1/reports", json=body, headers=WEB_KEY)
        assert accepted.status_code == 202
        report_id = accepted.json()["report_id"]
        guidance, acknowledgement = await _wait_for_emails(servers.mail_dir, report_id, 2)
        shown = await _wait_for_met_sla(client, f"{console}/v1/reports/{report_id}", staff)

    assert str(guidance["Subject"]).startswith("If anyone is in danger now, call 999")
    assert str(acknowledgement["Subject"]).startswith("Your report to")
    plain = acknowledgement.get_body(("plain",))
    assert plain is not None
    assert "treating your report as urgent" in plain.get_content()
    assert shown["classification"]["grade"] == 1


async def test_an_anonymous_report_is_accepted_and_told_no_reply_follows(
    running_system: dict[str, int],
) -> None:
    intake = f"http://127.0.0.1:{running_system['intake']}"

    async with httpx.AsyncClient(timeout=10) as client:
        accepted = await client.post(
            f"{intake}/v1/reports", json=factories.submission_body(contact=None), headers=WEB_KEY
        )

    assert accepted.status_code == 202
    assert accepted.json()["reply_expected"] is False
    assert any("anonymous" in line for line in accepted.json()["guidance"])


def _control_room_calls(webhook_dir: Path, report_id: str) -> list[dict[str, object]]:
    calls = [json.loads(path.read_text(encoding="utf-8")) for path in webhook_dir.glob("*.json")]
    return [
        c
        for c in calls
        if isinstance(c.get("body"), dict) and c["body"].get("report_id") == report_id
    ]


async def test_a_possible_emergency_reaches_the_control_room_within_5_seconds(
    running_system: dict[str, int],
) -> None:
    """The call-999 reply says "we have alerted our control room": here is that alert, a
    signed webhook call that the local receiver verified, within 5 s of the submission."""
    webhook_dir = Path(os.environ["FRONTDESK_WEBHOOK_DIR"])
    intake = f"http://127.0.0.1:{running_system['intake']}"
    body = factories.submission_body(
        description="There is a man outside with a knife threatening people, it is happening now"
    )

    async with httpx.AsyncClient(timeout=10) as client:
        started = time.monotonic()
        accepted = await client.post(f"{intake}/v1/reports", json=body, headers=WEB_KEY)
        assert accepted.status_code == 202
        report_id = accepted.json()["report_id"]
        while not (calls := _control_room_calls(webhook_dir, report_id)):
            if time.monotonic() - started > DEADLINE_S:
                pytest.fail(f"no control-room webhook for {report_id} in {DEADLINE_S:.0f}s")
            await asyncio.sleep(0.1)
        paged_after_s = time.monotonic() - started

    assert paged_after_s < 5
    (call,) = calls
    assert call["verified"] is True
    page = call["body"]
    assert isinstance(page, dict)
    assert page["kind"] == "possible_emergency"
    assert page["step"] == 0
    assert "knife" not in json.dumps(page)
