"""The fault suite's member of staff: an operator (a bearer token from the stack's Keycloak)
who, as the console comes to know each report of the load, claims it, sends the reporter a
reply from a standard text and closes it with an outcome and its outcome message. A request
that fails because the console is down or restarting is sent again with the same
`Idempotency-Key` until it is answered, as a real client would; what the console answered
(each action's event id) is what the staff ledger checks Kafka and the mail sink against."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import httpx

from tests.faults.harness import Load, System

OPERATOR = "operator"  # the demo realm's operator of crime_bureau and lost_property
#: The outcome every report is closed with: one that needs no details besides its message.
OUTCOME = "information_only"
#: The staff events of the actions, in the order the operator takes them.
ACTION_EVENTS = ("ReportAssigned", "ReplyRequested", "ReportClosed")
#: The actions the console must offer before the operator takes a report on.
READY_FOR = frozenset({"claim", "send_reply"})
RETRY_PAUSE_S = 0.3
HANDS = 8
REQUEST_DEADLINE_S = 180.0
#: Access tokens live 300 s on the local realm: take a new one well before.
TOKEN_AGE_S = 200.0


class BearerToken:
    """The operator's access token, fetched again when old or refused."""

    def __init__(self, fetch: Callable[[], str]) -> None:
        self._fetch = fetch
        self._token: str | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def header(self) -> dict[str, str]:
        async with self._lock:
            if self._token is None or time.monotonic() - self._fetched_at > TOKEN_AGE_S:
                self._token = await asyncio.to_thread(self._fetch)
                self._fetched_at = time.monotonic()
            return {"Authorization": f"Bearer {self._token}"}

    def expire(self) -> None:
        self._token = None


@dataclass
class StaffDriver:
    """Works on every report of a load but its possible emergencies (claiming or closing
    one would resolve its alert, whose every step the alert ledger expects)."""

    system: System
    token: BearerToken
    #: per report id, per staff event type, the event id the console answered
    answered: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    #: the Idempotency-Keys of actions sent again (the console was down, restarting or
    #: killed before it answered)
    retried: set[str] = field(default_factory=set)
    #: the first report's work that failed, if any: what a fault waiting on the operator's
    #: progress fails with at once (rather than at its deadline)
    failure: BaseException | None = None
    #: reports worked on at once: the hands of a few operators, not one per report (a poll
    #: of every report at once would only measure how many requests the console queues)
    hands: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(HANDS))

    def actions(self) -> int:
        """How many actions the console answered so far (its failure raised, if any)."""
        if self.failure is not None:
            raise self.failure
        return sum(len(events) for events in self.answered.values())

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.system.running['console'].port}"

    async def follow(self, load: Load, load_task: asyncio.Task[None]) -> None:
        """Take each report as the load has it accepted, until the load is over and every
        report taken is done."""
        async with httpx.AsyncClient(timeout=10) as client:
            work: dict[str, asyncio.Task[None]] = {}
            while True:
                load_over = load_task.done()
                for report_id in list(load.accepted.values()):
                    if report_id not in work and report_id not in load.emergencies:
                        work[report_id] = asyncio.create_task(self._work(client, report_id))
                if load_over:
                    break
                await asyncio.sleep(0.1)  # the next look at what the load has accepted
            await asyncio.gather(*work.values())

    async def _work(self, client: httpx.AsyncClient, report_id: str) -> None:
        try:
            async with self.hands:
                await self._claim_reply_close(client, report_id)
        except BaseException as failed:
            self.failure = self.failure or failed
            raise

    async def _claim_reply_close(self, client: httpx.AsyncClient, report_id: str) -> None:
        report = f"/v1/reports/{report_id}"
        await self._known(client, report)
        await self._command(client, report_id, f"{report}/claim", {})
        reply = await self._message(client, report, "reply")
        await self._command(client, report_id, f"{report}/replies", reply)
        outcome = await self._message(client, report, "outcome")
        close = {"outcome": OUTCOME, "reply": outcome}
        await self._command(client, report_id, f"{report}/close", close)

    async def _known(self, client: httpx.AsyncClient, report: str) -> None:
        """Until the console knows the report well enough to offer the operator a claim and a
        reply (its reference, its route, the reporter's contact): 404 before its first
        event, 403 while it is not yet routed to one of the operator's teams."""
        deadline = time.monotonic() + REQUEST_DEADLINE_S
        while time.monotonic() < deadline:
            answer = await self._send(client, "GET", report)
            if answer.status_code == HTTPStatus.OK and _ready(answer.json()):
                return
            if answer.status_code not in (
                HTTPStatus.OK,
                HTTPStatus.NOT_FOUND,
                HTTPStatus.FORBIDDEN,
            ):
                raise AssertionError(f"GET {report}: {answer.status_code} {answer.text}")
            await asyncio.sleep(RETRY_PAUSE_S)  # the console has not folded its events yet
        raise AssertionError(f"{report} never became one the operator may claim and reply to")

    async def _message(
        self, client: httpx.AsyncClient, report: str, situation: str
    ) -> dict[str, Any]:
        """A standard text for the situation, as the console's preview renders it."""
        offered = _ok(await self._send(client, "GET", f"{report}/templates?situation={situation}"))
        wanted = [
            choice
            for choice in offered["choices"]
            if situation != "outcome" or choice["outcome"] == OUTCOME
        ]
        if not wanted:
            raise AssertionError(f"{report}: no standard text offered for {situation}")
        message = {"template": wanted[0]["template"], "language": "en"}
        preview = _ok(await self._send(client, "POST", f"{report}/replies/preview", message))
        return message | {"subject": preview["subject"] or "", "body": preview["body"]}

    async def _command(
        self, client: httpx.AsyncClient, report_id: str, path: str, body: dict[str, Any]
    ) -> None:
        """One staff action: one Idempotency-Key for every try of it."""
        key = {"Idempotency-Key": f"fault-staff-{uuid.uuid4()}"}
        answer = await self._send(client, "POST", path, body, key)
        if answer.status_code != HTTPStatus.ACCEPTED:
            raise AssertionError(f"POST {path}: {answer.status_code} {answer.text}")
        accepted = answer.json()
        self.answered[report_id][accepted["event_type"]] = accepted["event_id"]

    async def _send(
        self,
        client: httpx.AsyncClient,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """The console's answer, sent again while it is down, restarting (5xx) or finds the
        token too old (401)."""
        deadline = time.monotonic() + REQUEST_DEADLINE_S
        while time.monotonic() < deadline:
            auth = await self.token.header()
            try:
                answer = await client.request(
                    method, self.console_url + path, json=body, headers=auth | (headers or {})
                )
            except httpx.HTTPError:
                answer = None  # the console is down or was killed mid-answer
            if answer is not None and answer.status_code == HTTPStatus.UNAUTHORIZED:
                self.token.expire()
            elif answer is not None and answer.status_code < HTTPStatus.INTERNAL_SERVER_ERROR:
                return answer
            if headers and "Idempotency-Key" in headers:
                self.retried.add(headers["Idempotency-Key"])
            await asyncio.sleep(RETRY_PAUSE_S)
        raise AssertionError(f"{method} {path}: the console did not answer in time")


def _ready(report: dict[str, Any]) -> bool:
    return bool(report["reference"]) and READY_FOR.issubset(report["allowed_actions"])


def _ok(answer: httpx.Response) -> Any:
    if answer.status_code != HTTPStatus.OK:
        raise AssertionError(f"{answer.request.url.path}: {answer.status_code} {answer.text}")
    return answer.json()
