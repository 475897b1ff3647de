"""The console's searches (reference, report id, contact details) and reference lookup, on
fakes of its ports: what each finds and shows, the access-log entry of each, and that no
entry holds what the reporter wrote or how to reach them."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from services.console.audit import AccessAction, AccessEntry
from services.console.audit_trail import query_digest
from tests.console_api_app import (
    KEY,
    OPERATOR,
    OTHER_TEAM,
    PERSONAL,
    SUPERVISOR,
    VIEWER,
    Console,
    open_console,
    routed,
)
from tests.console_factories import reference, report_record
from tests.factories import NOW


@pytest.fixture
async def console() -> AsyncIterator[Console]:
    async with open_console() as opened:
        yield opened


async def test_search_by_reference_finds_the_report(console: Console) -> None:
    record = report_record()
    console.views.add(record)

    answer = await console.as_(OPERATOR).client.get(f"/v1/search?reference={record.reference}")

    assert answer.status_code == 200
    assert answer.json()["report_id"] == str(record.report_id)
    [entry] = console.log.recorded
    assert (entry.action, entry.reference, entry.matches, entry.report_id) == (
        AccessAction.SEARCH_REFERENCE,
        record.reference,
        1,
        record.report_id,
    )


async def test_a_mistyped_reference_is_caught_and_the_existing_one_offered(
    console: Console,
) -> None:
    record = report_record(reference=reference(123))
    console.views.add(record)
    assert record.reference is not None
    typed = record.reference.replace("000123", "000124")

    answer = await console.as_(OPERATOR).client.get(f"/v1/search?reference={typed}")

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "reference"]
    assert answer.json()["suggestions"] == [record.reference]
    assert answer.headers["cache-control"] == "no-store"
    [entry] = console.log.recorded
    assert (entry.action, entry.reference, entry.matches) == (
        AccessAction.SEARCH_REFERENCE,
        typed,
        0,
    )


async def test_an_unknown_valid_reference_is_404_with_its_existing_neighbours(
    console: Console,
) -> None:
    neighbour = report_record(reference=reference(132))
    console.views.add(neighbour)

    answer = await console.as_(SUPERVISOR).client.get(f"/v1/search?reference={reference(123)}")

    assert answer.status_code == 404
    assert answer.json()["suggestions"] == [neighbour.reference]


async def test_search_by_report_id(console: Console) -> None:
    record = report_record()
    console.views.add(record)
    client = console.as_(OPERATOR).client

    found = await client.get(f"/v1/search?report_id={record.report_id}")
    missing = await client.get(f"/v1/search?report_id={uuid.uuid4()}")
    both = await client.get(f"/v1/search?report_id={record.report_id}&reference=x")
    bad = await client.get("/v1/search?report_id=not-a-uuid")

    assert (found.status_code, missing.status_code, both.status_code) == (200, 404, 422)
    assert bad.json()["detail"][0]["loc"][-1] == "report_id"
    assert [(e.action, e.matches) for e in console.log.recorded] == [
        (AccessAction.SEARCH_REPORT_ID, 1),
        (AccessAction.SEARCH_REPORT_ID, 0),
    ]


async def test_a_contact_search_is_logged_as_a_digest_and_a_count(console: Console) -> None:
    record = report_record()
    console.views.add(record)
    client = console.as_(SUPERVISOR).client

    by_email = await client.get("/v1/search/contact?email=Alex@Example.co.uk")
    by_phone = await client.get("/v1/search/contact", params={"phone": "07700 900123"})
    neither = await client.get("/v1/search/contact")

    assert [f["report_id"] for f in by_email.json()] == [str(record.report_id)]
    assert [f["report_id"] for f in by_phone.json()] == [str(record.report_id)]
    assert neither.status_code == 422
    first, second = console.log.recorded
    assert (first.action, first.matches) == (AccessAction.SEARCH_CONTACT, 1)
    assert first.query_digest == query_digest(KEY.encode(), email="alex@example.co.uk")
    assert second.query_digest == query_digest(KEY.encode(), phone="+447700900123")
    assert "alex" not in json.dumps(vars(first), default=str).lower()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "a@b"),
        ("email", "@@"),
        ("email", "x@y..z"),
        ("email", "a" * 250 + "@example.org"),
        ("phone", "+99912345678"),
        ("phone", "not a number"),
    ],
)
async def test_a_contact_search_for_no_address_or_number_is_422_before_any_query(
    console: Console, field: str, value: str
) -> None:
    answer = await console.as_(SUPERVISOR).client.get("/v1/search/contact", params={field: value})

    assert answer.status_code == 422, answer.text
    assert [p["loc"] for p in answer.json()["detail"]] == [["query", field]]
    assert value not in answer.text
    assert console.views.contact_queries == []
    assert console.log.recorded == []


async def test_a_contact_search_queries_and_digests_the_value_normalised_once(
    console: Console,
) -> None:
    client = console.as_(SUPERVISOR).client

    await client.get("/v1/search/contact", params={"email": " Alex@BÜCHER.example "})
    await client.get("/v1/search/contact", params={"phone": "+44 (0)7700 900123"})
    zeros = await client.get("/v1/search/contact", params={"phone": "0000000000"})

    assert zeros.json() == []  # a possible UK number, though none is stored: no 500
    assert console.views.contact_queries == [
        ("alex@xn--bcher-kva.example", None),
        (None, "+447700900123"),
        (None, "+44000000000"),
    ]
    by_email, by_phone, _ = console.log.recorded
    assert by_email.query_digest == query_digest(KEY.encode(), email="alex@bücher.example")
    assert by_phone.query_digest == query_digest(KEY.encode(), phone="07700900123")


async def test_each_search_names_the_reports_it_found_in_its_entry(console: Console) -> None:
    record, same_reporter = report_record(), routed("road_policing", 7)
    console.views.add(record)
    console.views.add(replace(same_reporter, contact=record.contact))
    client = console.as_(SUPERVISOR).client

    await client.get("/v1/search/contact?email=alex@example.co.uk")
    await client.get(f"/v1/search?reference={record.reference}")
    await client.get(f"/v1/search?report_id={record.report_id}")
    await client.get(f"/v1/references/{record.reference}")
    await client.get("/v1/search/contact?email=nobody@example.org")

    contact, by_reference, by_id, looked_up, nothing = console.log.recorded
    assert set(contact.report_ids) == {record.report_id, same_reporter.report_id}
    assert contact.report_id is None
    assert by_reference.report_ids == by_id.report_ids == looked_up.report_ids
    assert by_id.report_ids == [record.report_id]
    assert nothing.report_ids == []


async def test_any_teams_operator_finds_a_report_but_sees_no_personal_data(
    console: Console,
) -> None:
    record = report_record()  # crime_bureau's
    console.views.add(record)
    client = console.as_(OTHER_TEAM).client

    by_reference = await client.get(f"/v1/search?reference={record.reference}")
    by_id = await client.get(f"/v1/search?report_id={record.report_id}")
    looked_up = await client.get(f"/v1/references/{record.reference}")
    opened = await client.get(f"/v1/reports/{record.report_id}")

    assert (by_reference.status_code, by_id.status_code, looked_up.status_code) == (200, 200, 200)
    fields = {"report_id", "reference", "report_type", "route", "received_at"}
    assert set(by_reference.json()) == set(by_id.json()) == fields
    assert set(looked_up.json()) == {
        "reference",
        "report_id",
        "report_type",
        "status",
        "received_at",
        "issued_at",
        "replied_at",
    }
    for answer in (by_reference, by_id, looked_up):
        assert not any(words in answer.text for words in PERSONAL)
    assert opened.status_code == 403


async def test_the_reference_lookup_answers_as_the_reference_issuer_did(console: Console) -> None:
    record = report_record()
    console.views.add(record)
    client = console.as_(OPERATOR).client

    answer = await client.get(f"/v1/references/{record.reference}")
    invalid = await client.get("/v1/references/LP-20261130-000123-X")
    unknown = await client.get(f"/v1/references/{reference(999)}")
    viewer = await console.as_(VIEWER).client.get(f"/v1/references/{record.reference}")

    assert answer.status_code == 200
    assert set(answer.json()) == {
        "reference",
        "report_id",
        "report_type",
        "status",
        "received_at",
        "issued_at",
        "replied_at",
    }
    assert answer.json()["status"] == "replied"
    assert (invalid.status_code, unknown.status_code, viewer.status_code) == (400, 404, 403)


async def test_no_entry_holds_what_the_reporter_wrote_or_how_to_reach_them(
    console: Console,
) -> None:
    record = report_record()
    console.views.add(record)
    sup = console.as_(SUPERVISOR).client
    for path in (
        f"/v1/reports/{record.report_id}",
        f"/v1/reports/{record.report_id}/contact",
        f"/v1/search?reference={record.reference}",
        "/v1/search/contact?email=alex@example.co.uk",
        "/v1/search/contact?phone=%2B447700900123",
        "/v1/queue.csv",
    ):
        assert (await sup.get(path)).status_code == 200, path

    assert len(console.log.recorded) == 6
    logged = json.dumps([vars(e) for e in console.log.recorded], default=str)
    for words in PERSONAL:
        assert words not in logged
    assert all(isinstance(e, AccessEntry) and e.at == NOW for e in console.log.recorded)
