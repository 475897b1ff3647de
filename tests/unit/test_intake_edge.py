"""Intake's edge without HTTP: rate limits per address and key, failed keys, strict JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from services.intake.admission import Admission, TooManyRequestsError
from services.intake.domain import ReportSubmission
from services.intake.edge import MAX_JSON_DEPTH, MalformedBodyError, parse_json
from services.intake.updates import ReportUpdate
from shared.api_keys import ApiKeys, UnauthenticatedError
from shared.events import Channel
from shared.rate_limits import RateLimiter
from tests import factories

NOW = 1_000.0


def _admission(**limits: RateLimiter) -> Admission:
    defaults = {
        "per_address": RateLimiter(per_second=1.0, burst=3),
        "failed_keys": RateLimiter(per_second=0.1, burst=2),
        "per_key": RateLimiter(per_second=1.0, burst=100),
    }
    return Admission(keys=ApiKeys({"web-key": Channel.WEB}), **(defaults | limits))


def test_finding_7_one_address_over_its_limit_leaves_another_on_the_same_key_alone() -> None:
    admission = _admission()

    flood = []
    for _ in range(10):
        try:
            admission.authenticate("203.0.113.1", "Bearer web-key", NOW)
            flood.append("admitted")
        except TooManyRequestsError:
            flood.append("429")
    other = admission.authenticate("203.0.113.2", "Bearer web-key", NOW)

    assert flood.count("admitted") == 3
    assert flood.count("429") == 7
    assert other.channel is Channel.WEB


def test_finding_7_repeated_bad_keys_get_429_even_with_a_good_key_after() -> None:
    admission = _admission()

    for _ in range(2):
        with pytest.raises(UnauthenticatedError):
            admission.authenticate("203.0.113.9", "Bearer guess", NOW)
    with pytest.raises(TooManyRequestsError) as refused:
        admission.authenticate("203.0.113.9", "Bearer web-key", NOW)

    assert refused.value.retry_after >= 1
    assert admission.authenticate("203.0.113.9", "Bearer web-key", NOW + 11).channel is Channel.WEB


def test_finding_7_requests_without_a_key_are_limited_per_address() -> None:
    admission = _admission()

    for _ in range(3):
        admission.admit("198.51.100.7", NOW)

    with pytest.raises(TooManyRequestsError):
        admission.admit("198.51.100.7", NOW)
    admission.admit("198.51.100.8", NOW)


def test_finding_7_a_flood_of_addresses_keeps_at_most_max_buckets() -> None:
    limiter = RateLimiter(per_second=1.0, burst=1, max_buckets=100)

    for n in range(10_000):
        limiter.retry_after(f"10.0.{n // 256}.{n % 256}", NOW)
    limiter.retry_after("10.0.0.1", NOW)  # dropped long ago, so it starts full again

    assert len(limiter) == 100
    assert limiter.retry_after("10.0.39.15", NOW) == 1  # the most recent is still spent


def test_finding_7_waiting_spends_nothing() -> None:
    limiter = RateLimiter(per_second=1.0, burst=1)

    assert limiter.waiting("k", NOW) is None
    assert limiter.waiting("k", NOW) is None
    assert limiter.retry_after("k", NOW) is None
    assert limiter.waiting("k", NOW) == 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"a": "\xff"}', "not UTF-8"),
        (b"[" * 10_000 + b"]" * 10_000, "nested deeper"),
        (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), "nested deeper"),
        (b'{"amount": ' + b"9" * 5_000 + b"}", "too many digits"),
        (b'{"amount": NaN}', "NaN is not a JSON number"),
        (b'{"a": ', "Expecting value"),
    ],
)
def test_finding_9_bodies_that_are_not_strict_json_say_why(body: bytes, reason: str) -> None:
    with pytest.raises(MalformedBodyError, match=reason):
        parse_json(body)


def test_finding_9_json_nested_to_the_limit_is_parsed() -> None:
    nested = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH

    assert parse_json(nested) == json.loads(nested)


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "1", None])
@pytest.mark.parametrize(
    "field",
    [
        ("happening_now",),
        ("someone_in_danger",),
        ("answers", "suspect_present"),
        ("answers", "weapon_seen"),
        ("contact", "safe_contact", "email_safe"),
    ],
)
def test_finding_9_urgency_answers_are_strict_booleans(field: tuple[str, ...], value: Any) -> None:
    body = factories.submission_body()
    target = body
    for part in field[:-1]:
        target = target.setdefault(part, {})
    target[field[-1]] = value

    with pytest.raises(ValidationError) as refused:
        TypeAdapter[Any](ReportSubmission).validate_python(body)

    assert ("crime", *field) in [e["loc"] for e in refused.value.errors()]


@pytest.mark.parametrize("field", ["happening_now", "someone_in_danger"])
def test_finding_9_an_update_takes_only_true_or_false_for_urgency(field: str) -> None:
    with pytest.raises(ValidationError):
        ReportUpdate.model_validate({"information": "He is back", field: "yes"})
    assert getattr(ReportUpdate.model_validate({"information": "x", field: True}), field)
