"""The classifier's FastStream wiring, in memory: parse, hand over, dead-letter the invalid."""

from __future__ import annotations

import pytest
from faststream.kafka import KafkaMessage, TestKafkaBroker

from services.classifier.handlers import Classifier
from services.classifier.routes import ROUTES
from services.classifier.rules import load_rules
from shared import topics
from shared.events import ReportSubmitted
from shared.messaging import RetryPolicy, create_broker
from shared.settings import KafkaSettings
from tests import factories
from tests.fakes import FrozenClock
from tests.fakes.classifier import FakeAssessments, FakeEmergencyModel


@pytest.fixture
def assessments() -> FakeAssessments:
    return FakeAssessments()


async def test_a_submitted_report_reaches_the_handler_and_its_event_is_published(
    assessments: FakeAssessments,
) -> None:
    settings = KafkaSettings()
    broker = create_broker(settings, "classifier")
    ROUTES.subscribe(
        broker, settings, Classifier(assessments, load_rules(), FakeEmergencyModel(), FrozenClock())
    )
    submitted = factories.report_submitted()

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(
            submitted.model_dump(mode="json"), topics.REPORT_SUBMITTED, key=submitted.kafka_key()
        )

    assert list(assessments.recorded) == [submitted.report_id]
    assert [event.event_type for event in assessments.published] == ["ReportClassified"]


async def test_an_invalid_event_goes_to_the_dead_letter_topic_with_the_reason(
    assessments: FakeAssessments,
) -> None:
    settings = KafkaSettings()
    broker = create_broker(settings, "classifier")
    ROUTES.subscribe(
        broker, settings, Classifier(assessments, load_rules(), FakeEmergencyModel(), FrozenClock())
    )
    reasons: list[str] = []

    @broker.subscriber(topics.dead_letter_topic("classifier"))
    async def on_dead_letter(body: dict[str, object], message: KafkaMessage) -> None:
        reasons.append(message.headers["dlq_reason"])

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish({"event_type": "ReportSubmitted"}, topics.REPORT_SUBMITTED)

    assert assessments.recorded == {}
    (reason,) = reasons
    assert reason.startswith("invalid event: ")
    assert "report_id: missing" in reason


async def test_a_message_that_keeps_failing_is_set_aside_not_redelivered_for_ever(
    assessments: FakeAssessments,
) -> None:
    settings = KafkaSettings()
    broker = create_broker(settings, "classifier", retry=RetryPolicy(attempts=3, base_s=0, cap_s=0))

    class BrokenClassifier(Classifier):
        async def classify_report(self, submitted: ReportSubmitted) -> None:
            raise KeyError(submitted.description)  # a bug whose message holds personal data

    ROUTES.subscribe(
        broker,
        settings,
        BrokenClassifier(assessments, load_rules(), FakeEmergencyModel(), FrozenClock()),
    )
    reasons: list[str] = []

    @broker.subscriber(topics.dead_letter_topic("classifier"))
    async def on_dead_letter(body: dict[str, object], message: KafkaMessage) -> None:
        reasons.append(message.headers["dlq_reason"])

    submitted = factories.report_submitted(description="canary-3b7e")
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(submitted.model_dump(mode="json"), topics.REPORT_SUBMITTED)

    (reason,) = reasons
    assert reason == "PermanentError: unexpected KeyError in test_classifier_wiring.classify_report"
    assert "canary" not in reason
