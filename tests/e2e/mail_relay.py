"""A mail relay of the test's own in front of the stack's mail sink: it refuses the
addresses it is told to refuse (550, a permanent failure, as a real relay refuses a mailbox
it cannot deliver to) and hands every other message to the sink unchanged.

The browser test uses it to make an acknowledgement fail on every channel for real (the
notifier's SMTP channel meets a refusing relay), then lets the staff's own reply through."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import aiosmtplib
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.integration.conftest import free_port


@dataclass
class RefusingRelay:
    """aiosmtpd handler: refuses the `refused` recipients, forwards the rest to the sink."""

    sink_port: int
    refused: set[str] = field(default_factory=set)
    refusals: int = 0

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.lower() in self.refused:
            self.refusals += 1
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        await aiosmtplib.send(
            envelope.original_content or b"",
            sender=envelope.mail_from,
            recipients=envelope.rcpt_tos,
            hostname="127.0.0.1",
            port=self.sink_port,
        )
        return "250 Message accepted for delivery"


@contextmanager
def refusing_relay(sink_port: int) -> Iterator[tuple[RefusingRelay, int]]:
    """Run a relay in front of the sink on `sink_port`; yields it and its own port."""
    relay = RefusingRelay(sink_port)
    port = free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield relay, port
    finally:
        controller.stop()
