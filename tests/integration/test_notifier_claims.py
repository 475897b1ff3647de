"""The notifier's send claim on the real Mongo-wire server: exclusive, leased, final."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pymongo import AsyncMongoClient

from services.notifier.adapters import MongoReplies
from services.notifier.domain import Claim, ReplyRecord
from services.notifier.handlers import Sent
from shared.events import ContactMethod, ReplyKind
from shared.mongo import Document
from tests import factories
from tests.factories import NOW

pytestmark = pytest.mark.integration

ACK = ReplyKind.ACKNOWLEDGEMENT


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

    first = await replies.claim(report_id, ACK, NOW)
    racing = await replies.claim(report_id, ACK, NOW + timedelta(seconds=1))
    after_a_crash = await replies.claim(report_id, ACK, NOW + timedelta(seconds=61))
    await replies.finish(report_id, ACK, Sent("delivered", (ContactMethod.EMAIL,), []))
    after_sending = await replies.claim(report_id, ACK, NOW + timedelta(hours=2))

    assert (first, racing, after_a_crash, after_sending) == (
        Claim.CLAIMED,
        Claim.HELD,
        Claim.CLAIMED,
        Claim.FINISHED,
    )
    facts = await replies.facts(report_id)
    assert facts is not None
    assert facts.replies == {"acknowledgement": ReplyRecord("delivered", (ContactMethod.EMAIL,))}
