"""The console's sign-in ports, faked: sessions and login states in dicts, and an access
log that keeps its entries in order."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from services.console.signin import LoginState, StaffSession


class FakeSessions:
    def __init__(self) -> None:
        self.sessions: dict[str, StaffSession] = {}
        self.logins: dict[str, LoginState] = {}
        self.touches = 0

    async def open(self, session: StaffSession) -> None:
        self.sessions[session.key] = session

    async def find(self, key: str) -> StaffSession | None:
        return self.sessions.get(key)

    async def touch(self, key: str, at: datetime) -> None:
        session = self.sessions.get(key)
        if session is not None and session.last_seen_at < at:
            self.touches += 1
            self.sessions[key] = replace(session, last_seen_at=at)

    async def close(self, key: str) -> None:
        self.sessions.pop(key, None)

    async def begin_login(self, login: LoginState) -> None:
        self.logins[login.state] = login

    async def find_login(self, state: str) -> LoginState | None:
        return self.logins.get(state)

    async def take_login(self, state: str) -> LoginState | None:
        return self.logins.pop(state, None)
