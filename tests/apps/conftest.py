"""The whole demo (``yigai demo``: five sample plans, the ledgers' history, indicator values and targets, all
示例数据) loaded once per module: ``demo_db``."""

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
