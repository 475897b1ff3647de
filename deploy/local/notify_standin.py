"""A local stand-in for the GOV.UK Notify API endpoints frontdesk uses, for `make run` and tests.

- `POST /v2/notifications/sms`: checks the API key's JWT (HS256, `iss` = service id, `iat`
  within 30 s, as Notify does), keeps the message as `<dir>/<n>.json` and answers 201 like
  Notify; then sends a delivery receipt to the callback URL with its bearer token.
- Test controls (not part of Notify): `POST /_control/failures` queues answers for the next
  requests (429, 500, or 400 for a permanent failure), `POST /_control/outcomes` queues
  receipt statuses (`permanent-failure`, `temporary-failure`, ...), `POST /_control/callback`
  sets where receipts go, `GET /_control/messages` lists what was accepted.

    python deploy/local/notify_standin.py --port 8090 --dir .local/sms \\
        --callback-url http://127.0.0.1:8003/v1/receipts/notify --callback-token TOKEN
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse

#: The one API key the stand-in accepts: `<name>-<service id>-<secret>`, as Notify's are.
SERVICE_ID = "7c1f5c0e-3b8a-4d2e-9a61-5f0d2b8c4e11"
SECRET = "0e6f0b7c-1d2a-4c5b-8e9f-a0b1c2d3e4f5"  # noqa: S105 - local stand-in only
API_KEY = f"frontdesk_local-{SERVICE_ID}-{SECRET}"
JWT_LEEWAY_S = 30


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verify_jwt(token: str) -> None:
    """Raise ValueError unless `token` is a fresh HS256 JWT signed with our secret."""
    header, payload, signature = token.split(".")
    expected = hmac.new(SECRET.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, _b64decode(signature)):
        raise ValueError("bad signature")
    claims = json.loads(_b64decode(payload))
    if claims.get("iss") != SERVICE_ID or abs(time.time() - claims.get("iat", 0)) > JWT_LEEWAY_S:
        raise ValueError("bad issuer or stale token")


@dataclass
class StandIn:
    folder: Path
    callback_url: str | None
    callback_token: str | None
    failures: deque[int] = field(default_factory=deque)
    outcomes: deque[str] = field(default_factory=deque)
    messages: list[dict[str, Any]] = field(default_factory=list)

    def keep(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        path = self.folder / f"{len(self.messages)}.json"
        path.write_text(json.dumps(message, indent=2))


def create_app(stand_in: StandIn) -> FastAPI:
    app = FastAPI(title="GOV.UK Notify stand-in")
    receipts: set[asyncio.Task[None]] = set()

    @app.post("/v2/notifications/sms", status_code=201)
    async def send_sms(request: Request, authorization: str = Header()) -> JSONResponse:
        try:
            verify_jwt(authorization.removeprefix("Bearer "))
        except ValueError as error:
            raise HTTPException(403, f"Invalid token: {error}") from None
        if stand_in.failures:
            return _failure(stand_in.failures.popleft())
        body = await request.json()
        notification_id = str(uuid.uuid4())
        text = body["personalisation"]["body"]
        stand_in.keep({"id": notification_id, **body, "body": text})
        task = asyncio.create_task(_send_receipt(stand_in, notification_id, body))
        receipts.add(task)
        task.add_done_callback(receipts.discard)
        return JSONResponse(
            status_code=201,
            content={
                "id": notification_id,
                "reference": body.get("reference"),
                "content": {"body": text, "from_number": "Police"},
                "uri": f"/v2/notifications/{notification_id}",
                "template": {"id": body["template_id"], "version": 1, "uri": ""},
            },
        )

    @app.post("/_control/failures")
    async def queue_failures(statuses: list[int]) -> dict[str, int]:
        stand_in.failures.extend(statuses)
        return {"queued": len(stand_in.failures)}

    @app.post("/_control/outcomes")
    async def queue_outcomes(statuses: list[str]) -> dict[str, int]:
        stand_in.outcomes.extend(statuses)
        return {"queued": len(stand_in.outcomes)}

    @app.post("/_control/callback")
    async def set_callback(target: dict[str, str]) -> dict[str, str]:
        stand_in.callback_url, stand_in.callback_token = target["url"], target["token"]
        return target

    @app.get("/_control/messages")
    async def list_messages() -> list[dict[str, Any]]:
        return stand_in.messages

    return app


def _failure(status: int) -> JSONResponse:
    errors = {
        429: (
            "RateLimitError",
            "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
        ),
        500: ("Exception", "Internal server error"),
        400: ("BadRequestError", "phone_number Not a UK mobile number"),
    }
    error, message = errors.get(status, ("Exception", "error"))
    return JSONResponse(
        status_code=status,
        content={"status_code": status, "errors": [{"error": error, "message": message}]},
    )


async def _send_receipt(stand_in: StandIn, notification_id: str, body: dict[str, Any]) -> None:
    if not stand_in.callback_url:
        return
    status = stand_in.outcomes.popleft() if stand_in.outcomes else "delivered"
    now = datetime.now(UTC).isoformat()
    receipt = {
        "id": notification_id,
        "reference": body.get("reference"),
        "to": body["phone_number"],
        "status": status,
        "created_at": now,
        "completed_at": now,
        "sent_at": now,
        "notification_type": "sms",
    }
    headers = {"Authorization": f"Bearer {stand_in.callback_token}"}
    async with httpx.AsyncClient(timeout=5) as client:
        for _ in range(5):  # Notify retries callbacks too
            try:
                answer = await client.post(stand_in.callback_url, json=receipt, headers=headers)
                if answer.status_code < HTTPStatus.INTERNAL_SERVER_ERROR:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(1)


def main() -> None:
    parser = argparse.ArgumentParser(description="GOV.UK Notify stand-in")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--callback-url")
    parser.add_argument("--callback-token")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    stand_in = StandIn(args.dir, args.callback_url, args.callback_token)
    uvicorn.run(create_app(stand_in), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
