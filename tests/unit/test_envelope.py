"""The event envelope: deterministic ids, aware timestamps, strict fields, round trips."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from pydantic import ValidationError

from services.system import TOPICS
from shared.events import (
    ContactMethod,
    ReplyKind,
    ReplySent,
    ReportClassified,
    ReportSubmitted,
    acknowledged_at,
    derived_event_id,
)
from shared.topics import topic_for
from tests import factories
from tests.factories import NOW


def test_an_event_caused_by_another_gets_the_same_id_every_time() -> None:
    submitted = factories.report_submitted()

    first = factories.report_classified(submitted)
    again = factories.report_classified(submitted)

    assert first.event_id == again.event_id
    assert first.event_id == derived_event_id(submitted.event_id, "ReportClassified")


def test_different_causes_or_types_or_discriminators_give_different_ids() -> None:
    cause = uuid.uuid4()
    ids = {
        derived_event_id(cause, "ReportClassified"),
        derived_event_id(uuid.uuid4(), "ReportClassified"),
        derived_event_id(cause, "ReferenceIssued"),
        derived_event_id(cause, "ReportClassified", "2"),
    }
    assert len(ids) == 4


def test_a_caused_event_carries_the_journey_of_its_cause() -> None:
    submitted = factories.report_submitted()

    classified = factories.report_classified(submitted)

    assert classified.report_id == submitted.report_id
    assert classified.correlation_id == submitted.correlation_id
    assert classified.causation_id == submitted.event_id
    assert classified.event_type == "ReportClassified"


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValidationError) as error:
        factories.report_submitted(occurred_at=datetime(2026, 11, 30, 9, 0))  # noqa: DTZ001

    assert error.value.errors()[0]["loc"] == ("occurred_at",)


def test_unknown_fields_are_refused() -> None:
    data = factories.report_submitted().model_dump(mode="json") | {"surprise": 1}

    with pytest.raises(ValidationError, match="surprise"):
        ReportSubmitted.model_validate(data)


def test_an_event_survives_a_json_round_trip_unchanged() -> None:
    classified = factories.report_classified(factories.report_submitted(), flags=["weapon"])

    assert ReportClassified.model_validate_json(classified.model_dump_json()) == classified


def test_every_field_of_every_event_is_documented() -> None:
    from shared import events

    for name in events.__all__:
        model = getattr(events, name)
        if isinstance(model, type) and issubclass(model, events.Event):
            undocumented = [f for f, info in model.model_fields.items() if not info.description]
            assert undocumented == [], f"{name} has undocumented fields {undocumented}"


def test_every_event_type_has_a_versioned_topic_and_each_service_a_dead_letter_topic() -> None:
    assert topic_for("ReportSubmitted") == "report.submitted.v1"
    assert topic_for("SlaMet") == "sla.met.v1"
    topics = TOPICS
    assert all(topic.endswith(".v1") for topic in topics)
    assert "dlq.notifier.v1" in topics
    assert len(topics) == len(set(topics))


def _sent(kind: ReplyKind, receipts_expected: bool) -> ReplySent:
    return ReplySent.caused_by(
        factories.report_submitted(),
        producer="notifier",
        occurred_at=NOW,
        discriminator=kind.value,
        reply_kind=kind,
        channel=ContactMethod.SMS if receipts_expected else ContactMethod.EMAIL,
        provider_message_id="provider-1",
        receipts_expected=receipts_expected,
    )


def test_only_a_reply_that_reached_the_reporter_acknowledges_a_report() -> None:
    assert acknowledged_at(factories.reply_delivered(factories.report_submitted())) == NOW
    assert acknowledged_at(_sent(ReplyKind.ACKNOWLEDGEMENT, receipts_expected=False)) == NOW
    assert acknowledged_at(_sent(ReplyKind.ACKNOWLEDGEMENT, receipts_expected=True)) is None
    assert acknowledged_at(_sent(ReplyKind.HOLDING, receipts_expected=False)) is None
    assert acknowledged_at(_sent(ReplyKind.EMERGENCY_GUIDANCE, receipts_expected=False)) is None


def test_finding_6_an_undeclared_field_is_named_only_if_it_could_be_a_field_name() -> None:
    from shared.errors import UNDECLARED_FIELD, field_location

    assert field_location(("body", "crime", "colour"), "extra_forbidden") == [
        "body",
        "crime",
        "colour",
    ]
    assert field_location(("body", "x" * 5000), "extra_forbidden") == ["body", UNDECLARED_FIELD]
    assert field_location(("body", "<script>"), "extra_forbidden") == ["body", UNDECLARED_FIELD]
    assert field_location(("body", "x" * 5000), "missing") == ["body", "x" * 5000]
