"""The notifier's send claim on the real Mongo-wire server: exclusive, leased, final."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pymongo import AsyncMongoClient

from services.notifier.adapters import MongoReplies
from services.notifier.domain import Claim, ReplyKey, ReplyRecord
from services.notifier.ports import Sent
from shared.events import ContactMethod, ReplyKind
from shared.mongo import Document
from tests import factories
from tests.factories import NOW

pytestmark = pytest.mark.integration

ACK = ReplyKind.ACKNOWLEDGEMENT
ACK_REPLY = ReplyKey(ACK)


class NoPublisher:
    async def publish(self, message: Document) -> None:
        raise AssertionError("nothing is published in this test")


async def test_a_claim_is_exclusive_until_its_lease_runs_out_and_final_once_finished(
    mongo: AsyncMongoClient[Document], database_name: str
) -> None:
    replies = MongoReplies(mongo[database_name], NoPublisher(), claim_lease_s=60)
    submitted = factories.report_submitted()
    report_id = submitted.report_id
    await replies.remember_submission(submitted)

    first = await replies.claim(report_id, ACK_REPLY, NOW)
    racing = await replies.claim(report_id, ACK_REPLY, NOW + timedelta(seconds=1))
    after_a_crash = await replies.claim(report_id, ACK_REPLY, NOW + timedelta(seconds=61))
    await replies.finish(report_id, ACK_REPLY, Sent("delivered", (ContactMethod.EMAIL,), []))
    after_sending = await replies.claim(report_id, ACK_REPLY, NOW + timedelta(hours=2))

    assert (first, racing, after_a_crash, after_sending) == (
        Claim.CLAIMED,
        Claim.HELD,
        Claim.CLAIMED,
        Claim.FINISHED,
    )
    facts = await replies.facts(report_id)
    assert facts is not None
    assert facts.replies == {"acknowledgement": ReplyRecord("delivered", (ContactMethod.EMAIL,))}


async def test_finding_1_the_first_submission_and_reference_stand_on_the_real_server(
    mongo: AsyncMongoClient[Document], database_name: str
) -> None:
    """A later, different ReportSubmitted cannot redirect replies to another address, and a
    second reference cannot replace the first; the handler then refuses the event."""
    replies = MongoReplies(mongo[database_name], NoPublisher(), claim_lease_s=60)
    submitted = factories.report_submitted()
    forged = factories.report_submitted(
        report_id=submitted.report_id,
        contact=factories.contact(email="attacker@example.net"),
    )
    first = factories.reference_issued(submitted, "LP-20261201-000001-7")
    second = factories.reference_issued(submitted, "FORGED-REF-CALL-07000-000000")

    await replies.remember_submission(submitted)
    after_forgery = await replies.remember_submission(forged)
    await replies.remember_reference(first)
    after_second = await replies.remember_reference(second)

    assert after_forgery is not None
    assert after_forgery.cause is not None
    assert after_forgery.cause.event_id == submitted.event_id
    assert after_forgery.contact == submitted.contact
    assert after_second is not None
    assert after_second.reference == "LP-20261201-000001-7"
