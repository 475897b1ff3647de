"""How the runtime publishes what a unit of work stored (`shared.outbox.WrittenEvents`)."""

from __future__ import annotations

from typing import Any, cast

import pytest

from shared.outbox import Outbox, WrittenEvents, collecting, published_after
from shared.outbox import _written as current_unit_of_work  # what Outbox.insert/update fill


class RecordingOutbox:
    """Stands in for `Outbox.publish_stored`: records what it is asked to publish, and
    fails the first `failures` times."""

    def __init__(self, failures: int = 0) -> None:
        self.published: list[tuple[Any, list[str]]] = []
        self._failures = failures

    async def publish_stored(self, document_id: Any, messages: list[dict[str, Any]]) -> None:
        if self._failures:
            self._failures -= 1
            raise ConnectionError("kafka unreachable")
        self.published.append((document_id, [m["event_id"] for m in messages]))


def _message(event_id: str) -> dict[str, Any]:
    return {"event_id": event_id}


def _store(outbox: RecordingOutbox, document_id: str, *event_ids: str) -> None:
    written = current_unit_of_work.get()
    assert written is not None
    written.add(cast(Outbox, outbox), document_id, [_message(e) for e in event_ids])


async def test_a_documents_events_are_published_together_in_the_order_written() -> None:
    outbox = RecordingOutbox()
    with collecting() as written:
        _store(outbox, "a", "a1")
        _store(outbox, "b", "b1")
        _store(outbox, "a", "a1", "a2")  # a write that found a1 still pending

    assert await written.publish() == 3
    assert outbox.published == [("a", ["a1", "a2"]), ("b", ["b1"])]


async def test_what_could_not_be_published_stays_for_the_next_attempt() -> None:
    outbox = RecordingOutbox(failures=1)
    with collecting() as written:
        _store(outbox, "a", "a1")

    with pytest.raises(ConnectionError):
        await written.publish()
    assert len(written) == 1
    assert await written.publish() == 1
    assert outbox.published == [("a", ["a1"])]


async def test_published_after_publishes_even_when_the_work_fails_after_storing() -> None:
    outbox = RecordingOutbox()

    async def failing_request() -> None:
        async with published_after():
            _store(outbox, "a", "a1")
            raise RuntimeError("the request failed after its write")

    with pytest.raises(RuntimeError):
        await failing_request()

    assert outbox.published == [("a", ["a1"])]


async def test_published_after_leaves_to_the_relay_what_kafka_refuses() -> None:
    outbox = RecordingOutbox(failures=1)

    async with published_after() as written:
        _store(outbox, "a", "a1")

    assert outbox.published == []
    assert len(written) == 1  # still in its document: the relay sends it


def test_outside_a_unit_of_work_nothing_is_collected() -> None:
    assert current_unit_of_work.get() is None
    with collecting() as written:
        assert current_unit_of_work.get() is written
    assert current_unit_of_work.get() is None
    assert isinstance(written, WrittenEvents)
