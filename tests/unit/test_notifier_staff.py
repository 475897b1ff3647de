"""Notifier: the messages staff ask for (a reply, a request for information, the outcome of
a closed report), each sent once per request id, in exactly the words approved, through
a safe channel, with the status link in place and its token masked in the event."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from typing import Any

import pytest

from services.notifier.domain import ReplyKey, Sender
from services.notifier.handlers import Notifier
from services.notifier.ports import DeliveryReceipt, ReplyInProgressError
from services.notifier.staff_messages import StaffMessages, html_paragraphs
from services.notifier.templates import ReplyRenderer
from shared.errors import ConflictingFactError, TransientError
from shared.events import (
    SAFE_CONTACT_FLAG,
    ContactMethod,
    Event,
    ReplyDelivered,
    ReplyFailed,
    ReplyKind,
    ReplySent,
    ReportSubmitted,
)
from shared.status_tokens import StatusTokens
from tests import factories, staff_factories
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.notifier import FakeReplies, FakeReplyChannel

STATUS_PAGE = "https://report.example.police.uk"
TOKENS = StatusTokens(b"a-test-secret-of-the-status-tokens")
STAFF_WORDS = StaffMessages(STATUS_PAGE, TOKENS)


def _notifier(*channels: FakeReplyChannel) -> tuple[Notifier, FakeReplies]:
    replies = FakeReplies()
    chosen = list(channels) or [FakeReplyChannel()]
    renderer = ReplyRenderer("Test Police")
    notifier = Notifier(replies, chosen, renderer, FrozenClock(), STAFF_WORDS)  # type: ignore[arg-type]
    return notifier, replies


def _sms() -> FakeReplyChannel:
    return FakeReplyChannel(channel=ContactMethod.SMS, delivered_on_acceptance=False)


def _of(replies: FakeReplies, kind: type[Event]) -> list[Any]:
    return [event for event in replies.published if isinstance(event, kind)]


async def _submitted(notifier: Notifier, **overrides: Any) -> ReportSubmitted:
    submitted = factories.report_submitted(**overrides)
    await notifier.record_submission(submitted)
    return submitted


async def test_a_reply_request_is_sent_once_in_exactly_its_words_despite_redelivery() -> None:
    email = FakeReplyChannel()
    notifier, replies = _notifier(email)
    submitted = await _submitted(notifier)
    requested = staff_factories.reply_requested(submitted)

    for _ in range(4):
        await notifier.record_reply_request(requested)

    (reply,) = email.sent
    message = requested.message
    assert (reply.kind, reply.subject, reply.text) == (
        ReplyKind.STAFF_REPLY,
        message.subject,
        message.body,
    )
    assert reply.html == (
        "<p>Dear Alex Example,</p>\n<p>We are looking into your report.</p>\n<p>Test Police</p>"
    )
    (sent,) = _of(replies, ReplySent)
    (delivered,) = _of(replies, ReplyDelivered)
    assert (sent.request_id, delivered.request_id) == (message.request_id,) * 2
    assert (sent.subject, sent.body) == (message.subject, message.body)
    assert sent.causation_id == requested.event_id


async def test_two_requests_of_one_report_are_two_replies_and_two_sets_of_events() -> None:
    email = FakeReplyChannel()
    notifier, replies = _notifier(email)
    submitted = await _submitted(notifier)
    first = staff_factories.reply_requested(submitted, 1)
    second = staff_factories.reply_requested(
        submitted, 2, message=staff_factories.message(body="A second update.")
    )

    await notifier.record_reply_request(second)  # arrival order is not staff's order
    await notifier.record_reply_request(first)
    await notifier.record_reply_request(second)

    assert sorted(reply.text for reply in email.sent) == sorted(
        [first.message.body, "A second update."]
    )
    sent = _of(replies, ReplySent)
    assert {event.request_id for event in sent} == {
        first.message.request_id,
        second.message.request_id,
    }
    assert len({event.event_id for event in replies.published}) == 4


async def test_a_neutral_message_goes_from_the_neutral_sender() -> None:
    email = FakeReplyChannel()
    notifier, _ = _notifier(email)
    submitted = await _submitted(notifier)

    await notifier.record_reply_request(
        staff_factories.reply_requested(
            submitted, message=staff_factories.message(neutral=True, subject="An update")
        )
    )
    await notifier.record_reply_request(staff_factories.reply_requested(submitted, 2))

    neutral, plain = email.sent
    assert (neutral.neutral, neutral.sender.value) == (True, "neutral")
    assert (plain.neutral, plain.sender.value) == (False, "force")


async def test_the_status_link_is_sent_with_the_token_and_recorded_with_it_masked() -> None:
    email = FakeReplyChannel()
    notifier, replies = _notifier(email)
    submitted = await _submitted(notifier)
    asked = staff_factories.information_requested(submitted)

    await notifier.record_information_request(asked)

    token = TOKENS.token_for(submitted.report_id)
    link = f"{STATUS_PAGE}/status/{submitted.report_id}?token={token}"
    (reply,) = email.sent
    assert reply.kind is ReplyKind.INFORMATION_REQUEST
    assert reply.text == asked.message.body.replace("{status_link}", link)
    assert link in reply.html
    (sent,) = _of(replies, ReplySent)
    masked = f"{STATUS_PAGE}/status/{submitted.report_id}?token=[token]"
    assert sent.body == asked.message.body.replace("{status_link}", masked)
    assert token not in str([event.model_dump_json() for event in replies.published])


async def test_unsafe_channels_are_never_used_and_with_none_left_it_fails_at_once() -> None:
    email, sms = FakeReplyChannel(), _sms()
    notifier, replies = _notifier(email, sms)
    by_text = await _submitted(notifier, contact=factories.contact(email_safe=False))
    nowhere = await _submitted(
        notifier, contact=factories.contact(email_safe=False, sms_safe=False)
    )

    await notifier.record_reply_request(staff_factories.reply_requested(by_text))
    await notifier.record_reply_request(staff_factories.reply_requested(nowhere))

    assert email.sent == []
    (text,) = sms.sent
    assert text.recipient.address == "+447700900123"
    (failed,) = _of(replies, ReplyFailed)
    assert failed.report_id == nowhere.report_id
    assert (failed.final, failed.channel, failed.reason) == (True, None, "no safe channel left")


async def test_a_staff_reply_to_an_anonymous_report_fails_at_once_naming_no_one() -> None:
    email = FakeReplyChannel()
    notifier, replies = _notifier(email)
    submitted = await _submitted(notifier, contact=None)
    requested = staff_factories.reply_requested(submitted)

    await notifier.record_reply_request(requested)
    await notifier.record_reply_request(requested)

    assert email.sent == []
    (failed,) = replies.published
    assert isinstance(failed, ReplyFailed)
    assert (failed.final, failed.request_id) == (True, requested.message.request_id)
    assert "Alex" not in failed.model_dump_json()


async def test_a_request_before_the_submission_is_sent_once_the_submission_arrives() -> None:
    email = FakeReplyChannel()
    notifier, replies = _notifier(email)
    submitted = factories.report_submitted()
    requested = staff_factories.reply_requested(submitted)

    await notifier.record_reply_request(requested)
    waiting = list(email.sent)
    await notifier.record_submission(submitted)
    await notifier.record_submission(submitted)

    assert waiting == []
    (reply,) = email.sent
    assert reply.text == requested.message.body
    assert [event.event_type for event in replies.published] == ["ReplySent", "ReplyDelivered"]


async def test_a_closed_report_gets_its_outcome_reply_and_none_when_there_is_no_reply() -> None:
    email = FakeReplyChannel()
    notifier, replies = _notifier(email)
    told = await _submitted(notifier)
    untold = await _submitted(notifier)
    closed = staff_factories.report_closed(told)

    await notifier.record_closure(closed)
    await notifier.record_closure(staff_factories.report_closed(untold, reply=None))

    (reply,) = email.sent
    assert closed.reply is not None
    assert (reply.kind, reply.text) == (ReplyKind.OUTCOME, closed.reply.body)
    assert {event.report_id for event in replies.published} == {told.report_id}


async def test_a_text_message_is_the_body_and_its_receipts_settle_it_by_request() -> None:
    email, sms = FakeReplyChannel(), _sms()
    notifier, replies = _notifier(email, sms)
    submitted = await _submitted(
        notifier, contact=factories.contact(preferred_channel=ContactMethod.SMS)
    )
    first = staff_factories.reply_requested(submitted, 1)
    second = staff_factories.reply_requested(submitted, 2)
    await notifier.record_reply_request(first)
    await notifier.record_reply_request(second)

    await notifier.record_receipt(DeliveryReceipt("sms-1", "delivered", NOW))
    await notifier.record_receipt(DeliveryReceipt("sms-2", "permanent-failure", NOW))

    assert [text.text for text in sms.sent] == [first.message.body, second.message.body]
    assert sms.sent[0].subject == ""
    (delivered, by_email) = _of(replies, ReplyDelivered)
    assert delivered.request_id == first.message.request_id
    assert (by_email.request_id, by_email.channel) == (second.message.request_id, "email")
    (failed,) = _of(replies, ReplyFailed)
    assert (failed.request_id, failed.final) == (second.message.request_id, False)
    assert [reply.text for reply in email.sent] == [second.message.body]


async def test_a_held_staff_reply_is_retried_and_an_unrecorded_send_is_not_repeated() -> None:
    email = FakeReplyChannel()
    notifier, replies = _notifier(email)
    submitted = await _submitted(notifier)
    requested = staff_factories.reply_requested(submitted)
    key = ReplyKey(ReplyKind.STAFF_REPLY, requested.message.request_id)
    replies.unreachable_for_finishes = 1

    with pytest.raises(TransientError):
        await notifier.record_reply_request(requested)  # sent, its outcome not recorded
    with pytest.raises(ReplyInProgressError):
        await notifier.record_reply_request(requested)  # still claimed
    replies.let_claims_expire()
    await notifier.record_reply_request(requested)

    assert len(email.sent) == 1
    assert replies.facts_by_report[submitted.report_id].record(key) is not None
    assert [event.event_type for event in replies.published] == ["ReplySent", "ReplyDelivered"]


async def test_a_request_id_used_by_another_event_is_refused() -> None:
    notifier, replies = _notifier()
    submitted = await _submitted(notifier)
    requested = staff_factories.reply_requested(submitted)
    reused = staff_factories.reply_requested(submitted, 2, message=requested.message)

    await notifier.record_reply_request(requested)
    with pytest.raises(ConflictingFactError):
        await notifier.record_reply_request(reused)

    assert len(_of(replies, ReplySent)) == 1


def test_the_html_part_is_the_text_escaped_a_paragraph_per_blank_line() -> None:
    assert html_paragraphs("Dear <Alex> & co,\nline two\n\n \n\nBye") == (
        "<p>Dear &lt;Alex&gt; &amp; co,<br>\nline two</p>\n<p>Bye</p>"
    )


def test_the_link_names_the_report_and_its_token() -> None:
    report_id = uuid.uuid4()

    assert STAFF_WORDS.status_link(report_id) == (
        f"{STATUS_PAGE}/status/{report_id}?token={TOKENS.token_for(report_id)}"
    )
    assert TOKENS.matches(report_id, STAFF_WORDS.status_link(report_id).rsplit("=", 1)[1])


async def test_a_staff_message_goes_neutrally_when_the_notifier_knows_contact_must_be_safe() -> (
    None
):
    """Not the event's `neutral` alone: a classification that adds the safe-contact flag
    after the console decided (a later assessment) sends it from the neutral sender."""
    email = FakeReplyChannel()
    notifier, _ = _notifier(email)
    submitted = await _submitted(notifier)
    await notifier.record_classification(
        factories.report_classified(submitted, flags=[SAFE_CONTACT_FLAG])
    )
    email.sent.clear()  # the automatic reply, if any

    await notifier.record_reply_request(staff_factories.reply_requested(submitted))

    (reply,) = email.sent
    assert reply.sender is Sender.NEUTRAL


def test_an_email_subject_with_a_line_break_is_refused_with_a_plain_value_error() -> None:
    """What the notifier would meet with such a subject (the console refuses it first): no
    injection, but an unexpected error, retried and dead-lettered, the reply never sent."""
    message = EmailMessage()
    with pytest.raises(ValueError, match="linefeed or carriage return"):
        message["Subject"] = "Your report\r\nBcc: someone@example.org"
