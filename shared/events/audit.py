"""The audit event: one entry of the console's access log (DPA 2018 Part 3, s.62), published
for whoever keeps the force's audit trail beyond the console's own store.

Like every event it is keyed by a report id. An entry about a report (a view, a search that
found it, an export) is keyed by that report, so one report's accesses keep their order; an
entry about none (a sign-in, a failed sign-in, a sign-out, a look at the access log) is
keyed by a uuid5 of the member of staff (`access_key_of`), so one person's sign-ins keep
theirs. `subject_report_id` tells the two apart. The event names what was shown, never its
content, and a search of personal data only by a keyed digest of what was searched for.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import Field

from shared.events.envelope import Event, derived_event_id

#: Under which the Kafka keys of entries about no report are made.
ACCESS_KEY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:frontdesk:access-log")
#: Who an entry with no known user is keyed by (a sign-in that failed before anyone was known).
ANONYMOUS = "anonymous"


class AccessKind(StrEnum):
    """What was done, in the console's access log and as the contract carries it (the
    console's `AccessAction` is this very enum): a consultation, a disclosure, a sign-in,
    a refusal, or a staff action on a report (the action's own event tells what it did)."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    VIEW_REPORT = "view_report"
    REVEAL_CONTACT = "reveal_contact"
    SEARCH_REFERENCE = "search_reference"
    SEARCH_REPORT_ID = "search_report_id"
    SEARCH_CONTACT = "search_contact"
    EXPORT = "export"
    VIEW_ACCESS_LOG = "view_access_log"
    DENIED = "denied"
    VIEW_STAFF = "view_staff"
    CLAIM = "claim"
    ASSIGN = "assign"
    RECORD_CONTACT = "record_contact"
    SEND_REPLY = "send_reply"
    REQUEST_INFORMATION = "request_information"
    REGRADE = "regrade"
    CLOSE = "close"
    REOPEN = "reopen"
    ADD_NOTE = "add_note"


def access_key_of(user_id: str | None) -> uuid.UUID:
    """The Kafka key of an entry about no report: the same for every entry of one user
    (prefixed, so no user id can collide with the anonymous key)."""
    name = ANONYMOUS if user_id is None else f"user/{user_id}"
    return uuid.uuid5(ACCESS_KEY_NAMESPACE, name)


class AccessRecorded(Event):
    """An access to the console was written to its access log (once per entry: the event
    id is derived from the entry id, so a re-published entry is the very same event)."""

    event_type: Literal["AccessRecorded"] = Field(
        default="AccessRecorded", description='Always "AccessRecorded".'
    )
    report_id: uuid.UUID = Field(
        description=(
            "The Kafka key: the report the entry is about, or, for an entry about no report"
            " (sign-in, failed sign-in, sign-out, a look at the access log), a uuid5 of the"
            ' user id under ACCESS_KEY_NAMESPACE ("user/<id>", or "anonymous" when no user'
            " was known). subject_report_id says which."
        )
    )
    entry_id: uuid.UUID = Field(description="The access log entry; the event id derives from it.")
    action: AccessKind = Field(description="What was done.")
    user_id: str | None = Field(
        description="The provider's subject of the member of staff; none if nobody was known."
    )
    username: str | None = Field(description="Their user name, as the provider gave it.")
    roles: list[str] = Field(description="The console roles they held at the time.")
    subject_report_id: uuid.UUID | None = Field(
        description="The report the entry is about; none for an entry about no report."
    )
    reference: str | None = Field(description="The report's reference, if known.")
    shown: list[str] = Field(description="Names of the parts shown (never their content).")
    matches: int | None = Field(ge=0, description="For a search: how many reports it found.")
    query_digest: str | None = Field(
        description=(
            "For a search of personal data: keyed HMAC-SHA256 digests (hex) of what was"
            " searched for, never the email or phone itself."
        )
    )
    detail: str | None = Field(
        description="Why a sign-in failed or access was denied; no personal data."
    )
    report_ids: list[uuid.UUID] = Field(
        default_factory=list,
        description=(
            "For a search: the reports it found (a search by contact details may find"
            " several; subject_report_id names one only when the search was for one report)."
            " Empty for anything else, and in events from before the field existed."
        ),
    )

    @classmethod
    def recorded(
        cls,
        *,
        entry_id: uuid.UUID,
        at: datetime,
        producer: str,
        subject_report_id: uuid.UUID | None,
        user_id: str | None,
        **fields: Any,
    ) -> Self:
        """The event of one entry: the same event however often it is built."""
        event_id = derived_event_id(entry_id, "AccessRecorded")
        return cls(
            event_id=event_id,
            event_type="AccessRecorded",
            occurred_at=at,
            report_id=subject_report_id or access_key_of(user_id),
            correlation_id=event_id,  # an access starts no report's journey: its own
            producer=producer,
            entry_id=entry_id,
            subject_report_id=subject_report_id,
            user_id=user_id,
            **fields,
        )


__all__ = ["ACCESS_KEY_NAMESPACE", "ANONYMOUS", "AccessKind", "AccessRecorded", "access_key_of"]
