"""Review of issue 17 (staff actions): the finding still open here (the lead's); the others
moved to the modules of their roles."""

from __future__ import annotations

from tests import factories
from tests.console_desk import REPLY, Desk
from tests.unit.test_console_staff_api import desk  # noqa: F401 - the fixture


async def test_a_text_message_longer_than_notify_takes_is_refused(desk: Desk) -> None:  # noqa: F811
    """GOV.UK Notify refuses a text message over 918 characters (400, a permanent failure):
    the console takes a 5000-character body for a reporter reached only by text."""
    report = await desk.report(factories.report_submitted(), email=None, preferred_channel="sms")

    answer = await desk.post(report, "replies", {**REPLY, "body": "x" * 2000})

    assert answer.status_code == 422
    assert desk.events() == []
