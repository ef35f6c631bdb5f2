"""Dashboard fixtures: leaders at three levels of the demo (``demo_db``, tests/apps/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def leaders(demo_db: None, db: None) -> dict[str, Any]:
    """The demo's provincial leader, and leaders of 廊坊市 and 固安县 (made inside the test's transaction)."""
    from yigai.apps.accounts.models import User
    from yigai.apps.accounts.services import user_upsert
    from yigai.apps.orgunits.models import OrgUnit

    def leader(name: str, code: str) -> Any:
        user, _ = user_upsert(username=name, password="pw-test-123", role="leader",
                              org_unit=OrgUnit.objects.get(code=code))  # fmt: skip
        return user

    return {"province": User.objects.get(username="leader"), "city": leader("lf_boss", "131000"),
            "county": leader("ga_boss", "131022")}  # fmt: skip
