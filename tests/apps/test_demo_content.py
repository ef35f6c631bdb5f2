"""What ``yigai demo`` writes, pinned: the demo loaded on a fixed day gives exactly the golden fingerprint
in ``demo_content.json`` — every ledger item's state and light, every report, history line and 督办单, the
audit events by action, the indicator values. A change meant to make the demo faster must leave it equal;
a change meant to change the demo regenerates it (``YIGAI_GOLDEN_UPDATE=1 pytest tests/apps/test_demo_content.py``)
and the diff is reviewed.

The day is fixed (the services' clock set to it while the demo loads) because the history is laid out
backwards from today; no primary keys enter the fingerprint (they depend on what the database held before).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import override_settings

GOLDEN = Path(__file__).with_name("demo_content.json")
LIGHT_FIELDS = (
    "light_on", "light_colour", "light_label", "light_reason", "light_approximate", "status_shown", "overdue",
    "overdue_workdays", "closed_on", "reports_on_time", "reports_late", "reports_missing", "red_since",
)  # fmt: skip
DAY = dt.datetime(2026, 11, 16, 11, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _digest(rows: Iterable[Iterable[Any]]) -> str:
    text = "\n".join(json.dumps([str(v) for v in row], ensure_ascii=False) for row in rows)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fingerprint() -> dict[str, Any]:
    from yigai.apps.audit.models import AuditEvent
    from yigai.apps.indicators.models import DataValue
    from yigai.apps.ledger.models import Evidence, LedgerItem, ProgressReport, SupervisionNotice, Transition

    items = LedgerItem.objects.order_by("code")
    item_fields = (
        "code", "org_unit__code", "lead_unit__name", "status", "start", "deadline", "pending_deadline",
        "closed_on", "light_colour", "light_reason", "reports_on_time", "reports_late", "reports_missing", "version",
    )  # fmt: skip
    reports = ProgressReport.objects.values_list(
        "item__code", "unit__name", "is_lead", "period_key", "percent", "text", "submitted_by__username",
        "submitted_at", "is_demo",
    ).order_by("item__code", "submitted_at", "period_key", "unit__name")  # fmt: skip
    lines = Transition.objects.values_list(
        "item__code", "who", "role", "action", "from_status", "to_status", "at", "reason"
    ).order_by("item__code", "at", "action", "who")
    notices = SupervisionNotice.objects.values_list(
        "item__code",
        "issued_by__username",
        "issued_on",
        "level",
        "content",
        "reply_by",
        "replied_at",
        "reply",
        "escalated_from__item__code",
    ).order_by("item__code", "issued_on", "level", "reply_by")
    audit = AuditEvent.objects.values_list(
        "created_at", "actor_username", "action", "object_type", "object_repr"
    )
    values = DataValue.objects.values_list(
        "data_element__code", "org_unit__code", "period", "disaggregation", "value", "is_outlier"
    )
    return {
        "items": items.count(),
        "status": dict(sorted(Counter(items.values_list("status", flat=True)).items())),
        "colour": dict(sorted(Counter(items.values_list("light_colour", flat=True)).items())),
        "items_digest": _digest(items.values_list(*item_fields)),
        "reports": reports.count(),
        "reports_digest": _digest(reports),
        "transitions": dict(sorted(Counter(lines.values_list("action", flat=True)).items())),
        "transitions_digest": _digest(lines),
        "notices": notices.count(),
        "notices_digest": _digest(notices),
        "evidence": Evidence.objects.count(),
        "audit": dict(sorted(Counter(audit.values_list("action", flat=True)).items())),
        "audit_digest": _digest(sorted(audit, key=lambda r: [str(v) for v in r])),
        "indicator_values": values.count(),
        "indicator_values_digest": _digest(sorted(values, key=lambda r: [str(v) for v in r])),
    }


@pytest.fixture(scope="module")
def demo_on_a_fixed_day(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    from django.core.management import call_command
    from django.utils import timezone

    from yigai.apps.ledger.models import LedgerItem
    from yigai.apps.ledger.services.lights import lights_ensure
    from yigai.web.demo import demo_load

    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    evidence = tmp_path_factory.mktemp("evidence")
    with (
        override_settings(LEDGER_EVIDENCE_DIR=evidence, PASSWORD_HASHERS=hashers),
        django_db_blocker.unblock(),
        mock.patch.object(timezone, "now", lambda: DAY),
    ):
        try:
            # a fresh database, as `yigai demo` meets it: item codes carry the plan's id and the history's
            # random choices are seeded by the code, so ids left over by earlier tests (PostgreSQL's
            # sequences survive their rollbacks) would give another, equally valid, demo
            call_command("flush", interactive=False, verbosity=0)
            demo_load(records=False)
            content = fingerprint()
            lights_ensure()  # the lights a reader sees on that day (evaluated on first read)
            lit = LedgerItem.objects.order_by("code")
            content["lights"] = dict(sorted(Counter(lit.values_list("light_colour", flat=True)).items()))
            content["lights_digest"] = _digest(lit.values_list("code", *LIGHT_FIELDS))
            yield content
        finally:
            call_command("flush", interactive=False, verbosity=0)


def test_the_demo_content_is_the_golden_one(demo_on_a_fixed_day: dict[str, Any], db: None) -> None:
    if os.environ.get("YIGAI_GOLDEN_UPDATE"):
        GOLDEN.write_text(
            json.dumps(demo_on_a_fixed_day, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    assert demo_on_a_fixed_day == json.loads(GOLDEN.read_text(encoding="utf-8"))
