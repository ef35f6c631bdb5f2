"""schemathesis over the API's OpenAPI schema against a live server (issue 6; ASVS 2.2.1, 1.2.4): every
operation, property-based cases from the schema (valid and invalid), sent over HTTP to pytest-django's
live server holding the two-county world, with a plan owner's bearer token (made by the same service as
``yigai token``) and without one. Zero server errors (5xx). The number of cases run is printed.

Bounded: ``YIGAI_FUZZ_EXAMPLES`` examples per operation and credential (default 20; about half a minute).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)
EXAMPLES = int(os.environ.get("YIGAI_FUZZ_EXAMPLES", "20"))


def _operations(schema: Any) -> list[Any]:
    found = []
    for result in schema.get_all_operations():
        found.append(result.ok())
    return found


def test_api_fuzz_has_no_server_errors(live_server, transactional_db, world, capsys) -> None:
    import hypothesis
    import requests
    import schemathesis
    from hypothesis import HealthCheck
    from schemathesis.checks import not_a_server_error

    from yigai.apps.accounts.services import api_token_create
    from yigai.web.api import api

    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    operations = _operations(schema)
    assert len(operations) >= 13
    token = api_token_create(user=world.users["owner_bd"], name="fuzz")
    credentials = {"owner_bd": {"Authorization": f"Bearer {token}"}, "anonymous": {}}
    session = requests.Session()
    counts: Counter[str] = Counter()
    failures: list[str] = []

    def fuzz(op: Any, who: str, headers: dict[str, str]) -> None:
        @hypothesis.settings(
            max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
            suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )  # fmt: skip
        @hypothesis.given(case=op.as_strategy())
        def run(case: Any) -> None:
            response = case.call(base_url=live_server.url, session=session, headers=headers)
            counts[who] += 1
            counts[f"status {response.status_code // 100}xx"] += 1
            try:
                case.validate_response(response, checks=[not_a_server_error])
            except Exception as exc:  # a check failure: collect them all, report at the end
                failures.append(f"{who} {case.method} {case.formatted_path}: {str(exc)[:300]}")

        run()

    for op in operations:
        for who, headers in credentials.items():
            fuzz(op, who, headers)

    total = counts["owner_bd"] + counts["anonymous"]
    with capsys.disabled():
        statuses = ", ".join(f"{k[7:]} {v}" for k, v in sorted(counts.items()) if k.startswith("status"))
        print(f"\nschemathesis: {total} cases over {len(operations)} operations ({statuses}); "
              f"server errors: {len(failures)}")  # fmt: skip
    assert failures == []
    assert counts["status 5xx"] == 0
    assert total >= len(operations) * 2


HUGE = (
    "137117619284367145697280"  # beyond bigint: schemathesis' first find (PostgreSQL "bigint out of range")
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [f"/api/tasks?offset={HUGE}", f"/api/tasks?plan={HUGE}", f"/api/ledger/items?plan={HUGE}",
     f"/api/ledger/items/{HUGE}", f"/api/ledger/evidence/{HUGE}", f"/api/indicators/values?offset={HUGE}",
     f"/api/indicators/targets/status?plan={HUGE}", f"/api/ledger/warnings?plan={HUGE}", f"/api/plans/{HUGE}"],
)  # fmt: skip
def test_huge_integers_are_client_errors(url: str, client, world) -> None:
    from yigai.apps.accounts.services import api_token_create

    token = api_token_create(user=world.users["owner_bd"], name="t")
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert 400 <= response.status_code < 500, (url, response.status_code)
