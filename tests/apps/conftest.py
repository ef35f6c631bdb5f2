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
        demo_load(records=False)
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def otp_client() -> Any:
    """A client logged in as ``user`` past the second factor (administrator roles need it for every page)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def make(user: Any) -> Client:
        device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return make
