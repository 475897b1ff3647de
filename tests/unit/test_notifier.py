"""Notifier: the join in any order, one reply each, fallback, claims, holding replies."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from services.notifier.domain import ReplyKey
from services.notifier.handlers import Notifier
from services.notifier.ports import (
    DeliveryReceipt,
    PermanentDeliveryError,
    ReplyInProgressError,
    TemporaryDeliveryError,
)
from services.notifier.staff_messages import StaffMessages
from services.notifier.templates import ReplyRenderer
from shared.errors import ConflictingFactError, TransientError
from shared.events import ContactMethod, ReplyKind, ReplySent, SlaBreached
from shared.references import format_reference
from shared.status_tokens import StatusTokens
from tests import factories
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.notifier import FakeReplies, FakeReplyChannel

REFERENCE = format_reference("LP", NOW.date(), 7)
RENDERER = ReplyRenderer("Test Police")
STAFF_WORDS = StaffMessages("https://report.example.police.uk", StatusTokens(b"s" * 32))


def _notifier(*channels: FakeReplyChannel) -> tuple[Notifier, FakeReplies]:
    replies = FakeReplies()
    chosen = list(channels) or [FakeReplyChannel()]
    notifier = Notifier(replies, chosen, RENDERER, FrozenClock(), STAFF_WORDS)  # type: ignore[arg-type]
    return notifier, replies


def _deliveries(
    notifier: Notifier, flags: tuple[str, ...] = (), **overrides: Any
) -> list[Callable[[], Awaitable[None]]]:
    submitted = factories.report_submitted(**overrides)
    classified = factories.report_classified(submitted, flags=list(flags))
    issued = factories.reference_issued(submitted, REFERENCE)
    return [
        lambda: notifier.record_submission(submitted),
        lambda: notifier.record_classification(classified),
        lambda: notifier.record_reference(issued),
    ]


async def _deliver_all(notifier: Notifier, **overrides: Any) -> None:
    for deliver in _deliveries(notifier, **overrides):
        await deliver()


def _types(replies: FakeReplies) -> list[str]:
    return [event.event_type for event in replies.published]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
async def test_the_acknowledgement_goes_once_all_three_facts_are_known_in_any_order(
    order: tuple[int, ...],
) -> None:
    email = FakeReplyChannel()
    notifier, replies = _notifier(email)
    deliveries = _deliveries(notifier)

    for index in order:
        await deliveries[index]()

    (reply,) = email.sent
    assert REFERENCE in reply.text
    assert REFERENCE in reply.subject
    assert _types(replies) == ["ReplySent", "ReplyDelivered"]


async def test_a_storm_of_redelivered_events_sends_one_message() -> None:
    email = FakeReplyChannel()
    notifier, replies = _notifier(email)

    for deliver in _deliveries(notifier) * 5:
        await deliver()

    assert len(email.sent) == 1
    assert len(replies.published) == 2


async def test_an_anonymous_report_gets_no_reply() -> None:
    email = FakeReplyChannel()
    notifier, replies = _notifier(email)

    await _deliver_all(notifier, contact=None)

    assert email.sent == []
    assert replies.published == []


async def test_a_possible_emergency_gets_call_999_at_once_before_the_reference() -> None:
    email = FakeReplyChannel()
    notifier, _ = _notifier(email)
    submitted = factories.report_submitted(someone_in_danger=True)

    await notifier.record_submission(submitted)

    (guidance,) = email.sent
    assert guidance.kind is ReplyKind.EMERGENCY_GUIDANCE
    assert "call 999 now" in guidance.text


async def test_a_permanent_email_failure_falls_back_to_sms() -> None:
    email = FakeReplyChannel(failure=PermanentDeliveryError("recipient refused"))
    sms = FakeReplyChannel(channel=ContactMethod.SMS, delivered_on_acceptance=False)
    notifier, replies = _notifier(email, sms)

    await _deliver_all(notifier)

    (text,) = sms.sent
    assert REFERENCE in text.text
    assert _types(replies) == ["ReplyFailed", "ReplySent"]
    assert replies.published[0].model_dump()["final"] is False


async def test_temporary_failures_that_outlast_the_retries_fall_back_too() -> None:
    email = FakeReplyChannel(failure=TemporaryDeliveryError("deferred"))
    sms = FakeReplyChannel(channel=ContactMethod.SMS, delivered_on_acceptance=False)
    notifier, replies = _notifier(email, sms)

    await _deliver_all(notifier)

    assert len(sms.sent) == 1
    assert replies.published[0].model_dump()["permanent"] is False


async def test_no_fallback_to_a_channel_marked_unsafe_and_a_final_failure_instead() -> None:
    email = FakeReplyChannel(failure=PermanentDeliveryError("recipient refused"))
    sms = FakeReplyChannel(channel=ContactMethod.SMS)
    notifier, replies = _notifier(email, sms)

    await _deliver_all(notifier, contact=factories.contact(sms_safe=False))

    assert sms.sent == []
    failures = [event.model_dump() for event in replies.published]
    assert [(f["channel"], f["final"]) for f in failures] == [("email", False), (None, True)]
    assert all("alex" not in str(failure) for failure in failures)


async def test_a_failed_sms_receipt_falls_back_to_email_and_a_good_one_is_delivery() -> None:
    email = FakeReplyChannel()
    sms = FakeReplyChannel(channel=ContactMethod.SMS, delivered_on_acceptance=False)
    notifier, replies = _notifier(email, sms)
    await _deliver_all(notifier, contact=factories.contact(preferred_channel=ContactMethod.SMS))

    known = await notifier.record_receipt(DeliveryReceipt("sms-1", "permanent-failure", NOW))
    unknown = await notifier.record_receipt(DeliveryReceipt("nope", "delivered", NOW))

    assert (known, unknown) == (True, False)
    assert len(email.sent) == 1
    assert _types(replies) == ["ReplySent", "ReplyFailed", "ReplySent", "ReplyDelivered"]


async def test_a_delivered_sms_receipt_is_reply_delivered() -> None:
    sms = FakeReplyChannel(channel=ContactMethod.SMS, delivered_on_acceptance=False)
    notifier, replies = _notifier(FakeReplyChannel(), sms)
    await _deliver_all(notifier, contact=factories.contact(preferred_channel=ContactMethod.SMS))

    await notifier.record_receipt(DeliveryReceipt("sms-1", "delivered", NOW))
    await notifier.record_receipt(DeliveryReceipt("sms-1", "delivered", NOW))

    assert _types(replies) == ["ReplySent", "ReplyDelivered"]


async def test_a_reply_held_by_another_sender_is_retried_not_acknowledged() -> None:
    email = FakeReplyChannel()
    notifier, replies = _notifier(email)
    deliveries = _deliveries(notifier)
    await deliveries[0]()
    await deliveries[1]()
    (report_id,) = replies.facts_by_report
    await replies.claim(report_id, ReplyKey(ReplyKind.ACKNOWLEDGEMENT), NOW)

    with pytest.raises(ReplyInProgressError):
        await deliveries[2]()

    assert email.sent == []


async def test_a_send_whose_outcome_could_not_be_recorded_is_not_sent_again() -> None:
    """Mongo unreachable for longer than `finish` waits: the message is with the provider
    but unrecorded. When the lease runs out and this process claims the reply again, it
    records what it sent instead of sending a second message."""
    email = FakeReplyChannel()
    notifier, replies = _notifier(email)
    deliveries = _deliveries(notifier)
    replies.unreachable_for_finishes = 1
    await deliveries[0]()
    await deliveries[1]()

    with pytest.raises(TransientError):
        await deliveries[2]()  # the third fact: the email goes, its outcome is not recorded
    replies.let_claims_expire()
    await deliveries[2]()  # redelivered

    assert len(email.sent) == 1
    assert _types(replies) == ["ReplySent", "ReplyDelivered"]


async def test_a_breach_without_a_delivered_reply_gets_one_holding_reply() -> None:
    email = FakeReplyChannel(failure=TemporaryDeliveryError("down"))
    notifier, _ = _notifier(email)
    submitted = factories.report_submitted()
    await notifier.record_submission(submitted)
    await notifier.record_classification(factories.report_classified(submitted))
    breach = SlaBreached.caused_by(
        submitted,
        producer="sla_watchdog",
        occurred_at=NOW,
        due_at=NOW,
        grade=3,
        route="crime_bureau",
    )
    email.failure = None

    await notifier.record_breach(breach)
    await notifier.record_breach(breach)

    (holding,) = email.sent
    assert holding.kind is ReplyKind.HOLDING
    assert "sorry" in holding.text


async def test_no_holding_reply_once_the_acknowledgement_was_delivered() -> None:
    email = FakeReplyChannel()
    notifier, _ = _notifier(email)
    submitted = factories.report_submitted()
    await notifier.record_submission(submitted)
    await notifier.record_classification(factories.report_classified(submitted))
    await notifier.record_reference(factories.reference_issued(submitted, REFERENCE))

    await notifier.record_breach(_breach(submitted))

    assert [reply.kind for reply in email.sent] == [ReplyKind.ACKNOWLEDGEMENT]


def _breach(submitted: Any) -> SlaBreached:
    return SlaBreached.caused_by(
        submitted, producer="sla_watchdog", occurred_at=NOW, due_at=NOW, grade=3, route="crime"
    )


async def test_finding_1_a_second_different_reference_or_submission_is_refused() -> None:
    notifier, replies = _notifier()
    submitted = factories.report_submitted()
    await _deliver_all(notifier, report_id=submitted.report_id)
    sent = len(replies.published)
    forged_reference = factories.reference_issued(submitted, "FORGED-REF-CALL-07000-000000")
    forged_submission = factories.report_submitted(report_id=submitted.report_id)

    with pytest.raises(ConflictingFactError):
        await notifier.record_reference(forged_reference)
    with pytest.raises(ConflictingFactError):
        await notifier.record_submission(forged_submission)

    assert len(replies.published) == sent  # nothing more was sent


async def test_reply_sent_carries_the_exact_words_sent_by_email_and_by_text() -> None:
    email = FakeReplyChannel()
    sms = FakeReplyChannel(channel=ContactMethod.SMS, delivered_on_acceptance=False)
    by_email, email_replies = _notifier(email)
    by_text, text_replies = _notifier(sms)

    await _deliver_all(by_email)
    await _deliver_all(by_text, contact=factories.contact(preferred_channel=ContactMethod.SMS))

    (mail,), (text,) = email.sent, sms.sent
    (mail_sent,) = [e for e in email_replies.published if isinstance(e, ReplySent)]
    (text_sent,) = [e for e in text_replies.published if isinstance(e, ReplySent)]
    assert (mail_sent.subject, mail_sent.body) == (mail.subject, mail.text)
    assert REFERENCE in (mail_sent.body or "")
    assert (text_sent.subject, text_sent.body) == (None, text.text)
    assert REFERENCE in (text_sent.body or "")
