"""Notifier: the join of three events in any order, one acknowledgement, and its content."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable

import pytest

from services.classifier import rules
from services.notifier.domain import Classification, Recipient, ReportFacts, choose_recipient
from services.notifier.handlers import (
    Notifier,
    PermanentDeliveryError,
    ReplyInProgressError,
    TemporaryDeliveryError,
)
from services.notifier.templates import ReplyRenderer
from shared.events import CauseRef, ContactMethod, ReplyKind
from shared.references import format_reference
from tests import factories
from tests.factories import NOW
from tests.fakes import FakeReplies, FakeReplyChannel, FrozenClock

REFERENCE = format_reference("LP", NOW.date(), 7)


def _notifier(channel: FakeReplyChannel | None = None) -> tuple[Notifier, FakeReplies]:
    replies = FakeReplies()
    notifier = Notifier(
        replies, channel or FakeReplyChannel(), ReplyRenderer("Test Police"), FrozenClock()
    )
    return notifier, replies


def _deliveries(notifier: Notifier, **overrides: object) -> list[Callable[[], Awaitable[None]]]:
    submitted = factories.report_submitted(**overrides)
    classified = factories.report_classified(submitted)
    issued = factories.reference_issued(submitted, REFERENCE)
    return [
        lambda: notifier.record_submission(submitted),
        lambda: notifier.record_classification(classified),
        lambda: notifier.record_reference(issued),
    ]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
async def test_the_acknowledgement_goes_once_all_three_facts_are_known_in_any_order(
    order: tuple[int, ...],
) -> None:
    channel = FakeReplyChannel()
    notifier, replies = _notifier(channel)
    deliveries = _deliveries(notifier)

    for index in order:
        await deliveries[index]()

    (reply,) = channel.sent
    assert REFERENCE in reply.text
    assert REFERENCE in reply.subject
    assert [e.event_type for e in replies.published] == ["ReplySent", "ReplyDelivered"]


async def test_redelivered_events_send_nothing_twice() -> None:
    channel = FakeReplyChannel()
    notifier, replies = _notifier(channel)
    deliveries = _deliveries(notifier)

    for deliver in deliveries * 3:
        await deliver()

    assert len(channel.sent) == 1
    assert len(replies.published) == 2


async def test_an_anonymous_report_gets_no_reply() -> None:
    channel = FakeReplyChannel()
    notifier, replies = _notifier(channel)

    for deliver in _deliveries(notifier, contact=None):
        await deliver()

    assert channel.sent == []
    assert replies.published == []


async def test_a_temporary_failure_releases_the_claim_so_a_retry_sends() -> None:
    channel = FakeReplyChannel(failure=TemporaryDeliveryError("deferred"))
    notifier, _ = _notifier(channel)
    deliveries = _deliveries(notifier)
    await deliveries[0]()
    await deliveries[1]()

    with pytest.raises(TemporaryDeliveryError):
        await deliveries[2]()
    channel.failure = None
    await deliveries[2]()

    assert len(channel.sent) == 1


async def test_a_permanent_failure_is_a_final_reply_failed_without_personal_data() -> None:
    channel = FakeReplyChannel(failure=PermanentDeliveryError("recipient refused by mail server"))
    notifier, replies = _notifier(channel)

    for deliver in _deliveries(notifier):
        await deliver()

    (failed,) = replies.published
    assert failed.event_type == "ReplyFailed"
    assert failed.model_dump()["final"] is True
    assert "alex" not in failed.model_dump_json()


def test_the_preferred_channel_is_used_when_supported_else_the_other() -> None:
    sms_first = factories.contact(preferred_channel=ContactMethod.SMS)
    email_only = frozenset({ContactMethod.EMAIL})

    recipient = choose_recipient(sms_first, email_only)

    assert recipient is not None
    assert recipient.channel is ContactMethod.EMAIL
    assert choose_recipient(factories.contact(email=None), email_only) is None


def test_a_channel_marked_unsafe_is_never_used() -> None:
    both = frozenset(ContactMethod)
    sms_unsafe = factories.contact(preferred_channel=ContactMethod.EMAIL, sms_safe=False)

    assert choose_recipient(sms_unsafe, frozenset({ContactMethod.SMS})) is None
    assert choose_recipient(factories.contact(email_safe=False), both) == Recipient(
        ContactMethod.SMS, "+447700900123"
    )


def test_every_next_steps_code_the_classifier_can_emit_has_a_template() -> None:
    renderer = ReplyRenderer("Test Police")
    submitted = factories.report_submitted()
    codes = {rule.next_steps for rule in rules.load_rules().types.values()} | {
        rules.EMERGENCY_NEXT_STEPS
    }

    for code in sorted(codes):
        classification = Classification(3, code, "Report Fraud", (), 1)
        facts = ReportFacts(
            CauseRef.of(submitted), "crime", submitted.contact, False, classification, REFERENCE
        )
        reply = renderer.acknowledgement(facts, Recipient(ContactMethod.EMAIL, "a@b.example"))

        assert reply.kind is ReplyKind.ACKNOWLEDGEMENT
        assert REFERENCE in reply.html
        assert "What happens next" in reply.text


async def test_a_reply_held_by_another_sender_is_retried_not_acknowledged() -> None:
    channel = FakeReplyChannel()
    notifier, replies = _notifier(channel)
    deliveries = _deliveries(notifier)
    await deliveries[0]()
    await deliveries[1]()
    (report_id,) = replies.facts_by_report
    await replies.claim(report_id, ReplyKind.ACKNOWLEDGEMENT, FrozenClock().now())

    with pytest.raises(ReplyInProgressError):
        await deliveries[2]()

    assert channel.sent == []
