"""The staff actions' rules, pure: the whole table of action x work state x role, the
regrade policy, and the work state folded from staff events in any order, twice."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from services.console.actions import (
    ActionRefusedError,
    StaffActionName,
    allowed_actions,
    check_regrade,
    contactable,
    permitted,
)
from services.console.domain import fold, queue_row, queue_state
from services.console.queues import compliance_of
from services.console.records import WORK_STATES, WorkRecord, WorkState
from services.console.roles import Role, Staff
from shared.events import Event, ReportUpdated
from shared.events.sla import ResumedBecause
from tests import factories, staff_factories
from tests.console_factories import report_record, staff
from tests.factories import NOW

A = StaffActionName
OPERATOR = staff(Role.OPERATOR, teams=("crime_bureau",), user="op")
OTHER_TEAM = staff(Role.OPERATOR, teams=("road_policing",), user="op2")
SUPERVISOR = staff(Role.SUPERVISOR, teams=(), user="sup")
VIEWER = staff(Role.VIEWER, teams=("crime_bureau",), user="view")
AUDITOR = staff(Role.AUDITOR, teams=("crime_bureau",), user="aud")

#: The states each action is allowed in, as the brief puts it (o: open, a: assigned,
#: w: awaiting information, c: closed).
TABLE = {
    A.CLAIM: "oaw",
    A.ASSIGN: "oaw",
    A.RECORD_CONTACT: "oaw",
    A.SEND_REPLY: "oaw",
    A.REQUEST_INFORMATION: "oa",
    A.REGRADE: "oaw",
    A.CLOSE: "oaw",
    A.REOPEN: "c",
    A.ADD_NOTE: "oawc",
}
LETTER: dict[WorkState, str] = {
    "open": "o",
    "assigned": "a",
    "awaiting_information": "w",
    "closed": "c",
}
PEOPLE = {
    "operator": OPERATOR,
    "other_team": OTHER_TEAM,
    "supervisor": SUPERVISOR,
    "viewer": VIEWER,
    "auditor": AUDITOR,
}


def _expected(action: StaffActionName, state: WorkState, who: str) -> int | str:
    if who in {"viewer", "auditor", "other_team"}:
        return 403
    if who == "operator" and action == A.REOPEN:
        return 403
    if LETTER[state] not in TABLE[action]:
        return 409
    return "operator" if who == "operator" else "supervisor"


@pytest.mark.parametrize("who", list(PEOPLE))
@pytest.mark.parametrize("state", WORK_STATES)
@pytest.mark.parametrize("action", list(StaffActionName))
def test_each_action_in_each_state_for_each_role(
    action: StaffActionName, state: WorkState, who: str
) -> None:
    record = report_record(work=WorkRecord(state=state))
    expected = _expected(action, state, who)

    if isinstance(expected, str):
        assert permitted(action, PEOPLE[who], record) == expected
    else:
        with pytest.raises(ActionRefusedError) as refused:
            permitted(action, PEOPLE[who], record)
        assert refused.value.status == expected


@pytest.mark.parametrize("who", list(PEOPLE))
@pytest.mark.parametrize("state", WORK_STATES)
def test_the_report_view_offers_exactly_the_actions_the_table_allows(
    state: WorkState, who: str
) -> None:
    record = report_record(work=WorkRecord(state=state))
    offered = allowed_actions(PEOPLE[who], record)

    assert offered == [a.value for a in A if isinstance(_expected(a, state, who), str)]


def test_a_report_already_yours_is_not_offered_to_claim_again() -> None:
    mine = report_record(work=WorkRecord(state="assigned", assignee_id=OPERATOR.user_id))

    assert A.CLAIM.value not in allowed_actions(OPERATOR, mine)
    assert A.CLAIM.value in allowed_actions(SUPERVISOR, mine)  # a colleague may take it over


@pytest.mark.parametrize("action", [A.SEND_REPLY, A.REQUEST_INFORMATION])
def test_a_message_needs_a_reporter_who_can_be_reached_safely(action: StaffActionName) -> None:
    anonymous = report_record(contact=None)
    no_safe_channel = report_record(
        contact={**report_record().contact, "email_safe": False, "sms_safe": False}  # type: ignore[dict-item]
    )

    for record in (anonymous, no_safe_channel):
        assert not contactable(record)
        with pytest.raises(ActionRefusedError) as refused:
            permitted(action, OPERATOR, record)
        assert refused.value.status == 409
    assert permitted(A.ADD_NOTE, OPERATOR, anonymous) == "operator"


def test_a_report_routed_nowhere_is_only_a_supervisors() -> None:
    unrouted = report_record(classification=None)
    with pytest.raises(ActionRefusedError):
        permitted(A.ADD_NOTE, OPERATOR, unrouted)
    assert permitted(A.ADD_NOTE, SUPERVISOR, unrouted) == "supervisor"


@pytest.mark.parametrize(
    ("policy", "current", "grade", "allowed"),
    [
        ("never", 3, 2, False),
        ("more_urgent", 3, 2, True),
        ("more_urgent", 3, 3, True),  # the route alone changes
        ("more_urgent", 3, 4, False),
        ("any", 3, 4, True),
    ],
)
def test_an_operator_regrades_per_the_policy_a_supervisor_always(
    policy: str, current: int, grade: int, allowed: bool
) -> None:
    check_regrade("supervisor", policy, current, grade)  # type: ignore[arg-type]
    if allowed:
        check_regrade("operator", policy, current, grade)  # type: ignore[arg-type]
    else:
        with pytest.raises(ActionRefusedError) as refused:
            check_regrade("operator", policy, current, grade)  # type: ignore[arg-type]
        assert refused.value.status == 403


def _journey() -> tuple[list[Event], dict[str, Event]]:
    submitted = factories.report_submitted()
    classified = factories.report_classified(submitted)
    at = NOW + timedelta(minutes=10)
    claimed = staff_factories.report_claimed(submitted, 1, at=at)
    asked = staff_factories.information_requested(submitted, 2, at=at + timedelta(minutes=1))
    paused = staff_factories.sla_paused(asked, at=at + timedelta(minutes=1))
    answered = ReportUpdated.caused_by(
        submitted,
        producer="intake",
        occurred_at=at + timedelta(minutes=30),
        discriminator="1",
        update_number=1,
        information="They went towards the station.",
        happening_now=False,
        someone_in_danger=False,
    )
    resumed = staff_factories.sla_resumed(
        answered,
        due_at=NOW + timedelta(hours=25),
        paused_seconds=29 * 60,
        at=at + timedelta(minutes=30),
    )
    regraded = staff_factories.report_regraded(
        submitted, 3, at=at + timedelta(minutes=40), grade=2, route="road_policing"
    )
    noted = staff_factories.note_added(submitted, 4, at=at + timedelta(minutes=41))
    closed = staff_factories.report_closed(submitted, 5, at=at + timedelta(minutes=50))
    named = {
        "claimed": claimed,
        "asked": asked,
        "answered": answered,
        "closed": closed,
        "regraded": regraded,
        "noted": noted,
        "paused": paused,
        "resumed": resumed,
    }
    return [submitted, classified, *named.values()], named


def test_the_work_folds_the_same_from_any_order_and_repeats() -> None:
    events, _ = _journey()
    expected = fold(events)

    for seed in range(5):
        shuffled = events * 2
        random.Random(seed).shuffle(shuffled)
        assert fold(shuffled).work == expected.work

    work = expected.work
    # the reroute (action 3) left the report in road_policing's queue: nobody holds it
    assert (work.state, work.assignee_id, work.action_count) == ("closed", None, 5)
    assert work.closure is not None
    assert work.closure.crime_reference == "CR/12345/26"
    assert [r.ended for r in work.information_requests] == ["answered"]
    assert [n.text for n in work.notes] == ["Checked the CCTV log: nothing recorded."]
    assert not work.paused
    assert work.paused_seconds == 29 * 60
    assert (expected.grade, expected.route) == (2, "road_policing")  # the override
    assert expected.classification is not None
    assert expected.classification.grade == 3


def test_staff_events_are_ordered_by_action_number_not_by_time() -> None:
    submitted = factories.report_submitted()
    closed = staff_factories.report_closed(submitted, 1, at=NOW + timedelta(minutes=5))
    reopened = staff_factories.report_reopened(submitted, 2, at=NOW)  # a clock behind

    assert fold([submitted, reopened, closed]).work.state == "open"


def test_the_wait_for_information_ends_by_an_answer_a_resume_or_closing() -> None:
    events, named = _journey()
    asked, paused = named["asked"], named["paused"]
    base = [e for e in events if e.event_id in {events[0].event_id, events[1].event_id}]
    waiting = fold([*base, named["claimed"], asked, paused]).work
    assert (waiting.state, waiting.paused) == ("awaiting_information", True)

    no_answer = staff_factories.sla_resumed(
        asked, NOW + timedelta(days=6), 5 * 86400, at=NOW + timedelta(days=5, minutes=11)
    )
    no_answer = no_answer.model_copy(update={"because": ResumedBecause.NO_ANSWER})
    resumed = fold([*base, named["claimed"], asked, paused, no_answer]).work
    assert resumed.state == "assigned"
    assert [r.ended for r in resumed.information_requests] == ["answer_by_passed"]


def test_timeline_lines_of_staff_events_never_quote_what_staff_wrote() -> None:
    events, _ = _journey()
    lines = " ".join(entry.summary for entry in fold(events).timeline)

    assert "Claimed by operator (operator)" in lines
    assert "Closed by operator (operator): crime recorded (CR/12345/26)" in lines
    for written in ("CCTV", "next door", "Which way", "station"):
        assert written not in lines


def test_a_duplicate_links_both_reports() -> None:
    original, repeat = factories.report_submitted(), factories.report_submitted()
    closing = staff_factories.report_closed(
        repeat,
        1,
        outcome="duplicate",
        crime_reference=None,
        duplicate_of="LP-1",
        duplicate_of_report_id=original.report_id,
    )

    linked = fold([original], [closing])

    assert linked.work.duplicates == [repeat.report_id]
    assert any("duplicate of this one" in entry.summary for entry in linked.timeline)
    assert fold([repeat, closing]).work.closure.duplicate_of_report_id == original.report_id  # type: ignore[union-attr]


def test_supervisors_only_is_a_role_not_a_team() -> None:
    both = Staff("x", "x", frozenset({Role.OPERATOR, Role.SUPERVISOR}), frozenset())
    closed = report_record(work=WorkRecord(state="closed"))
    assert permitted(A.REOPEN, both, closed) == "supervisor"


def test_a_paused_clock_stands_still_and_its_resume_moves_the_target_on() -> None:
    submitted = factories.report_submitted()
    target = factories.sla_target_set(submitted, 1, due_in=timedelta(hours=1))
    asked = staff_factories.information_requested(submitted, 1, at=NOW + timedelta(minutes=10))
    paused = staff_factories.sla_paused(asked, at=NOW + timedelta(minutes=10))
    base = [submitted, factories.report_classified(submitted), target, asked, paused]

    waiting = fold(base)
    assert queue_state(waiting, NOW + timedelta(hours=5)) == "running"  # not breached
    assert queue_row(waiting, NOW).paused

    resumed = staff_factories.sla_resumed(
        asked, NOW + timedelta(hours=3, minutes=50), 3 * 3600, at=NOW + timedelta(hours=3)
    )
    going = fold([*base, resumed])
    assert going.sla is not None
    assert going.sla.due_at == NOW + timedelta(hours=3, minutes=50)
    assert queue_state(going, NOW + timedelta(hours=3, minutes=10)) == "running"
    assert queue_state(going, NOW + timedelta(hours=4)) == "breached"
    assert going.work.paused_seconds == 3 * 3600


def test_compliance_shows_the_pauses() -> None:
    submitted = factories.report_submitted()
    asked = staff_factories.information_requested(submitted, 1)
    events = [
        submitted,
        factories.report_classified(submitted),
        factories.sla_target_set(submitted, 1),
        asked,
        staff_factories.sla_paused(asked),
        staff_factories.sla_resumed(asked, NOW + timedelta(days=1), 600.0),
    ]
    other = factories.report_submitted()
    rows = [queue_row(fold(events), NOW), queue_row(fold([other]), NOW)]

    figures = compliance_of(rows, NOW - timedelta(days=1), NOW + timedelta(days=1))

    assert (figures.paused_reports, figures.paused_seconds) == (1, 600.0)


def test_only_an_assignment_newer_than_the_newest_reroute_stands() -> None:
    """A regrade within the team keeps the assignee; a reroute leaves the report in the
    new team's queue; a claim there after it stands (in any order, twice)."""
    submitted = factories.report_submitted()
    claimed = staff_factories.report_claimed(submitted, 1)
    regraded = staff_factories.report_regraded(submitted, 2)  # crime_bureau still
    rerouted = staff_factories.report_regraded(submitted, 3, route="road_policing")
    reclaimed = staff_factories.report_claimed(
        submitted, 4, actor=staff_factories.SUPERVISOR, team="road_policing"
    )

    def assignee(*events: Event) -> str | None:
        shuffled = [submitted, *events, *events]
        random.Random(len(events)).shuffle(shuffled)
        return fold(shuffled).work.assignee_id

    assert assignee(claimed, regraded) == claimed.actor.user_id
    assert assignee(claimed, regraded, rerouted) is None
    assert assignee(rerouted, claimed, reclaimed) == staff_factories.SUPERVISOR.user_id
