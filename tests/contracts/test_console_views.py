"""The console's `ReportViews`: each event applied once however often it comes, and in
whatever order, even by racing writers; the record found by id, reference and contact;
the queue's states decided at the time asked, in order, narrowed by its filters."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from services.console import adapters, ports
from services.console.adapters import MongoReportViews
from services.console.audit_trail import normalised_email, normalised_phone
from services.console.domain import fold
from services.console.ports import ReportViews
from services.console.records import UNASSIGNED, QueueFilter
from shared.events import Event, ReportSubmitted
from tests import alert_factories, factories, staff_factories
from tests.contracts.conftest import Backend
from tests.factories import NOW
from tests.fakes import console as fakes
from tests.fakes.console import FakeReportViews


@pytest.fixture
async def views(backend: Backend) -> ReportViews:
    if backend.database is None:
        return FakeReportViews()
    adapter = MongoReportViews(backend.database)
    await adapter.create_indexes()
    return adapter


def _journey(submitted: ReportSubmitted, reference: str, due_in: timedelta) -> list[Event]:
    return [
        submitted,
        factories.report_classified(submitted, grade=2, route="crime_bureau"),
        factories.reference_issued(submitted, reference),
        factories.sla_target_set(submitted, version=1, due_in=due_in, grade=2),
    ]


async def _apply(views: ReportViews, events: list[Event]) -> None:
    for event in events:
        await views.apply(event)


async def test_each_event_is_applied_once_and_the_record_is_their_fold(
    views: ReportViews,
) -> None:
    submitted = factories.report_submitted()
    events = _journey(submitted, "LP-20261130-000001-G", timedelta(hours=1))
    events.append(factories.reply_sent(submitted))

    first = [await views.apply(event) for event in reversed(events)]
    again = [await views.apply(event) for event in events]

    assert first == [True] * len(events)
    assert again == [False] * len(events)
    record = await views.report(submitted.report_id)
    assert record == fold(events)
    assert record is not None
    assert record.replies[0].body == events[-1].model_dump()["body"]
    assert await views.report(uuid.uuid4()) is None


async def test_racing_writers_of_one_report_lose_no_event(views: ReportViews) -> None:
    submitted = factories.report_submitted()
    raised = alert_factories.alert_raised(submitted)
    events: list[Event] = [
        *_journey(submitted, "LP-20261130-000002-H", timedelta(hours=1)),
        raised,
        *(alert_factories.alert_escalated(raised, step) for step in (1, 2)),
        alert_factories.alert_acknowledged(raised, step=2),
    ]

    applied = await asyncio.gather(*(views.apply(event) for event in events * 2))

    assert applied.count(True) == len(events)
    assert await views.report(submitted.report_id) == fold(events)


async def test_a_record_is_found_by_reference_and_by_contact_in_any_case(
    views: ReportViews,
) -> None:
    submitted = factories.report_submitted(
        contact=factories.contact(email="Alex.Example@Example.org", phone="+447700900123")
    )
    other = factories.report_submitted(contact=factories.contact(email="sam@bücher.example"))
    await _apply(views, _journey(submitted, "LP-20261130-000003-J", timedelta(hours=1)))
    await _apply(views, [other])

    by_reference = await views.by_reference("LP-20261130-000003-J")
    # The search asks with what `normal_contact` makes of what was typed.
    by_email = await views.by_contact(normalised_email("alex.example@example.ORG"), None)
    by_phone = await views.by_contact(None, normalised_phone("07700 900123"))
    by_idna = await views.by_contact(normalised_email("Sam@BÜCHER.example"), None)

    assert by_reference is not None
    assert by_reference.report_id == submitted.report_id
    assert await views.by_reference("LP-20261130-000009-X") is None
    assert [r.report_id for r in by_email] == [submitted.report_id]
    assert {r.report_id for r in by_phone} == {submitted.report_id, other.report_id}
    assert [r.report_id for r in by_idna] == [other.report_id]
    assert await views.by_contact(None, None) == []
    assert await views.existing_references(["LP-20261130-000009-X", "LP-20261130-000003-J"]) == [
        "LP-20261130-000003-J"
    ]


async def test_the_queue_decides_states_at_the_time_asked_breached_first(
    views: ReportViews,
) -> None:
    soon, later, answered = (factories.report_submitted() for _ in range(3))
    waiting = factories.report_submitted()
    anonymous = factories.report_submitted(contact=None)
    await _apply(views, _journey(soon, "LP-20261130-000004-K", timedelta(hours=1)))
    await _apply(views, _journey(later, "LP-20261130-000005-L", timedelta(minutes=90)))
    await _apply(views, [*_journey(answered, "LP-20261130-000006-M", timedelta(hours=1))])
    await _apply(views, [factories.sla_met(answered, late=False), waiting, anonymous])
    everyone = QueueFilter()

    at_start = await views.queue(everyone, NOW, 100)
    an_hour_on = await views.queue(everyone, NOW + timedelta(hours=1), 100)
    breached = await views.queue(QueueFilter(states=frozenset({"breached"})), NOW, 100)
    met = await views.queue(QueueFilter(states=frozenset({"met"})), NOW, 100)

    assert [row.report_id for row in at_start][:2] == [soon.report_id, later.report_id]
    # then those with no running clock (an answered report stays until it is closed)
    no_clock = {waiting.report_id, anonymous.report_id, answered.report_id}
    assert {row.report_id for row in at_start[2:]} == no_clock
    states = {row.report_id: row.state for row in at_start}
    assert [states[r] for r in (waiting.report_id, anonymous.report_id)] == ["new", "no_clock"]
    assert [row.state for row in an_hour_on][:2] == ["breached", "at_risk"]
    assert at_start[0].reference == "LP-20261130-000004-K"
    assert (at_start[0].grade, at_start[0].route) == (2, "crime_bureau")
    assert at_start[0].due_at == NOW + timedelta(hours=1)
    assert breached == []
    assert [row.report_id for row in met] == [answered.report_id]


async def test_the_queue_is_narrowed_to_the_callers_teams_and_the_filters(
    views: ReportViews,
) -> None:
    crime, roads = factories.report_submitted(), factories.report_submitted()
    await _apply(views, _journey(crime, "LP-20261130-000007-N", timedelta(hours=1)))
    await _apply(views, _journey(roads, "LP-20261130-000008-P", timedelta(hours=2)))
    regraded = factories.report_classified(
        roads, route="road_policing", grade=3, sequence=2, discriminator="2"
    )
    await views.apply(regraded)

    mine = await views.queue(QueueFilter(teams=frozenset({"road_policing"})), NOW, 100)
    none_of_mine = await views.queue(
        QueueFilter(teams=frozenset({"road_policing"}), routes=frozenset({"crime_bureau"})),
        NOW,
        100,
    )
    graded_2 = await views.queue(QueueFilter(grades=frozenset({2})), NOW, 100)
    limited = await views.queue(QueueFilter(), NOW, 1)

    assert [row.report_id for row in mine] == [roads.report_id]
    assert none_of_mine == []
    assert [row.report_id for row in graded_2] == [crime.report_id]
    assert [row.report_id for row in limited] == [crime.report_id]


async def test_reports_received_in_a_window_open_or_not(views: ReportViews) -> None:
    early = factories.report_submitted(received_at=NOW - timedelta(days=1))
    inside = factories.report_submitted()
    await _apply(views, [early, inside, factories.sla_met(inside, late=True)])

    window = (NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    rows = [row async for row in views.received_between(*window, None)]

    assert [(row.report_id, row.state) for row in rows] == [(inside.report_id, "met_late")]
    assert rows[0].met_at == NOW


async def test_every_report_of_the_window_in_the_teams_asked_past_max_rows(
    views: ReportViews, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in (adapters, fakes, ports):
        monkeypatch.setattr(module, "MAX_ROWS", 2)  # the window holds more than that
    crime = [factories.report_submitted() for _ in range(3)]
    roads = factories.report_submitted()
    for submitted in crime:
        await _apply(views, [submitted, factories.report_classified(submitted)])
    await _apply(views, [roads, factories.report_classified(roads, route="road_policing")])
    window = (NOW - timedelta(hours=1), NOW + timedelta(hours=1))

    every = [row.report_id async for row in views.received_between(*window, None)]
    of_crime = [r async for r in views.received_between(*window, frozenset({"crime_bureau"}))]
    of_none = [row async for row in views.received_between(*window, frozenset())]

    assert set(every) == {roads.report_id, *(s.report_id for s in crime)}
    assert {row.report_id for row in of_crime} == {s.report_id for s in crime}
    assert {row.route for row in of_crime} == {"crime_bureau"}
    assert of_none == []


async def test_staff_work_narrows_and_orders_the_queue(views: ReportViews) -> None:
    mine, paused, closed, running = (factories.report_submitted() for _ in range(4))
    for number, submitted in enumerate((mine, paused, closed, running)):
        await _apply(views, _journey(submitted, f"LP-20261130-00010{number}-A", timedelta(hours=1)))
    asked = staff_factories.information_requested(paused, 1)
    await _apply(
        views,
        [
            staff_factories.report_claimed(mine, 1),
            asked,
            staff_factories.sla_paused(asked),
            staff_factories.report_closed(closed, 1),
        ],
    )

    queue = await views.queue(QueueFilter(), NOW, 100)
    claimed = await views.queue(QueueFilter(assignee="sub-operator"), NOW, 100)
    unclaimed = await views.queue(QueueFilter(assignee=UNASSIGNED), NOW, 100)

    assert closed.report_id not in [row.report_id for row in queue]
    assert [row.report_id for row in queue][-1] == paused.report_id  # after running clocks
    assert [(row.report_id, row.work_state) for row in claimed] == [(mine.report_id, "assigned")]
    assert {row.report_id for row in unclaimed} == {paused.report_id, running.report_id}
    record = await views.report(paused.report_id)
    assert record is not None
    assert (record.work.state, record.work.paused) == ("awaiting_information", True)


async def test_a_duplicate_shows_on_the_other_reports_timeline(views: ReportViews) -> None:
    original, repeat = factories.report_submitted(), factories.report_submitted()
    await _apply(views, _journey(original, "LP-20261130-000201-A", timedelta(hours=1)))
    await _apply(views, _journey(repeat, "LP-20261130-000202-A", timedelta(hours=1)))
    closing = staff_factories.report_closed(
        repeat,
        1,
        outcome="duplicate",
        crime_reference=None,
        duplicate_of="LP-20261130-000201-A",
        duplicate_of_report_id=original.report_id,
    )

    await views.apply(closing)
    await views.apply(closing)

    record = await views.report(original.report_id)
    assert record is not None
    assert record.work.duplicates == [repeat.report_id]
    assert record.work.state == "open"
    assert [e.event_id for e in record.timeline].count(closing.event_id) == 1
