"""How an access log entry leaves the console without the personal data it guards: its
event on the audit topic, and the keyed digest that stands for a searched email or phone.

A search by contact details is logged by `query_digest`: HMAC-SHA256, under the console's
digest key, of the normalised email (lower case, domain in its ASCII `xn--` form) and of
the normalised phone (E.164), each with its own label. The log holds no email or phone,
yet an auditor holding the key can tell whether a given one was searched for
(`was_searched`); without the key the digests cannot be tested against guesses.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

import email_validator
import phonenumbers

from services.console import SERVICE
from services.console.audit import AccessEntry
from shared.events import AccessKind, AccessRecorded

#: Where a UK number without +44 is read from.
HOME_REGION = "GB"


def access_recorded(entry: AccessEntry) -> AccessRecorded:
    """The entry's event: the same event (id and content) however often it is built."""
    return AccessRecorded.recorded(
        entry_id=entry.entry_id,
        at=entry.at,
        producer=SERVICE,
        subject_report_id=entry.report_id,
        user_id=entry.user_id,
        action=AccessKind(entry.action.value),
        username=entry.username,
        roles=list(entry.roles),
        reference=entry.reference,
        shown=list(entry.shown),
        matches=entry.matches,
        query_digest=entry.query_digest,
        detail=entry.detail,
        report_ids=list(entry.report_ids),
    )


def to_milliseconds(at: datetime) -> datetime:
    """`at` to the millisecond, as the store keeps it: the entry read back and its event
    then tell the same time."""
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def normalised_email(email: str) -> str:
    """Lower case, domain in ASCII form; ValueError (not quoting it) if it is no address."""
    try:
        validated = email_validator.validate_email(email.strip(), check_deliverability=False)
    except email_validator.EmailNotValidError:
        raise ValueError("not an email address") from None
    return (validated.ascii_email or validated.normalized).lower()


def normalised_phone(phone: str) -> str:
    """E.164 (a UK number needs no +44); ValueError if it is no phone number."""
    try:
        number = phonenumbers.parse(phone, HOME_REGION)
    except phonenumbers.NumberParseException:
        raise ValueError("not a phone number") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError("not a phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _digest(key: bytes, label: str, value: str) -> str:
    return hmac.new(key, f"{label}:{value}".encode(), hashlib.sha256).hexdigest()


def _digests(key: bytes, email: str | None, phone: str | None) -> list[str]:
    """The digests of contact details already normalised."""
    if not key:
        raise ValueError("the digest key is empty")
    digests = []
    if email is not None:
        digests.append(_digest(key, "email", email))
    if phone is not None:
        digests.append(_digest(key, "phone", phone))
    return digests


def _normalised(email: str | None, phone: str | None) -> tuple[str | None, str | None]:
    return (
        None if email is None else normalised_email(email),
        None if phone is None else normalised_phone(phone),
    )


def normal_query_digest(key: bytes, *, email: str | None = None, phone: str | None = None) -> str:
    """`query_digest` of contact details already normalised by `normalised_email` and
    `normalised_phone` (as the search has them: normalised once, before querying)."""
    digests = _digests(key, email, phone)
    if not digests:
        raise ValueError("a search by contact details names an email or a phone")
    return " ".join(digests)


def query_digest(key: bytes, *, email: str | None = None, phone: str | None = None) -> str:
    """What the access log keeps of a search by contact details: the hex digest of each
    part searched for (email first), space-separated. ValueError if one is no address."""
    email, phone = _normalised(email, phone)
    return normal_query_digest(key, email=email, phone=phone)


def was_searched(
    key: bytes, digest: str | None, *, email: str | None = None, phone: str | None = None
) -> bool:
    """Whether an entry's `query_digest` covers every part given (for an auditor)."""
    wanted = _digests(key, *_normalised(email, phone))
    held = set((digest or "").split())
    return bool(wanted) and all(part in held for part in wanted)
