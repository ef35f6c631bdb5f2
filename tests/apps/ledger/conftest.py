"""Ledger fixtures: a published 保定 test plan (3 tasks, T2 for 各县（市、区）政府), users in every role,
evidence stored in a temporary directory, and a helper to re-read an item."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from yigai.apps.ledger.models import LedgerItem

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path, settings) -> Any:
    settings.LEDGER_EVIDENCE_DIR = tmp_path / "evidence"
    settings.LEDGER_WEBHOOK_URL = ""
    settings.EMAIL_HOST = ""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # nine users per test
    return settings.LEDGER_EVIDENCE_DIR


@pytest.fixture
def plan(orgunits: None, fake_document) -> Any:
    from yigai.apps.plans.services import plan_store_document
    from yigai.apps.publishing import plan_publish

    p = plan_store_document(document=fake_document(), content_hash="bd")
    plan_publish(plan=p)
    return p


@pytest.fixture
def users(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {
        "lead": make_user("lead", "unit_reporter", "130600", "市卫生健康委"),
        "co": make_user("co", "unit_reporter", "130600", "市医疗保障局"),
        "other": make_user("other", "unit_reporter", "130600", "市教育局"),
        "county": make_user("qy", "unit_reporter", "130608", "清苑区人民政府"),
        "owner": make_user("owner", "plan_owner", "130600", "市卫生健康委"),
        "owner_sjz": make_user("owner_sjz", "plan_owner", "130100", "市卫生健康委"),
        "reviewer": make_user("rev", "reviewer", "130000", "省卫生健康委"),
        "leader": make_user("boss", "leader", "130000", "省卫生健康委"),
        "admin": make_user("root", "admin", "130000"),
    }


@pytest.fixture
def t1(plan) -> LedgerItem:
    """T1: lead 市卫生健康委, co 市医疗保障局 and 市财政局, in 保定市, deadline 2025-12-31."""
    return LedgerItem.objects.get(task__ext_id="T1", task__plan=plan)


def fresh(item: LedgerItem) -> LedgerItem:
    return LedgerItem.objects.get(pk=item.pk)
