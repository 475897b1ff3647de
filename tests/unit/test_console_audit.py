"""The console's access log: the keyed digest of a searched email or phone, the audit
event of an entry, a store with no way to change an entry, and the auditors' API."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from services.console.audit import AccessAction, AccessEntry
from services.console.audit_api import access_log_router
from services.console.audit_store import MongoAccessLog
from services.console.audit_trail import access_recorded, query_digest, was_searched
from services.console.ports import AccessLog
from services.console.roles import Role, Staff
from shared.events import AccessKind, AccessRecorded, access_key_of, derived_event_id
from shared.http_limits import install_error_handlers
from shared.topics import check_belongs, topic_for
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.console import FakeAccessLog, FakeAuthenticator

KEY = b"a digest key of the tests, 32 bytes or more long"
AUDITOR = Staff("kc-auditor-1", "a.auditor", frozenset({Role.AUDITOR}), frozenset())


def _entry(action: AccessAction, **fields: object) -> AccessEntry:
    defaults: dict[str, object] = {
        "entry_id": uuid.uuid4(),
        "at": NOW,
        "action": action,
        "user_id": "kc-operator-1",
        "username": "o.jones",
        "roles": ["operator"],
    }
    return AccessEntry(**(defaults | fields))  # type: ignore[arg-type]


# The digest of a search of personal data


def test_the_digest_is_the_same_for_every_spelling_of_one_address_or_number() -> None:
    email = query_digest(KEY, email="Alex.Example@Example.ORG")

    assert email == query_digest(KEY, email="  alex.example@example.org ")
    assert query_digest(KEY, phone="07700 900123") == query_digest(KEY, phone="+447700900123")
    assert len(email) == 64
    assert set(email) <= set("0123456789abcdef")


def test_the_digest_holds_no_address_and_depends_on_the_key_and_kind() -> None:
    email = query_digest(KEY, email="alex@example.org")
    both = query_digest(KEY, email="alex@example.org", phone="+447700900123")

    assert "alex" not in email
    assert "example" not in email
    assert email != query_digest(b"another key, as long as the first one", email="alex@example.org")
    assert both.split() == [email, query_digest(KEY, phone="+447700900123")]


def test_an_auditor_with_the_key_can_tell_whether_an_address_was_searched() -> None:
    digest = query_digest(KEY, email="alex@example.org", phone="07700 900123")

    assert was_searched(KEY, digest, email="ALEX@example.org")
    assert was_searched(KEY, digest, phone="+447700900123")
    assert not was_searched(KEY, digest, email="someone@example.org")
    assert not was_searched(
        b"not the key it was made with, at all", digest, email="alex@example.org"
    )
    assert not was_searched(KEY, None, email="alex@example.org")


@pytest.mark.parametrize(
    ("key", "email", "phone"),
    [
        (KEY, None, None),
        (b"", "alex@example.org", None),
        (KEY, "not-an-address", None),
        (KEY, None, "12"),
    ],
)
def test_a_digest_needs_a_key_and_something_valid_to_digest(
    key: bytes, email: str | None, phone: str | None
) -> None:
    with pytest.raises(ValueError, match=r"empty|names an email|not an email|not a phone") as error:
        query_digest(key, email=email, phone=phone)

    assert "not-an-address" not in str(error.value)


# The audit event


def test_an_entry_about_a_report_is_keyed_by_the_report_and_its_event_id_is_fixed() -> None:
    report_id = uuid.uuid4()
    viewed = _entry(AccessAction.VIEW_REPORT, report_id=report_id, shown=["description"])

    event = access_recorded(viewed)

    assert event == access_recorded(viewed)
    assert event.event_id == derived_event_id(viewed.entry_id, "AccessRecorded")
    assert (event.report_id, event.subject_report_id) == (report_id, report_id)
    assert (event.action, event.shown, event.occurred_at) == (
        AccessKind.VIEW_REPORT,
        ["description"],
        NOW,
    )
    assert event.kafka_key() == str(report_id).encode()
    assert AccessRecorded.model_validate_json(event.model_dump_json()) == event


def test_an_entry_about_no_report_is_keyed_by_its_user_or_as_anonymous() -> None:
    signed_in = access_recorded(_entry(AccessAction.SIGN_IN))
    signed_out = access_recorded(_entry(AccessAction.SIGN_OUT))
    failed = access_recorded(_entry(AccessAction.SIGN_IN_FAILED, user_id=None, username=None))

    assert signed_in.subject_report_id is None
    assert signed_in.report_id == signed_out.report_id == access_key_of("kc-operator-1")
    assert failed.report_id == access_key_of(None) != access_key_of("anonymous")
    assert signed_in.event_id != signed_out.event_id


def test_a_search_event_names_every_report_found_and_older_events_still_read() -> None:
    found = [uuid.uuid4(), uuid.uuid4()]
    searched = _entry(AccessAction.SEARCH_CONTACT, matches=2, report_ids=found)

    event = access_recorded(searched)
    before_the_field = event.model_dump(mode="json")
    del before_the_field["report_ids"]

    assert event.report_ids == found
    assert event.subject_report_id is None  # keyed by its user, as before
    assert AccessRecorded.model_validate_json(event.model_dump_json()) == event
    assert AccessRecorded.model_validate(before_the_field).report_ids == []
    assert AccessRecorded.model_fields["report_ids"].description


def test_the_event_goes_to_the_audit_topic_and_knows_every_action() -> None:
    assert topic_for("AccessRecorded") == "audit.access.v1"
    check_belongs("audit.access.v1", "AccessRecorded")
    assert [kind.value for kind in AccessKind] == [action.value for action in AccessAction]


# The store


def test_the_store_and_its_port_offer_no_way_to_change_or_remove_an_entry() -> None:
    def public(cls: type) -> set[str]:
        return {name for name, _ in inspect.getmembers(cls) if not name.startswith("_")}

    assert public(MongoAccessLog) == {"record", "entries", "create_indexes", "relay"}
    assert public(AccessLog) == {"record", "entries"}
    assert set(inspect.signature(MongoAccessLog.entries).parameters) == set(
        inspect.signature(AccessLog.entries).parameters
    )


# The API


@pytest.fixture
def access_log() -> FakeAccessLog:
    return FakeAccessLog()


@pytest.fixture
def authenticator() -> FakeAuthenticator:
    return FakeAuthenticator(AUDITOR)


@pytest.fixture
async def client(
    access_log: FakeAccessLog, authenticator: FakeAuthenticator
) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_error_handlers(app)
    app.state.authenticator = authenticator
    app.include_router(access_log_router(access_log, FrozenClock(NOW + timedelta(hours=1))))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        yield http


async def _recorded(access_log: FakeAccessLog, *entries: AccessEntry) -> None:
    for each in entries:
        await access_log.record(each)


async def test_the_auditor_filters_the_log_by_user_and_by_report(
    client: httpx.AsyncClient, access_log: FakeAccessLog
) -> None:
    report_id = uuid.uuid4()
    viewed = _entry(AccessAction.VIEW_REPORT, report_id=report_id, at=NOW + timedelta(minutes=1))
    other = _entry(AccessAction.SIGN_IN, user_id="kc-other", at=NOW + timedelta(minutes=2))
    signed_in = _entry(AccessAction.SIGN_IN)
    await _recorded(access_log, signed_in, viewed, other)

    by_user = await client.get("/v1/access-log", params={"user": "kc-operator-1"})
    by_report = await client.get("/v1/access-log", params={"report_id": str(report_id)})
    by_action = await client.get("/v1/access-log", params={"action": "sign_in", "limit": 1})

    assert by_user.status_code == 200, by_user.text
    assert [e["entry_id"] for e in by_user.json()["entries"]] == [
        str(viewed.entry_id),
        str(signed_in.entry_id),
    ]
    (about,) = by_report.json()["entries"]
    assert (about["entry_id"], about["report_id"]) == (str(viewed.entry_id), str(report_id))
    assert [e["entry_id"] for e in by_action.json()["entries"]] == [str(other.entry_id)]


async def test_the_filter_by_report_finds_the_searches_that_surfaced_it(
    client: httpx.AsyncClient, access_log: FakeAccessLog
) -> None:
    report_id, other = uuid.uuid4(), uuid.uuid4()
    searched = _entry(AccessAction.SEARCH_CONTACT, matches=2, report_ids=[other, report_id])
    missed = _entry(AccessAction.SEARCH_CONTACT, matches=1, report_ids=[other])
    viewed = _entry(AccessAction.VIEW_REPORT, report_id=report_id, at=NOW + timedelta(minutes=1))
    await _recorded(access_log, searched, missed, viewed)

    answer = await client.get("/v1/access-log", params={"report_id": str(report_id)})

    entries = answer.json()["entries"]
    assert [e["entry_id"] for e in entries] == [str(viewed.entry_id), str(searched.entry_id)]
    assert entries[1]["report_ids"] == [str(other), str(report_id)]
    assert entries[0]["report_ids"] == []


async def test_each_look_at_the_log_is_itself_recorded(
    client: httpx.AsyncClient, access_log: FakeAccessLog
) -> None:
    report_id = uuid.uuid4()
    await _recorded(access_log, _entry(AccessAction.VIEW_REPORT, report_id=report_id))

    answer = await client.get(
        "/v1/access-log", params={"report_id": str(report_id), "user": "kc-operator-1"}
    )

    assert answer.status_code == 200
    (looked,) = await access_log.entries(AUDITOR.user_id, None, 10)
    assert looked.action is AccessAction.VIEW_ACCESS_LOG
    assert (looked.report_id, looked.matches, looked.roles) == (report_id, 1, ["auditor"])
    assert looked.at == NOW + timedelta(hours=1)
    assert looked.detail == "user=kc-operator-1"
    assert [event.event_type for event in access_log.published][-1] == "AccessRecorded"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OPERATOR, Role.SUPERVISOR])
async def test_only_auditors_see_the_log(
    role: Role,
    client: httpx.AsyncClient,
    access_log: FakeAccessLog,
    authenticator: FakeAuthenticator,
) -> None:
    authenticator.staff = Staff(
        "kc-someone", "s.one", frozenset({role}), frozenset({"crime_bureau"})
    )
    await _recorded(access_log, _entry(AccessAction.SIGN_IN))

    answer = await client.get("/v1/access-log")

    assert answer.status_code == 403
    assert authenticator.refusals == [("kc-someone", "role")]
    assert len(access_log.stored) == 1  # and no look was recorded


async def test_nobody_signed_in_is_told_to_sign_in(
    client: httpx.AsyncClient, authenticator: FakeAuthenticator
) -> None:
    authenticator.staff = None

    answer = await client.get("/v1/access-log")

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"report_id": "not-a-uuid"}, "report_id"),
        ({"action": "rewrite_history"}, "action"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"user": "alex@example.org"}, "user"),
    ],
)
async def test_a_bad_filter_is_refused_naming_it(
    params: dict[str, str], field: str, client: httpx.AsyncClient, access_log: FakeAccessLog
) -> None:
    answer = await client.get("/v1/access-log", params=params)

    assert answer.status_code == 422
    assert [problem["loc"] for problem in answer.json()["detail"]] == [["query", field]]
    assert next(iter(params.values())) not in answer.text
    assert access_log.stored == {}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/v1/access-log", "/v1/access-log/{entry_id}"])
async def test_no_method_changes_the_log(
    method: str, path: str, client: httpx.AsyncClient, access_log: FakeAccessLog
) -> None:
    kept = _entry(AccessAction.VIEW_REPORT, report_id=uuid.uuid4())
    await _recorded(access_log, kept)
    before = dict(access_log.stored)

    answer = await client.request(
        method, path.format(entry_id=kept.entry_id), json={"action": "sign_in"}
    )

    assert answer.status_code in {404, 405}
    assert access_log.stored == before
