"""Schemathesis against intake's OpenAPI, over real HTTP to the running service: no 5xx,
and every answer matches the documented schema.

Positive-data acceptance is left out: some valid-looking bodies are refused by rules JSON
Schema cannot state (a preferred channel needs its address; a UK phone number must exist).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.core.result import Ok

from tests.e2e.conftest import WEB_KEY

pytestmark = pytest.mark.e2e

EXAMPLES_PER_OPERATION = 40
CONTRACT = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


def test_intake_answers_as_its_openapi_says(running_system: dict[str, int]) -> None:
    base_url = f"http://127.0.0.1:{running_system['intake']}"
    api = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = []
    for result in api.get_all_operations():
        assert isinstance(result, Ok), f"intake's OpenAPI has an invalid operation: {result}"
        operations.append(result.ok())
    assert {op.path for op in operations} >= {"/v1/reports", "/v1/services"}

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def answers_as_documented(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
            case.call_and_validate(headers=WEB_KEY, checks=CONTRACT)

        answers_as_documented()
