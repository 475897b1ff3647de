"""Intake: what a valid submission is, idempotency, access, and what the reporter is told."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from services.intake.access import (
    ChannelAccess,
    ForbiddenError,
    update_role,
)
from services.intake.catalogue import CATALOGUE
from services.intake.domain import (
    ANONYMOUS_NOTICE,
    EMERGENCY_GUIDANCE,
    REPLY_PROMISE,
    REPLY_PROMISES,
    ReportSubmission,
    immediate_guidance,
)
from services.intake.handlers import Intake, ReportIds
from services.intake.ports import IdempotencyConflictError
from shared.api_keys import ApiKeys, UnauthenticatedError
from shared.events import Channel, ReportType, UpdateRole
from shared.guidance import URGENT_GUIDANCE
from shared.rate_limits import RateLimiter
from shared.status_tokens import StatusTokens
from tests import factories
from tests.fakes import FrozenClock
from tests.fakes.intake import FakeReports

SUBMISSION = TypeAdapter[Any](ReportSubmission)


#: Every channel may submit every type: these tests are about storing, not authorising.
EVERY_TYPE = ChannelAccess(ApiKeys({}), {channel: frozenset(ReportType) for channel in Channel})


def _intake(reports: FakeReports, clock: FrozenClock) -> Intake:
    return Intake(reports, reports, access=EVERY_TYPE, clock=clock, force_code="LP")


def _validated(body: dict[str, Any]) -> tuple[Any, list[tuple[str | int, ...]]]:
    """The submission, or None and the locations of every problem with it."""
    try:
        return SUBMISSION.validate_python(body), []
    except ValidationError as error:
        return None, [e["loc"] for e in error.errors()]


def _error_locations(body: dict[str, Any]) -> list[tuple[str | int, ...]]:
    with pytest.raises(ValidationError) as error:
        SUBMISSION.validate_python(body)
    return [e["loc"] for e in error.value.errors()]


@pytest.mark.parametrize("report_type", [t.value for t in ReportType])
def test_every_type_of_the_catalogue_accepts_a_valid_submission(report_type: str) -> None:
    submission = SUBMISSION.validate_python(factories.submission_of(report_type))

    assert submission.report_type.value == report_type
    assert type(submission.answers) is CATALOGUE[ReportType(report_type)].answers


def test_a_collision_needs_vehicles_and_injury_details_when_injured() -> None:
    answers = factories.SUBMISSION_ANSWERS["road_traffic_collision"] | {
        "vehicles": [],
        "injuries": True,
    }
    locations = _error_locations(factories.submission_of("road_traffic_collision", answers=answers))

    assert ("road_traffic_collision", "answers", "vehicles") in locations


def test_registrations_are_normalised_and_nonsense_refused() -> None:
    vehicle = SUBMISSION.validate_python(factories.submission_of("lost_or_stolen_vehicle"))
    answers = factories.SUBMISSION_ANSWERS["lost_or_stolen_vehicle"] | {"registration": "!!!"}

    assert vehicle.answers.registration == "AB12CDE"
    assert _error_locations(factories.submission_of("lost_or_stolen_vehicle", answers=answers)) == [
        ("lost_or_stolen_vehicle", "answers", "registration")
    ]


def test_uk_phone_numbers_become_e164() -> None:
    contact = {"name": "Alex", "phone": "07911 123456", "preferred_channel": "sms"}

    submission = SUBMISSION.validate_python(factories.submission_body(contact=contact))

    assert submission.contact.phone == "+447911123456"


def test_unknown_fields_and_types_are_refused_by_name() -> None:
    assert _error_locations(factories.submission_body(colour="red")) == [("crime", "colour")]
    assert _error_locations(factories.submission_body(report_type="alien_abduction")) == [()]


def test_a_preferred_channel_needs_its_address_and_must_be_safe() -> None:
    no_phone = {"name": "Alex", "preferred_channel": "sms", "email": "a@example.org"}
    unsafe = {
        "name": "Alex",
        "email": "a@example.org",
        "preferred_channel": "email",
        "safe_contact": {"email_safe": False},
    }

    assert _error_locations(factories.submission_body(contact=no_phone)) == [("crime", "contact")]
    assert _error_locations(factories.submission_body(contact=unsafe)) == [("crime", "contact")]


@given(st.text(max_size=30))
def test_any_phone_text_is_either_refused_or_normalised_to_e164(phone: str) -> None:
    contact = {"name": "Alex", "phone": phone, "preferred_channel": "sms"}

    submission, problems = _validated(factories.submission_body(contact=contact))

    assert all(location[:2] == ("crime", "contact") for location in problems)
    if submission is not None:
        assert submission.contact.phone.startswith("+")
        assert submission.contact.phone[1:].isdigit()


@given(
    st.dictionaries(
        st.sampled_from(["crime_kind", "location", "weapon_seen", "occurred_at", "x"]),
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
    )
)
def test_invalid_answers_are_reported_under_answers_never_crash(answers: dict[str, Any]) -> None:
    _, problems = _validated(factories.submission_body(answers=answers))

    assert all(location[:2] == ("crime", "answers") for location in problems)


def test_guidance_tells_of_999_for_emergencies_and_of_no_reply_when_anonymous() -> None:
    emergency = SUBMISSION.validate_python(factories.submission_body(happening_now=True))
    anonymous = SUBMISSION.validate_python(factories.submission_body(contact=None))

    assert immediate_guidance(emergency) == [EMERGENCY_GUIDANCE, REPLY_PROMISE]
    assert immediate_guidance(anonymous) == [ANONYMOUS_NOTICE]


def test_the_english_answer_to_an_emergency_is_the_approved_wording_word_for_word() -> None:
    assert EMERGENCY_GUIDANCE == (
        "If a crime is happening now or someone is in immediate danger, call 999 now. "
        "If you are deaf or speech-impaired, text 999 if you have registered with emergencySMS."
    )


def test_a_reporter_who_chose_welsh_is_told_to_call_999_in_welsh() -> None:
    contact = factories.submission_body()["contact"] | {"language": "cy"}
    body = factories.submission_body(someone_in_danger=True, contact=contact)

    guidance = immediate_guidance(SUBMISSION.validate_python(body))

    assert guidance == [URGENT_GUIDANCE["cy"].answer, REPLY_PROMISES["cy"]]
    assert "ffoniwch 999 nawr" in guidance[0]
    assert "emergencySMS" in guidance[0]


async def test_submitting_stores_the_report_with_its_pending_event() -> None:
    reports, clock = FakeReports(), FrozenClock()
    submission = SUBMISSION.validate_python(factories.submission_body())

    accepted = await _intake(reports, clock).submit(submission, channel=Channel.PHONE)

    submitted = accepted.submitted
    assert reports.stored[submitted.report_id].submitted == submitted
    assert submitted.channel is Channel.PHONE
    assert submitted.answers_version == "1"
    assert reports.pending[submitted.report_id] == [submitted]


async def test_the_same_idempotency_key_and_body_give_the_same_report_another_body_conflicts() -> (
    None
):
    reports, clock = FakeReports(), FrozenClock()
    first_body = SUBMISSION.validate_python(factories.submission_body())
    other_body = SUBMISSION.validate_python(factories.submission_body(description="Different"))

    async def submit(body: Any, channel: Channel = Channel.WEB) -> Any:
        return await _intake(reports, clock).submit(
            body,
            channel=channel,
            idempotency_key="key-1",
        )

    first, again = await submit(first_body), await submit(first_body)
    other_channel = await submit(first_body, Channel.PHONE)
    with pytest.raises(IdempotencyConflictError):
        await submit(other_body)

    assert again.submitted == first.submitted
    assert (first.repeated, again.repeated) == (False, True)
    assert other_channel.submitted.report_id != first.submitted.report_id
    assert len(reports.pending[first.submitted.report_id]) == 1


async def test_the_status_learns_the_delivered_acknowledgement() -> None:
    reports, clock = FakeReports(), FrozenClock()
    accepted = await _intake(reports, clock).submit(
        SUBMISSION.validate_python(factories.submission_body()),
        channel=Channel.WEB,
    )

    await _intake(reports, clock).learn_delivery(factories.reply_delivered(accepted.submitted))

    assert reports.stored[accepted.submitted.report_id].status == "replied"


ACCESS = ChannelAccess(
    keys=ApiKeys({"web-key": Channel.WEB, "partner-key": Channel.PARTNER}),
    allowed_types={
        Channel.WEB: frozenset(ReportType),
        Channel.PARTNER: frozenset({ReportType.FRAUD}),
    },
)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Basic web-key", "Bearer wrong"])
def test_a_missing_or_unknown_key_is_unauthenticated(header: str | None) -> None:
    with pytest.raises(UnauthenticatedError):
        ACCESS.keys.authenticate(header)


def test_a_key_names_its_channel_which_may_submit_only_its_types() -> None:
    caller = ACCESS.keys.authenticate("Bearer partner-key")

    ACCESS.authorize(caller.channel, ReportType.FRAUD)
    with pytest.raises(ForbiddenError, match="partner channel may not submit missing_person"):
        ACCESS.authorize(caller.channel, ReportType.MISSING_PERSON)
    assert "partner-key" not in caller.key_id


def test_the_rate_limiter_allows_a_burst_then_says_how_long_to_wait() -> None:
    limiter = RateLimiter(per_second=2.0, burst=3)

    answers = [limiter.retry_after("k", now=100.0) for _ in range(4)]

    assert answers == [None, None, None, 1]
    assert limiter.retry_after("k", now=100.5) is None
    assert limiter.retry_after("other", now=100.0) is None


def test_status_tokens_are_stable_per_report_and_unguessable_across_reports() -> None:
    tokens = StatusTokens(b"secret")
    report = uuid.uuid4()

    assert tokens.matches(report, tokens.token_for(report))
    assert not tokens.matches(uuid.uuid4(), tokens.token_for(report))
    assert not tokens.matches(report, None)
    assert not tokens.matches(report, "tökén-ñot-ascii")
    assert not StatusTokens(b"other").matches(report, tokens.token_for(report))


def test_finding_12_report_ids_are_per_key_stable_and_need_the_secret() -> None:
    ids = ReportIds(b"server secret")
    first = ids.for_submission(Channel.WEB, "key-a", "form-1")

    assert ids.for_submission(Channel.WEB, "key-a", "form-1") == first
    assert ids.for_submission(Channel.WEB, "key-b", "form-1") != first
    assert ReportIds(b"other secret").for_submission(Channel.WEB, "key-a", "form-1") != first
    assert ReportIds().for_submission(Channel.WEB, "key-a", "form-1") != first
    assert ids.for_submission(Channel.WEB, "key-a", None) != ids.for_submission(
        Channel.WEB, "key-a", None
    )


async def test_finding_12_the_submitting_key_is_kept_with_the_report() -> None:
    reports, clock = FakeReports(), FrozenClock()
    accepted = await _intake(reports, clock).submit(
        SUBMISSION.validate_python(factories.submission_body()),
        channel=Channel.WEB,
        key_id="key-a",
    )

    assert reports.stored[accepted.submitted.report_id].key_id == "key-a"


@pytest.mark.parametrize(
    ("channel", "key_id", "reporter", "role"),
    [
        (Channel.WEB, "web-a", False, None),  # the web key is every citizen's
        (Channel.WEB, "web-a", True, UpdateRole.REPORTER),
        (Channel.WEB, "web-b", False, None),
        (Channel.PARTNER, "partner", False, None),
        (Channel.PARTNER, "partner", True, UpdateRole.REPORTER),
        (Channel.PHONE, "phone", False, UpdateRole.CALL_HANDLER),
    ],
)
def test_finding_2_only_the_submitter_the_reporter_or_a_call_handler_may_add_to_a_report(
    channel: Channel, key_id: str, reporter: bool, role: UpdateRole | None
) -> None:
    found = update_role(
        caller_channel=channel,
        caller_key_id=key_id,
        report_channel=Channel.WEB,
        report_key_id="web-a",
        reporter_proven=reporter,
    )

    assert found is role


def test_finding_2_a_partner_system_may_add_to_the_reports_its_own_key_submitted() -> None:
    def role(key_id: str) -> UpdateRole | None:
        return update_role(
            caller_channel=Channel.PARTNER,
            caller_key_id=key_id,
            report_channel=Channel.PARTNER,
            report_key_id="partner-a",
            reporter_proven=False,
        )

    assert role("partner-a") is UpdateRole.SUBMITTER
    assert role("partner-b") is None
