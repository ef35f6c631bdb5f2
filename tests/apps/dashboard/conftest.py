"""Dashboard fixtures: the whole demo (``yigai demo``: five sample plans, ledger state, indicator values and
targets, all 示例数据) loaded once per module, and leaders at three levels."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings


@pytest.fixture(scope="module")
def demo_db(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The demo, committed once per module (loading takes ~20 s) and flushed afterwards, as a
    ``transaction=True`` test would."""
    from django.core.management import call_command

    from yigai.web.demo import demo_load

    evidence = tmp_path_factory.mktemp("evidence")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(LEDGER_EVIDENCE_DIR=evidence, PASSWORD_HASHERS=hashers),
        django_db_blocker.unblock(),
    ):
        demo_load()
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)


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
