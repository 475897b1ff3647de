"""Server-side sessions and login states in Mongo (`sessions`, `login_states`).

A session is stored under the digest of its id (`signin.session_key`), never the id. The
TTL indexes let a real MongoDB drop what has ended; the local Mongo-wire server does not
expire them, and nothing relies on it: `SessionPolicy` decides on every read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.console.roles import Role, Staff
from services.console.signin import LOGIN_STATE_TTL, LoginState, SessionPolicy, StaffSession
from shared.mongo import Document


class MongoSessions:
    """`Sessions` in the `sessions` and `login_states` collections."""

    def __init__(self, database: AsyncDatabase[Document], policy: SessionPolicy) -> None:
        self._sessions = database["sessions"]
        self._logins = database["login_states"]
        self._policy = policy

    async def create_indexes(self) -> None:
        await self._sessions.create_index(
            "created_at", expireAfterSeconds=int(self._policy.absolute.total_seconds())
        )
        await self._logins.create_index(
            "created_at", expireAfterSeconds=int(LOGIN_STATE_TTL.total_seconds())
        )

    async def open(self, session: StaffSession) -> None:
        await self._sessions.insert_one(_session_document(session))

    async def find(self, key: str) -> StaffSession | None:
        document = await self._sessions.find_one({"_id": key})
        return None if document is None else _session_of(document)

    async def touch(self, key: str, at: datetime) -> None:
        await self._sessions.update_one(
            {"_id": key, "last_seen_at": {"$lt": at}}, {"$set": {"last_seen_at": at}}
        )

    async def close(self, key: str) -> None:
        await self._sessions.delete_one({"_id": key})

    async def begin_login(self, login: LoginState) -> None:
        await self._logins.insert_one(
            {
                "_id": login.state,
                "nonce": login.nonce,
                "code_verifier": login.code_verifier,
                "next_path": login.next_path,
                "created_at": login.created_at,
                "binding_digest": login.binding_digest,
            }
        )

    async def find_login(self, state: str) -> LoginState | None:
        document = await self._logins.find_one({"_id": state})
        return None if document is None else _login_of(document)

    async def take_login(self, state: str) -> LoginState | None:
        document = await self._logins.find_one_and_delete({"_id": state})
        return None if document is None else _login_of(document)


def _login_of(document: Document) -> LoginState:
    return LoginState(
        state=document["_id"],
        nonce=document["nonce"],
        code_verifier=document["code_verifier"],
        next_path=document["next_path"],
        created_at=document["created_at"],
        binding_digest=document.get("binding_digest", ""),  # none: bound to no browser
    )


def _session_document(session: StaffSession) -> dict[str, Any]:
    staff = session.staff
    return {
        "_id": session.key,
        "staff": {
            "user_id": staff.user_id,
            "username": staff.username,
            "roles": staff.role_names,
            "teams": sorted(staff.teams),
        },
        "csrf_token": session.csrf_token,
        "id_token": session.id_token,
        "created_at": session.created_at,
        "last_seen_at": session.last_seen_at,
    }


def _session_of(document: Document) -> StaffSession:
    staff = document["staff"]
    return StaffSession(
        key=document["_id"],
        staff=Staff(
            user_id=staff["user_id"],
            username=staff["username"],
            roles=frozenset(Role(name) for name in staff["roles"]),
            teams=frozenset(staff["teams"]),
        ),
        csrf_token=document["csrf_token"],
        id_token=document["id_token"],
        created_at=document["created_at"],
        last_seen_at=document["last_seen_at"],
    )
