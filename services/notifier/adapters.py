"""Notifier's adapters: the Mongo join of events, and email over SMTP."""

from __future__ import annotations

import uuid
from contextlib import suppress
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import aiosmtplib
from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notifier.domain import (
    FINISHED_STATES,
    Claim,
    Classification,
    OutgoingReply,
    ReportFacts,
)
from services.notifier.handlers import PermanentDeliveryError, TemporaryDeliveryError
from services.notifier.settings import SmtpSettings
from shared.events import (
    CauseRef,
    Contact,
    ContactMethod,
    Event,
    ReferenceIssued,
    ReplyKind,
    ReportClassified,
    ReportSubmitted,
)
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox, outbox_entries


class MongoReplies:
    """`Replies` in the `replies` collection: one document per report."""

    def __init__(
        self, database: AsyncDatabase[Document], publisher: EventPublisher, claim_lease_s: float
    ) -> None:
        self._collection = database["replies"]
        self._lease = timedelta(seconds=claim_lease_s)
        self.outbox = Outbox(self._collection, publisher)

    async def remember_submission(self, event: ReportSubmitted) -> None:
        contact = None if event.contact is None else event.contact.model_dump(mode="json")
        await self._upsert(
            {"_id": str(event.report_id)},
            {
                "$set": {
                    "cause": CauseRef.of(event).to_document(),
                    "report_type": event.report_type.value,
                    "contact": contact,
                    "anonymous": event.anonymous,
                }
            },
        )

    async def remember_classification(self, event: ReportClassified) -> None:
        classification = {
            "grade": event.grade,
            "next_steps": event.next_steps,
            "referral": event.referral,
            "flags": event.flags,
            "sequence": event.sequence,
        }
        newer = {
            "_id": str(event.report_id),
            "$or": [
                {"classification": {"$exists": False}},
                {"classification.sequence": {"$lt": event.sequence}},
            ],
        }
        await self._upsert(newer, {"$set": {"classification": classification}})

    async def remember_reference(self, event: ReferenceIssued) -> None:
        await self._upsert({"_id": str(event.report_id)}, {"$set": {"reference": event.reference}})

    async def _upsert(self, query: Document, update: Document) -> None:
        with suppress(
            DuplicateKeyError
        ):  # the document exists and the guard said no: a stale or repeated fact
            await self._collection.update_one(query, update, upsert=True)

    async def facts(self, report_id: uuid.UUID) -> ReportFacts | None:
        document = await self._collection.find_one({"_id": str(report_id)})
        return None if document is None else _facts(document)

    async def claim(self, report_id: uuid.UUID, kind: ReplyKind, now: datetime) -> Claim:
        field = f"replies.{kind.value}"
        unclaimed_or_abandoned = {
            "_id": str(report_id),
            "$or": [
                {field: {"$exists": False}},
                {f"{field}.state": "sending", f"{field}.claimed_at": {"$lt": now - self._lease}},
            ],
        }
        claimed = await self._collection.find_one_and_update(
            unclaimed_or_abandoned,
            {"$set": {field: {"state": "sending", "claimed_at": now}}},
            return_document=ReturnDocument.AFTER,
        )
        if claimed is not None:
            return Claim.CLAIMED
        current = await self._collection.find_one({"_id": str(report_id)}, {field: 1})
        state = (current or {}).get("replies", {}).get(kind.value, {}).get("state")
        return Claim.FINISHED if state in FINISHED_STATES else Claim.HELD

    async def release(self, report_id: uuid.UUID, kind: ReplyKind) -> None:
        field = f"replies.{kind.value}"
        await self._collection.update_one(
            {"_id": str(report_id), f"{field}.state": "sending"}, {"$unset": {field: ""}}
        )

    async def finish(
        self, report_id: uuid.UUID, kind: ReplyKind, state: str, events: list[Event]
    ) -> None:
        field = f"replies.{kind.value}"
        await self._collection.update_one(
            {"_id": str(report_id), f"{field}.state": "sending"},
            {
                "$set": {f"{field}.state": state},
                "$push": {"outbox": {"$each": outbox_entries(events)}},
            },
        )

    async def publish_pending(self, report_id: uuid.UUID) -> None:
        await self.outbox.flush(str(report_id))


def _facts(document: Document) -> ReportFacts:
    classification = document.get("classification")
    contact = document.get("contact")
    cause = document.get("cause")
    return ReportFacts(
        cause=None if cause is None else CauseRef.from_document(cause),
        report_type=document.get("report_type"),
        contact=None if contact is None else Contact.model_validate(contact),
        anonymous=bool(document.get("anonymous", False)),
        classification=None if classification is None else _classification(classification),
        reference=document.get("reference"),
        reply_states={k: v["state"] for k, v in document.get("replies", {}).items()},
    )


def _classification(document: dict[str, Any]) -> Classification:
    return Classification(
        grade=document["grade"],
        next_steps=document["next_steps"],
        referral=document.get("referral"),
        flags=tuple(document.get("flags", ())),
        sequence=document["sequence"],
    )


#: SMTP reply codes from 500 up are permanent: sending the same message again will fail.
SMTP_PERMANENT_FAILURE = 500


class SmtpReplyChannel:
    """`ReplyChannel` for email, through an SMTP relay.

    The Message-ID is derived from the report and the kind of reply, so a message sent
    twice after a crash is recognisably the same message to the receiving side.
    """

    supported = frozenset({ContactMethod.EMAIL})
    delivered_on_acceptance = True

    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    async def send(self, reply: OutgoingReply) -> str:
        message = self._message(reply)
        try:
            await aiosmtplib.send(
                message,
                hostname=self._settings.host,
                port=self._settings.port,
                timeout=self._settings.timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            raise PermanentDeliveryError("recipient refused by mail server") from error
        except aiosmtplib.SMTPResponseException as error:
            if error.code >= SMTP_PERMANENT_FAILURE:
                raise PermanentDeliveryError(f"mail server refused: {error.code}") from error
            raise TemporaryDeliveryError(f"mail server deferred: {error.code}") from error
        except (aiosmtplib.SMTPException, OSError) as error:
            raise TemporaryDeliveryError(
                f"mail server unreachable: {type(error).__name__}"
            ) from error
        return str(message["Message-ID"])

    def _message(self, reply: OutgoingReply) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._settings.sender
        message["To"] = reply.recipient.address
        message["Subject"] = reply.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = f"<{reply.idempotency_key}@{self._settings.message_id_domain}>"
        message.set_content(reply.text)
        message.add_alternative(reply.html, subtype="html")
        return message
