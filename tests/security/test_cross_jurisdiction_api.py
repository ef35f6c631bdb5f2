"""Cross-jurisdiction suite over the API (bearer tokens): for every route classified REFUSE or ROLE in
cross_jurisdiction_routes.API, the outsider is refused and nothing changes; for every LEAK route, the
outsider's lists and searches show nothing of the other side. The cases are in cross_jurisdiction_cases.py.
"""

from __future__ import annotations

import pytest
from cross_jurisdiction_cases import api_leak_cases, api_refusal_cases
from cross_jurisdiction_routes import (
    API,
    Clients,
    check_no_leak,
    check_refused,
    leak_keys,
    refused_keys,
    skip_if_dormant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(world) -> Clients:
    return Clients(world.users)


@pytest.mark.parametrize("route", refused_keys(API))
def test_outsider_is_refused_and_nothing_changes(route: str, world, clients, sec) -> None:
    skip_if_dormant(route, sec)
    check_refused(api_refusal_cases(world)[route], world, clients, sec)


@pytest.mark.parametrize("route", leak_keys(API))
def test_lists_do_not_leak(route: str, world, clients, sec) -> None:
    skip_if_dormant(route, sec)
    check_no_leak(api_leak_cases(world)[route], world, clients, sec)
