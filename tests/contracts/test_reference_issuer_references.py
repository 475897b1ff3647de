"""The reference issuer's `References`: numbers never repeat, a report keeps its first
reference (announced once), and a reference is never another report's."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from pymongo.errors import DuplicateKeyError

from services.reference_issuer.adapters import MongoReferences
from services.reference_issuer.ports import References
from shared.references import format_reference
from tests import factories
from tests.contracts.conftest import Backend, Store, ids
from tests.fakes.reference_issuer import FakeReferences

DAY = date(2026, 11, 30)
FIRST, SECOND = (format_reference("LP", DAY, sequence) for sequence in (1, 2))


@pytest.fixture
async def references(backend: Backend) -> Store[References]:
    if backend.database is None:
        fake = FakeReferences()
        return backend.of_fake(fake, fake)
    adapter = MongoReferences(backend.database, backend.publisher)
    await adapter.create_indexes()
    return backend.of_adapter(adapter)


async def test_sequences_count_per_force_and_day_and_never_repeat(
    references: Store[References],
) -> None:
    port = references.port

    racing = await asyncio.gather(*(port.next_sequence("LP", DAY) for _ in range(5)))
    next_day = await port.next_sequence("LP", DAY + timedelta(days=1))
    other_force = await port.next_sequence("NT", DAY)

    assert sorted(racing) == [1, 2, 3, 4, 5]
    assert (next_day, other_force) == (1, 1)


async def test_a_report_keeps_its_first_reference_announced_once(
    references: Store[References],
) -> None:
    submitted = factories.report_submitted()
    first = factories.reference_issued(submitted, FIRST)
    second = factories.reference_issued(submitted, SECOND)

    kept = await references.run(references.port.assign(first))
    again = await references.run(references.port.assign(first))
    other = await references.run(references.port.assign(second))

    assert (kept, again, other) == (FIRST, FIRST, FIRST)
    assert await references.port.issued_to(submitted.report_id) == FIRST
    assert references.emitted() == ids(first)


async def test_a_reference_is_never_another_reports(references: Store[References]) -> None:
    submitted, other = factories.report_submitted(), factories.report_submitted()
    await references.run(references.port.assign(factories.reference_issued(submitted, FIRST)))
    taken = factories.reference_issued(other, FIRST)

    with pytest.raises(DuplicateKeyError):
        await references.run(references.port.assign(taken))

    assert await references.port.issued_to(other.report_id) is None
    assert await references.port.issued_to(submitted.report_id) == FIRST
    assert len(references.emitted()) == 1
