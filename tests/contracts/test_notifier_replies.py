"""The notifier's `Replies`: facts joined in any order (the first submission and reference
stand, the newest classification wins), and each reply claimed exclusively, finished once
and settled once, each with its events."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from services.notifier.adapters import MongoReplies
from services.notifier.domain import Claim, ReplyKey, ReplyRecord, StaffRequest
from services.notifier.ports import Replies, Sent
from shared.events import (
    CauseRef,
    ContactMethod,
    ReplyDelivered,
    ReplyKind,
    ReplySent,
    ReportSubmitted,
)
from tests import factories, staff_factories
from tests.contracts.conftest import Backend, Store, ids
from tests.factories import NOW
from tests.fakes.notifier import FakeReplies

ACK = ReplyKind.ACKNOWLEDGEMENT
ACK_REPLY = ReplyKey(ACK)
EMAIL = ContactMethod.EMAIL
LEASE_S = 60


@pytest.fixture
def replies(backend: Backend) -> Store[Replies]:
    if backend.database is None:
        fake = FakeReplies(claim_lease_s=LEASE_S)
        return backend.of_fake(fake, fake)
    return backend.of_adapter(MongoReplies(backend.database, backend.publisher, LEASE_S))


def _sent(submitted: ReportSubmitted) -> Sent:
    sent = ReplySent.caused_by(
        submitted,
        producer="notifier",
        occurred_at=NOW,
        discriminator="acknowledgement.email",
        reply_kind=ACK,
        channel=EMAIL,
        provider_message_id="email-1",
        receipts_expected=True,
        subject="Your report REF-1",
        body="Dear Alex Example,\nthank you for your report REF-1.",
    )
    return Sent("sent", (EMAIL,), [sent], provider_id="email-1")


def _delivered(submitted: ReportSubmitted) -> ReplyDelivered:
    return factories.reply_delivered(submitted)


async def test_the_first_submission_stands_with_its_contact(replies: Store[Replies]) -> None:
    submitted = factories.report_submitted(happening_now=True)
    forged = factories.report_submitted(
        report_id=submitted.report_id, contact=factories.contact(email="other@example.net")
    )

    first = await replies.port.remember_submission(submitted)
    again = await replies.port.remember_submission(submitted)
    after_forgery = await replies.port.remember_submission(forged)

    assert first is not None
    assert first.cause is not None
    assert first.cause.event_id == submitted.event_id
    assert (first.report_type, first.contact, first.anonymous) == (
        "crime",
        submitted.contact,
        False,
    )
    assert first.emergency_reported is True
    assert again == after_forgery == first == await replies.port.facts(submitted.report_id)
    assert await replies.port.facts(uuid.uuid4()) is None


async def test_an_anonymous_report_has_no_contact(replies: Store[Replies]) -> None:
    submitted = factories.report_submitted(contact=None)

    facts = await replies.port.remember_submission(submitted)

    assert facts is not None
    assert (facts.contact, facts.anonymous) == (None, True)


async def test_facts_join_in_any_order_the_newest_grade_and_first_reference_standing(
    replies: Store[Replies],
) -> None:
    submitted = factories.report_submitted()
    newer = factories.report_classified(submitted, grade=2, sequence=2, discriminator="2")
    older = factories.report_classified(submitted, grade=4)

    await replies.port.remember_classification(newer)
    await replies.port.remember_reference(factories.reference_issued(submitted, "REF-1"))
    await replies.port.remember_classification(older)
    await replies.port.remember_reference(factories.reference_issued(submitted, "REF-2"))
    await replies.port.remember_breach(submitted.report_id)
    facts = await replies.port.remember_submission(submitted)

    assert facts is not None
    assert facts.classification is not None
    assert (facts.classification.grade, facts.classification.sequence) == (2, 2)
    assert (facts.reference, facts.breached, facts.submitted) == ("REF-1", True, True)


async def test_a_claim_is_exclusive_until_its_lease_runs_out_and_final_once_finished(
    replies: Store[Replies],
) -> None:
    submitted = factories.report_submitted()
    report_id = submitted.report_id
    await replies.port.remember_submission(submitted)

    first = await replies.port.claim(report_id, ACK_REPLY, NOW)
    racing = await replies.port.claim(report_id, ACK_REPLY, NOW + timedelta(seconds=1))
    after_a_crash = await replies.port.claim(report_id, ACK_REPLY, NOW + timedelta(seconds=61))
    await replies.run(replies.port.finish(report_id, ACK_REPLY, _sent(submitted)))
    after_sending = await replies.port.claim(report_id, ACK_REPLY, NOW + timedelta(hours=2))
    unknown = await replies.port.claim(uuid.uuid4(), ACK_REPLY, NOW)

    assert (first, racing, after_a_crash, after_sending, unknown) == (
        Claim.CLAIMED,
        Claim.HELD,
        Claim.CLAIMED,
        Claim.FINISHED,
        Claim.HELD,
    )


async def test_a_claimed_send_is_finished_once_with_its_events(replies: Store[Replies]) -> None:
    submitted = factories.report_submitted()
    report_id, outcome = submitted.report_id, _sent(submitted)
    await replies.port.remember_submission(submitted)

    await replies.run(replies.port.finish(report_id, ACK_REPLY, outcome))  # never claimed
    await replies.port.claim(report_id, ACK_REPLY, NOW)
    await replies.run(replies.port.finish(report_id, ACK_REPLY, outcome))
    await replies.run(replies.port.finish(report_id, ACK_REPLY, outcome))  # redelivered
    facts = await replies.port.facts(report_id)

    assert facts is not None
    assert facts.replies == {"acknowledgement": ReplyRecord("sent", (EMAIL,))}
    assert replies.emitted() == ids(*outcome.events)
    assert await replies.port.sent_with("email-1") == (report_id, ACK_REPLY)
    assert await replies.port.sent_with("email-unknown") is None


async def test_a_sent_reply_is_settled_once_and_a_retry_can_be_claimed_again(
    replies: Store[Replies],
) -> None:
    submitted = factories.report_submitted()
    report_id, outcome, delivered = submitted.report_id, _sent(submitted), _delivered(submitted)
    await replies.port.remember_submission(submitted)
    await replies.port.claim(report_id, ACK_REPLY, NOW)
    await replies.run(replies.port.finish(report_id, ACK_REPLY, outcome))

    settled = await replies.run(replies.port.settle(report_id, ACK_REPLY, "retry", [delivered]))
    again = await replies.run(replies.port.settle(report_id, ACK_REPLY, "delivered", [delivered]))
    claim = await replies.port.claim(report_id, ACK_REPLY, NOW)
    facts = await replies.port.facts(report_id)

    assert (settled, again, claim) == (True, False, Claim.CLAIMED)
    assert facts is not None
    assert facts.replies == {"acknowledgement": ReplyRecord("sending", (EMAIL,))}
    assert replies.emitted() == ids(*outcome.events, delivered)


async def test_the_words_of_a_sent_reply_are_published_as_they_were_sent(
    replies: Store[Replies],
) -> None:
    submitted = factories.report_submitted()
    outcome = _sent(submitted)
    await replies.port.remember_submission(submitted)
    await replies.port.claim(submitted.report_id, ACK_REPLY, NOW)

    await replies.run(replies.port.finish(submitted.report_id, ACK_REPLY, outcome))

    (published,) = [ReplySent.model_validate_json(value) for value in replies.published()]
    assert published == outcome.events[0]
    assert (published.subject, published.body) == (
        "Your report REF-1",
        "Dear Alex Example,\nthank you for your report REF-1.",
    )


# ------------------------------------------------------------------ staff messages


def _staff_request(submitted: ReportSubmitted, number: int = 1) -> StaffRequest:
    requested = staff_factories.reply_requested(submitted, number)
    return StaffRequest(ReplyKind.STAFF_REPLY, CauseRef.of(requested), number, requested.message)


def _staff_sent(request: StaffRequest, provider_id: str) -> Sent:
    sent = ReplySent.caused_by(
        request.cause,
        producer="notifier",
        occurred_at=NOW,
        discriminator=f"{request.key.name}.email",
        request_id=request.message.request_id,
        reply_kind=request.kind,
        channel=EMAIL,
        provider_message_id=provider_id,
        receipts_expected=True,
        subject=request.message.subject,
        body=request.message.body,
    )
    return Sent("sent", (EMAIL,), [sent], provider_id=provider_id)


async def test_a_staff_request_is_kept_before_the_submission_and_the_first_stands(
    replies: Store[Replies],
) -> None:
    submitted = factories.report_submitted()
    request = _staff_request(submitted)
    other = StaffRequest(
        ReplyKind.OUTCOME, CauseRef.of(staff_factories.report_closed(submitted)), 5, request.message
    )

    early = await replies.port.remember_staff_request(request)
    again = await replies.port.remember_staff_request(other)
    facts = await replies.port.remember_submission(submitted)

    assert early is not None
    assert early.submitted is False
    assert early.requests == {request.message.request_id: request}
    assert again == early
    assert facts is not None
    assert facts.requests == {request.message.request_id: request}


async def test_each_staff_request_has_its_own_claim_record_and_receipts(
    replies: Store[Replies],
) -> None:
    submitted = factories.report_submitted()
    report_id = submitted.report_id
    first, second = _staff_request(submitted, 1), _staff_request(submitted, 2)
    await replies.port.remember_submission(submitted)
    await replies.port.remember_staff_request(first)
    await replies.port.remember_staff_request(second)
    outcome = _staff_sent(first, "email-staff-1")

    claims = [
        await replies.port.claim(report_id, first.key, NOW),
        await replies.port.claim(report_id, first.key, NOW),
        await replies.port.claim(report_id, second.key, NOW),
        await replies.port.claim(report_id, ACK_REPLY, NOW),
    ]
    await replies.run(replies.port.finish(report_id, first.key, outcome))
    after = await replies.port.claim(report_id, first.key, NOW + timedelta(hours=1))
    found = await replies.port.sent_with("email-staff-1")
    settled = await replies.run(replies.port.settle(report_id, first.key, "delivered", []))
    facts = await replies.port.facts(report_id)

    assert claims == [Claim.CLAIMED, Claim.HELD, Claim.CLAIMED, Claim.CLAIMED]
    assert (after, found, settled) == (Claim.FINISHED, (report_id, first.key), True)
    assert facts is not None
    assert facts.requests[first.message.request_id].record == ReplyRecord("delivered", (EMAIL,))
    assert facts.requests[second.message.request_id].record == ReplyRecord("sending")
    assert facts.replies == {"acknowledgement": ReplyRecord("sending")}
    assert replies.emitted() == ids(*outcome.events)
    assert await replies.port.sent_with("email-staff-unknown") is None
