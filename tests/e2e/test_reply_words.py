"""What a reporter typed, in the email they get, on the whole running system: a Welsh name
is greeted as written (finding 5), an internationalised domain stays in its ASCII form all
the way to the mail sink (finding 10)."""

from __future__ import annotations

import httpx
import pytest

from tests import factories
from tests.conftest import Servers
from tests.e2e.conftest import WEB_KEY
from tests.e2e.test_report_journey import _wait_for_emails

pytestmark = pytest.mark.e2e


async def _first_email_to(
    servers: Servers, running_system: dict[str, int], name: str, email: str
) -> tuple[str, str]:
    """Submit a report with this contact; the To header and plain text of its first email."""
    assert servers.mail_dir is not None
    contact = {"name": name, "email": email, "preferred_channel": "email"}
    async with httpx.AsyncClient(timeout=10) as client:
        accepted = await client.post(
            f"http://127.0.0.1:{running_system['intake']}/v1/reports",
            json=factories.submission_body(contact=contact),
            headers=WEB_KEY,
        )
    assert accepted.status_code == 202
    (message,) = await _wait_for_emails(servers.mail_dir, accepted.json()["report_id"], 1)
    plain = message.get_body(("plain",))
    assert plain is not None
    return str(message["To"]), str(plain.get_content())


async def test_finding_5_a_welsh_name_is_greeted_as_written(
    servers: Servers, running_system: dict[str, int]
) -> None:
    _, text = await _first_email_to(
        servers, running_system, "Siân Ŵyn ap Dafydd", "sian@example.org"
    )

    assert text.startswith("Dear Siân Ŵyn ap Dafydd,")


async def test_finding_10_an_idn_domain_reaches_the_mail_sink_in_ascii_form(
    servers: Servers, running_system: dict[str, int]
) -> None:
    to, _ = await _first_email_to(
        servers, running_system, "Alex Example", "alex@xn--80ak6aa92e.com"
    )

    assert to == "alex@xn--80ak6aa92e.com"
