"""A real HTTP server for tests of HTTP clients: on 127.0.0.1, port 0, in the test's own
event loop. It records every request and answers each with the next status of its script
(the last one repeats); a None in the script never answers, until the server stops."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from http import HTTPStatus


@dataclass(frozen=True)
class Received:
    """One request as it arrived: its request line, headers (names lower-cased), body."""

    line: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    statuses: Sequence[int | None]
    answer: bytes = b""
    port: int = 0
    calls: list[Received] = field(default_factory=list)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _handlers: set[asyncio.Task[None]] = field(default_factory=set)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            self.calls.append(await _read(reader))
            status = self.statuses[min(len(self.calls), len(self.statuses)) - 1]
            if status is None:
                await self._stopping.wait()
                return
            writer.write(_response(status, self.answer))
            await writer.drain()
        finally:
            writer.close()

    async def stop(self, server: asyncio.Server) -> None:
        self._stopping.set()
        server.close()
        await server.wait_closed()
        await asyncio.gather(*self._handlers, return_exceptions=True)


async def _read(reader: asyncio.StreamReader) -> Received:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    line, *fields = head.removesuffix("\r\n\r\n").split("\r\n")
    headers = {}
    for header in fields:
        name, _, value = header.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Received(line, headers, body)


def _response(status: int, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


@asynccontextmanager
async def receiving(statuses: Sequence[int | None], answer: bytes = b"") -> AsyncIterator[Receiver]:
    """Serve `statuses` (see the module) while the block runs."""
    receiver = Receiver(statuses, answer)
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
    receiver.port = server.sockets[0].getsockname()[1]
    try:
        yield receiver
    finally:
        await receiver.stop(server)
