"""The webhook signature: HMAC-SHA256 over the body, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac

from shared.webhook_signature import signature, verify

SECRET = "shared-secret"
BODY = b'{"kind":"possible_emergency","reference":"LP-20261201-000001-7"}'


def test_the_signature_is_the_hmac_sha256_of_the_body_in_hex() -> None:
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert signature(SECRET, BODY) == f"sha256={expected}"


def test_a_signed_body_verifies() -> None:
    assert verify(SECRET, BODY, signature(SECRET, BODY))


def test_a_changed_body_a_wrong_secret_or_no_header_do_not_verify() -> None:
    header = signature(SECRET, BODY)
    assert not verify(SECRET, BODY + b" ", header)
    assert not verify("another-secret", BODY, header)
    assert not verify(SECRET, BODY, None)
    assert not verify(SECRET, BODY, header.removeprefix("sha256="))
