"""A local SMTP server that keeps every message it receives as `<dir>/<n>.eml`.

It stands in for the force's mail relay in `make run` and in tests: the notifier sends
real SMTP, and the e2e test reads the files.

    python deploy/local/mailsink.py --port 1025 --dir .local/mail
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session


class MailFolder:
    """aiosmtpd handler: writes each accepted message to the next numbered file."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._folder = folder
        existing = [int(p.stem) for p in folder.glob("*.eml") if p.stem.isdigit()]
        self._numbers = itertools.count(max(existing, default=0) + 1)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        content = envelope.original_content or b""
        number = next(self._numbers)
        partial = self._folder / f".{number}.eml.partial"
        partial.write_bytes(content)
        os.replace(partial, self._folder / f"{number}.eml")
        return "250 Message accepted for delivery"


async def serve(host: str, port: int, folder: Path) -> None:
    loop = asyncio.get_running_loop()
    handler = MailFolder(folder)
    server = await loop.create_server(lambda: SMTP(handler), host=host, port=port)
    stopping = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    print(f"mail sink listening on {host}:{port}, writing to {folder}", flush=True)
    await stopping.wait()
    server.close()
    await server.wait_closed()


def main() -> None:
    parser = argparse.ArgumentParser(description="Local SMTP sink")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port, args.dir))


if __name__ == "__main__":
    main()
