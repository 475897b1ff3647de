"""Deadlines for reading a request, which uvicorn does not have.

uvicorn times out only an idle keep-alive connection: a client that sends half its headers,
or declares a 1,000-byte body and sends 2, holds a connection (and a task waiting on the
body) for as long as it likes. This HTTP/1.1 protocol gives the headers `header_timeout_s`
from the request's first byte (or from the connection, for the first request), then the
body `body_timeout_s` from the end of the headers. Past a deadline the client is answered
408 if nothing was answered yet, and the connection is closed.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import h11
import structlog
from uvicorn.protocols.http.h11_impl import H11Protocol

log = structlog.get_logger(__name__)

Phase = Literal["headers", "body"]


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for the headers and one for the body."""

    header_timeout_s: float = 10.0
    body_timeout_s: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._phase: Phase | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm("headers")

    def data_received(self, data: bytes) -> None:
        if self._phase is None and self.conn.their_state is h11.IDLE:
            self._arm("headers")  # the first byte of the next request on this connection
        super().data_received(data)
        self._follow_request()

    def handle_events(self) -> None:
        # Also reached without new data: once a response is complete, uvicorn parses the
        # next request already buffered (pipelined, or sent while the last was handled).
        super().handle_events()
        self._follow_request()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _follow_request(self) -> None:
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            if self._phase != "body":
                self._arm("body")
        elif state is h11.IDLE:
            if self._phase is None and self.conn.trailing_data[0]:
                self._arm("headers")  # part of the next request's headers is buffered
        else:
            self._disarm()  # the whole request has arrived (or the connection is done)

    def _arm(self, phase: Phase) -> None:
        self._disarm()
        timeout = self.header_timeout_s if phase == "headers" else self.body_timeout_s
        self._phase = phase
        self._deadline = self.loop.call_later(timeout, self._read_timed_out)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline, self._phase = None, None

    def _read_timed_out(self) -> None:
        log.info("request_read_timed_out", phase=self._phase)
        if self.cycle is not None and not self.cycle.response_complete:
            if not self.cycle.response_started:
                self._send_408()
            self.cycle.disconnected = True  # the app waiting on the body hears a disconnect
            self.cycle.message_event.set()
        self._deadline, self._phase = None, None
        self.transport.close()

    def _send_408(self) -> None:
        headers = [(b"content-length", b"0"), (b"connection", b"close")]
        try:
            self.transport.write(self.conn.send(h11.Response(status_code=408, headers=headers)))
            self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
        except h11.LocalProtocolError:
            log.debug("request_read_timed_out_unanswered")  # closing is answer enough


def with_read_deadlines(header_timeout_s: float, body_timeout_s: float) -> type[H11Protocol]:
    """The protocol class for uvicorn's `http=`, with these deadlines."""
    return type(
        "DeadlineH11Protocol",
        (DeadlineH11Protocol,),
        {"header_timeout_s": header_timeout_s, "body_timeout_s": body_timeout_s},
    )
