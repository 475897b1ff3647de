"""Schemathesis against every service's OpenAPI, over real HTTP to the running services: no
5xx, and every answer matches the documented schema (status, content type, body, headers).

Positive-data acceptance is left out: some valid-looking bodies are refused by rules JSON
Schema cannot state (a preferred channel needs its address; a UK phone number must exist).
The classifier has no HTTP API beyond `/health` and `/metrics`, which are not in the schema.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.core.result import Ok

from tests.conftest import Servers, demo_access_token
from tests.e2e.conftest import RECEIPT_TOKEN, STAFF_KEY, WEB_KEY

pytestmark = pytest.mark.e2e

EXAMPLES_PER_OPERATION = 40
CONTRACT = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
#: Each service with an HTTP API: the credentials its callers send, and paths it must have.
SERVICES: dict[str, tuple[dict[str, str] | None, set[str]]] = {
    "intake": (WEB_KEY, {"/v1/reports", "/v1/services"}),
    "notifier": (RECEIPT_TOKEN, {"/v1/receipts/notify"}),
    "alerting": (
        STAFF_KEY,
        {"/v1/alerts", "/v1/alerts/{alert_id}/acknowledgement", "/v1/alert-links/{token}"},
    ),
    # A supervisor's bearer token, fetched when the test runs (the local stacks serve the
    # console's OpenAPI: FRONTDESK_ENVIRONMENT=local).
    "console": (
        None,
        {"/v1/queue", "/v1/compliance", "/v1/reports/{report_id}", "/v1/references/{reference}"},
    ),
}


@pytest.mark.parametrize("service", list(SERVICES))
def test_every_service_answers_as_its_openapi_says(
    servers: Servers, running_system: dict[str, int], service: str
) -> None:
    known, expected_paths = SERVICES[service]
    supervisor = {"Authorization": f"Bearer {demo_access_token(servers, 'supervisor')}"}
    credentials = supervisor if known is None else known
    base_url = f"http://127.0.0.1:{running_system[service]}"
    api = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = []
    for result in api.get_all_operations():
        assert isinstance(result, Ok), f"{service}'s OpenAPI has an invalid operation: {result}"
        operations.append(result.ok())
    assert {op.path for op in operations} >= expected_paths

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def answers_as_documented(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
            case.call_and_validate(headers=credentials, checks=CONTRACT)

        answers_as_documented()
