"""The email channel against a real SMTP server of the test's own: one connection is reused
for many messages, and a connection the server dropped or one left idle is replaced; an
address the relay cannot take (it has no SMTPUTF8, as aiosmtpd by default) fails for good;
the sender is the one the reply was rendered with, whatever its subject says; an email
without html is text only."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from services.notifier.channels import SmtpEmailChannel
from services.notifier.domain import OutgoingReply, Recipient, Sender
from services.notifier.ports import PermanentDeliveryError
from shared.delivery import EmailOut, Retries, SmtpMailer, SmtpSettings
from shared.events import ContactMethod, ReplyKind


@dataclass
class Relay:
    """Counts connections and messages; can drop every open connection."""

    connections: int = 0
    messages: list[bytes] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    open: list[SMTP] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.recipients.extend(envelope.rcpt_tos)
        content = envelope.content or b""
        self.messages.append(content if isinstance(content, bytes) else content.encode())
        return "250 OK"

    def drop_connections(self) -> None:
        for server in self.open:
            if server.transport is not None:
                server.transport.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def relay() -> AsyncIterator[tuple[Relay, int]]:
    relay, port = Relay(), _free_port()

    def connection() -> SMTP:
        relay.connections += 1
        server = SMTP(relay, hostname="relay.test")
        relay.open.append(server)
        return server

    server: Any = await asyncio.get_running_loop().create_server(connection, "127.0.0.1", port)
    yield relay, port
    server.close()
    await server.wait_closed()


def _reply(number: int, address: str = "alex@example.org") -> OutgoingReply:
    return OutgoingReply(
        kind=ReplyKind.ACKNOWLEDGEMENT,
        recipient=Recipient(ContactMethod.EMAIL, address),
        neutral=False,
        sender=Sender.FORCE,
        subject=f"Your report {number}",
        text="Thank you.",
        html="<p>Thank you.</p>",
        idempotency_key=f"report-{number}.acknowledgement.email",
        provider_reference=None,
    )


def _channel(port: int) -> SmtpEmailChannel:
    return SmtpEmailChannel(SmtpSettings(port=port, timeout_s=5), Retries(3, 0.2))


async def test_many_messages_share_one_connection(relay: tuple[Relay, int]) -> None:
    server, port = relay
    channel = _channel(port)

    for number in range(5):
        await channel.send(_reply(number))
    await channel.close()

    assert len(server.messages) == 5
    assert server.connections == 1


async def test_a_connection_the_relay_dropped_is_replaced(relay: tuple[Relay, int]) -> None:
    server, port = relay
    channel = _channel(port)
    await channel.send(_reply(1))

    server.drop_connections()
    await channel.send(_reply(2))
    await channel.close()

    assert [b"report-2" in message for message in server.messages] == [False, True]
    assert server.connections == 2


async def test_a_connection_idle_too_long_is_not_trusted(relay: tuple[Relay, int]) -> None:
    server, port = relay
    channel = _channel(port)
    channel.mailer.REUSE_WITHIN_S = 0.0  # every connection counts as idle too long

    await channel.send(_reply(1))
    await channel.send(_reply(2))
    await channel.close()

    assert len(server.messages) == 2
    assert server.connections == 2


async def test_finding_10_an_idn_domain_reaches_the_relay_in_ascii_form(
    relay: tuple[Relay, int],
) -> None:
    server, port = relay
    channel = _channel(port)

    await channel.send(_reply(1, "alex@xn--80ak6aa92e.com"))
    await channel.close()

    assert server.recipients == ["alex@xn--80ak6aa92e.com"]
    assert b"To: alex@xn--80ak6aa92e.com" in server.messages[0]


async def test_finding_10_an_address_needing_smtputf8_fails_for_good_without_retries(
    relay: tuple[Relay, int],
) -> None:
    server, port = relay
    channel = _channel(port)  # three attempts for what may pass

    with pytest.raises(PermanentDeliveryError, match="cannot take this address"):
        await channel.send(_reply(1, "jörg@example.de"))
    await channel.close()

    assert server.connections == 1  # tried once: a retry would have connected again
    assert server.messages == []


async def test_a_neutral_reply_goes_from_the_neutral_sender_whatever_its_subject(
    relay: tuple[Relay, int],
) -> None:
    server, port = relay
    channel, settings = _channel(port), SmtpSettings()
    # Neither subject starts as the neutral ones did when the sender was read from it.
    reworded = replace(_reply(1), neutral=True, sender=Sender.NEUTRAL, subject="Ymholiad: LP-1")
    lookalike = replace(_reply(2), subject="Your enquiry about the report")

    await channel.send(reworded)
    await channel.send(lookalike)
    await channel.close()

    senders = [str(message_from_bytes(m, policy=policy.default)["From"]) for m in server.messages]
    assert senders == [settings.neutral_sender, settings.sender]


async def test_an_email_without_html_is_text_only_with_the_message_id_of_its_key(
    relay: tuple[Relay, int],
) -> None:
    server, port = relay
    mailer = SmtpMailer(SmtpSettings(port=port, timeout_s=5), Retries(3, 0.2))
    email = EmailOut("Duty <duty@example.org>", "team@example.org", "Page", "Look.", None, "a-1")

    message_id = await mailer.send(email)
    await mailer.close()

    (message,) = [message_from_bytes(m, policy=policy.default) for m in server.messages]
    assert message_id == str(message["Message-ID"]) == "<a-1@frontdesk.police.example>"
    assert message.get_content_type() == "text/plain"
    assert str(message["From"]) == "Duty <duty@example.org>"
