"""A service's routing table: which topic's messages go to which use case, and what it emits.

Each service declares one table (`services/<name>/routes.py`), from which everything else
about its messages is derived: the one subscriber it registers (one consumer per process in
its group, so joining or leaving is one rebalance), the model each message is read into
(validated once, from the raw bytes), the topics it waits for at start, and the ACLs that
let it read and write only those (`shared.kafka_access.grants`).

    ROUTES = RoutingTable(
        "notifier",
        [on(ReportSubmitted, Notifier.record_submission), ...],
        emits=(ReplySent, ReplyDelivered, ReplyFailed),
    )
    ROUTES.subscribe(runtime.broker, settings.kafka, notifier)  # in the composition root

A route names its use case as a method of the class that holds the use cases'
dependencies (`Notifier.record_submission`): the table is a declaration; the object is
given at subscription, and its method of that name is called.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from faststream import Context
from faststream.kafka import KafkaBroker
from faststream.message import StreamMessage

from shared.events import Event
from shared.messaging import reliable_subscriber
from shared.settings import KafkaSettings
from shared.topics import ServiceTopics, topic_for

UseCases = TypeVar("UseCases")
Message = TypeVar("Message")


@dataclass(frozen=True)
class Route(Generic[UseCases]):
    """Messages of `topic` are read with `parse` and handed to `handle`."""

    topic: str
    parse: Callable[[bytes], Any]
    handle: Callable[[UseCases, Any], Awaitable[object]]


def event_type_of(event: type[Event]) -> str:
    """The `event_type` an event class always carries."""
    return str(event.model_fields["event_type"].default)


def on(
    event: type[Message], handle: Callable[[UseCases, Message], Awaitable[object]]
) -> Route[UseCases]:
    """Events of this type, from their topic, to `handle`."""
    if not issubclass(event, Event):
        raise TypeError(f"{event.__name__} is not an event of the contract")
    return Route(topic_for(event_type_of(event)), event.model_validate_json, handle)


def _method(use_cases: object, route: Route[Any]) -> Callable[[Any], Awaitable[object]]:
    """The method of `use_cases` that `route` names, refused unless the route named a
    method of its class (or of a class it derives from)."""
    owner, _, name = route.handle.__qualname__.rpartition(".")
    classes = {cls.__qualname__ for cls in type(use_cases).__mro__}
    if owner not in classes or not callable(getattr(use_cases, name, None)):
        raise TypeError(
            f"the route of {route.topic} names {route.handle.__qualname__}, "
            f"not a method of {type(use_cases).__qualname__}"
        )
    method: Callable[[Any], Awaitable[object]] = getattr(use_cases, name)
    return method


async def _raw_body(message: StreamMessage[Any]) -> bytes:
    """The record's bytes as they are: each route validates them once, into its model."""
    return bytes(message.body)


class RoutingTable(Generic[UseCases]):
    """Every input of one service, and the events it emits."""

    def __init__(
        self, service: str, routes: Iterable[Route[UseCases]], emits: Iterable[type[Event]]
    ) -> None:
        self.service = service
        self.routes: dict[str, Route[UseCases]] = {}
        for route in routes:
            if route.topic in self.routes:
                raise ValueError(f"{service} routes {route.topic} twice")
            self.routes[route.topic] = route
        self.emits = tuple(emits)

    @property
    def topics(self) -> ServiceTopics:
        return ServiceTopics(
            self.service,
            consumes=tuple(self.routes),
            produces=tuple(topic_for(event_type_of(event)) for event in self.emits),
        )

    def bind(self, use_cases: UseCases) -> Callable[[str, bytes], Awaitable[None]]:
        """The dispatcher of `use_cases`: it reads a record of a topic into the topic's model
        (a pydantic ValidationError for one that does not fit: a dead letter) and calls the
        route's method on `use_cases`, by name, so that a subclass's override is the one
        called, as with any method."""
        handlers = {topic: _method(use_cases, route) for topic, route in self.routes.items()}

        async def dispatch(topic: str, body: bytes) -> None:
            await handlers[topic](self.routes[topic].parse(body))

        return dispatch

    def subscribe(self, broker: KafkaBroker, settings: KafkaSettings, use_cases: UseCases) -> None:
        """One subscriber for every topic of the table, with the delivery rules."""
        dispatch = self.bind(use_cases)
        subscriber = reliable_subscriber(
            broker, settings, self.service, *self.routes, decoder=_raw_body
        )

        @subscriber
        async def on_message(
            body: bytes, topic: str = Context("message.raw_message.topic")
        ) -> None:
            await dispatch(topic, body)
