"""A local HTTP receiver for signed webhook calls, kept as `<dir>/<n>.json`.

It stands in for an on-call paging webhook in `make run` and in tests: the alerting service
posts real, signed HTTP, and tests read the files. Every `POST` (any path) is kept, with
the answer it got:

- `200` to a call signed with the shared secret (`shared/webhook_signature.py`), also to a
  repeat of an `Idempotency-Key` already delivered (`repeat: true`: that is what the key is
  for);
- `401` to a missing or bad signature (`verified: false`), `400` to a body that is not JSON;
- under `/fail/<status>/...` (a 4xx or 5xx), that status whatever the call: a failing
  receiver for tests. Such a call is not delivered, so its key is not taken as seen.

`GET /health` answers 200 (the stack's readiness check).

    python deploy/local/webhook_sink.py --port 8091 --dir .local/webhooks --secret SECRET
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import signal
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shared.webhook_signature import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify  # noqa: E402

MAX_BODY_BYTES = 1 << 20
_FAIL_PATH = re.compile(r"^/fail/(?P<status>[^/]*)(?:/|$)")
_SECRET_ENV = "WEBHOOK_SINK_SECRET"  # noqa: S105 - the variable's name, not a secret


@dataclass(frozen=True)
class Call:
    """One received call, as the sink saw it."""

    path: str
    key: str | None
    verified: bool
    body: Any  # the parsed JSON, or None when it was not JSON


class CallFolder:
    """Numbers and writes calls; remembers the keys of delivered ones (also across restarts)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._folder = folder
        self._lock = threading.Lock()
        stored = [p for p in folder.glob("*.json") if p.stem.isdigit()]
        self._numbers = itertools.count(max((int(p.stem) for p in stored), default=0) + 1)
        self._delivered = {key for p in stored if (key := _delivered_key(p)) is not None}

    def keep(self, call: Call, status: int) -> dict[str, Any]:
        """Write `call` answered with `status` as the next file; returns what was written."""
        with self._lock:
            number = next(self._numbers)
            repeat = call.key is not None and call.key in self._delivered
            if status == HTTPStatus.OK and call.key is not None:
                self._delivered.add(call.key)
        record = {
            "number": number,
            "received_at": datetime.now(UTC).isoformat(),
            "path": call.path,
            "idempotency_key": call.key,
            "verified": call.verified,
            "repeat": repeat,
            "status": status,
            "body": call.body,
        }
        partial = self._folder / f".{number}.json.partial"
        partial.write_text(json.dumps(record, indent=2))
        os.replace(partial, self._folder / f"{number}.json")
        return record


def _delivered_key(path: Path) -> str | None:
    record = json.loads(path.read_text())
    delivered = record.get("status") == HTTPStatus.OK
    return record.get("idempotency_key") if delivered else None


def fail_status(path: str) -> int | None:
    """The status a `/fail/<status>/...` path asks for; ValueError if it is not 4xx/5xx."""
    match = _FAIL_PATH.match(path)
    if match is None:
        return None
    status = match["status"]
    if not (status.isdigit() and HTTPStatus.BAD_REQUEST <= int(status) <= 599):  # noqa: PLR2004
        raise ValueError(f"/fail/<status>: {status!r} is not a 4xx or 5xx status")
    return int(status)


def _content_length(header: str | None) -> int | None:
    """The body's length, or None when the header is not a number up to MAX_BODY_BYTES."""
    text = header or "0"
    if not text.isdigit() or int(text) > MAX_BODY_BYTES:
        return None
    return int(text)


def _parsed(body: bytes) -> tuple[Any, bool]:
    try:
        return json.loads(body), True
    except ValueError:  # also UnicodeDecodeError
        return None, False


def answer_for(call: Call, is_json: bool) -> tuple[int, str]:
    """The status and reason for a call: the failure its path asks for first, then the
    signature (checked on the raw bytes, as a receiver must), then the body."""
    failing = fail_status(call.path)
    if failing is not None:
        return failing, "failing on purpose (/fail/ path)"
    if not call.verified:
        return HTTPStatus.UNAUTHORIZED, f"missing or bad {SIGNATURE_HEADER}"
    if not is_json:
        return HTTPStatus.BAD_REQUEST, "body: not a JSON document"
    return HTTPStatus.OK, "delivered"


class WebhookHandler(BaseHTTPRequestHandler):
    """Answers webhook calls; `server` is a `SinkServer`."""

    server: SinkServer

    def do_POST(self) -> None:
        length = _content_length(self.headers.get("Content-Length"))
        if length is None:
            self._reply(HTTPStatus.BAD_REQUEST, {"error": "Content-Length: 0 to 1 MiB"})
            return
        raw = self.rfile.read(length)
        body, is_json = _parsed(raw)
        verified = verify(self.server.secret, raw, self.headers.get(SIGNATURE_HEADER))
        call = Call(self.path, self.headers.get(IDEMPOTENCY_HEADER), verified, body)
        try:
            status, reason = answer_for(call, is_json)
        except ValueError as error:
            self._reply(HTTPStatus.BAD_REQUEST, {"error": str(error)})
            return
        record = self.server.calls.keep(call, status)
        self._reply(status, {"call": record["number"], "repeat": record["repeat"], "why": reason})

    def do_GET(self) -> None:
        if self.path == "/health":
            self._reply(HTTPStatus.OK, {"status": "ok"})
        else:
            self._reply(HTTPStatus.NOT_FOUND, {"error": "only GET /health; POST calls"})

    def _reply(self, status: int, content: dict[str, Any]) -> None:
        payload = json.dumps(content).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class SinkServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], secret: str, calls: CallFolder) -> None:
        super().__init__(address, WebhookHandler)
        self.secret = secret
        self.calls = calls


def serve(host: str, port: int, folder: Path, secret: str) -> None:
    server = SinkServer((host, port), secret, CallFolder(folder))

    def stop(*_: object) -> None:  # shutdown() waits for serve_forever: not on its thread
        threading.Thread(target=server.shutdown).start()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    print(f"webhook sink listening on http://{host}:{port}, writing to {folder}", flush=True)
    with server:
        server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description="Local webhook receiver")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--secret", default=os.environ.get(_SECRET_ENV), help=f"or ${_SECRET_ENV}")
    args = parser.parse_args()
    if not args.secret:
        parser.error(f"the shared secret is needed: --secret or ${_SECRET_ENV}")
    serve(args.host, args.port, args.dir, args.secret)


if __name__ == "__main__":
    main()
