"""Run as a subprocess by test_sqlite_default.py: a fresh SQLite *file* database (the default deployment),
one published plan of N tasks, then N threads each submit a progress report on their own item at the same moment. Prints a
JSON object: the errors the threads met and the number of reports stored. Usage:
``python sqlite_writers.py <data dir> <threads>``."""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

data_dir, threads = Path(sys.argv[1]), int(sys.argv[2])
os.environ["YIGAI_DATA_DIR"] = str(data_dir)
os.environ.pop("DATABASE_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "yigai.web.settings"
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/: make_document

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from conftest import make_document  # noqa: E402  # tests/conftest.py

call_command("migrate", verbosity=0)
from yigai.apps.accounts.services import user_upsert  # noqa: E402
from yigai.apps.ledger.models import LedgerItem, ProgressReport  # noqa: E402
from yigai.apps.ledger.services import progress_report_submit  # noqa: E402
from yigai.apps.orgunits.models import OrgUnit  # noqa: E402
from yigai.apps.orgunits.services import orgunits_load_reference  # noqa: E402
from yigai.apps.plans.services import plan_store_document  # noqa: E402
from yigai.apps.publishing import plan_publish  # noqa: E402
from yigai.apps.units.services import unit_ensure  # noqa: E402
from yigai.core.plan import Task  # noqa: E402

orgunits_load_reference()
tasks = tuple(
    Task(id=f"T{n}", number=str(n), path=("一、重点任务",), title=f"任务{n}", text="推进。",
         lead_units=("市卫生健康委",), deadline="2026-12-31", deadline_source="text")
    for n in range(threads)
)  # fmt: skip
plan = plan_store_document(document=make_document(tasks=tasks, targets=()), content_hash="sqlite")
plan_publish(plan=plan)
items = list(LedgerItem.objects.filter(task__plan=plan).order_by("pk"))
assert len(items) == threads, len(items)
lead, _ = user_upsert(
    username="lead", password="pw-test-123", role="unit_reporter",
    org_unit=OrgUnit.objects.get(code="130600"), unit=unit_ensure(name="市卫生健康委"),
)  # fmt: skip
connection.close()

start = threading.Barrier(threads)
errors: list[str] = []


def submit(n: int) -> None:
    try:
        start.wait()
        item = items[n]
        progress_report_submit(
            item=item.pk, user=lead, text="进展", percent=10 + n, expected_version=item.version
        )
    except Exception as exc:  # reported to the test
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


workers = [threading.Thread(target=submit, args=(n,)) for n in range(threads)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print(json.dumps({"errors": errors, "reports": ProgressReport.objects.filter(item__in=items).count()}))
