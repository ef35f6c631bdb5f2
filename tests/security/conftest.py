"""Two jurisdictions side by side, for the cross-jurisdiction suite.

County A = 清苑区 (130608) and county B = 满城区 (130607), both under 保定; unit X = 保定市卫生健康委 (lead
of T1) and unit Y = 保定市教育局 (same city, no task); a 石家庄 plan owner sees none of 保定. Every private
thing of A and X carries a marker string, so a page or API answer that leaks it can be caught.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
COUNTY_A, COUNTY_B = "130608", "130607"


@dataclass
class World:
    bd: Any  # 保定 plan (published): T1 → 市卫生健康委, T2 → every county, T3 → 保定市
    sjz: Any  # 石家庄 plan (published)
    draft: Any  # a 保定 draft (not published)
    users: dict[str, Any]
    item_a: Any  # T2's copy for county A
    item_b: Any  # T2's copy for county B
    item_x: Any  # T1, lead unit X
    evidence_a: Any
    evidence_x: Any
    notice_a: Any
    notice_x: Any
    t1: Any  # the plan task behind item_x (unit X's)
    t2: Any  # the county task (both counties see it)
    markers: dict[str, set[str]] = field(default_factory=dict)  # owner → strings outsiders may not see


@pytest.fixture(autouse=True)
def _security_settings(tmp_path, settings) -> None:
    settings.LEDGER_EVIDENCE_DIR = tmp_path / "evidence"
    settings.DATA_DIR = tmp_path
    settings.LEDGER_WEBHOOK_URL = ""
    settings.EMAIL_HOST = ""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.API_RATE_LIMIT = "100000/60"  # the suite sends hundreds of API requests per token


def _item(plan: Any, ext_id: str, org_code: str | None = None) -> Any:
    from yigai.apps.ledger.models import LedgerItem

    qs = LedgerItem.objects.filter(task__plan=plan, task__ext_id=ext_id)
    return qs.get(org_unit__code=org_code) if org_code else qs.get(parent__isnull=True)


def _values(code: str, value: float) -> None:
    from yigai.apps.indicators.models import DataElement, DataValue
    from yigai.apps.orgunits.models import OrgUnit

    DataValue.objects.create(
        data_element=DataElement.objects.get(code="BEDS"), org_unit=OrgUnit.objects.get(code=code),
        period="2023", period_type="year", year=2023, value=value, source_file=f"{code}.csv",
    )  # fmt: skip


@pytest.fixture
def world(orgunits: None, fake_document: Callable[..., Any], make_user: Callable[..., Any]) -> World:
    from yigai.apps.indicators.services import catalogue_sync
    from yigai.apps.ledger.models import LedgerItem
    from yigai.apps.ledger.services import item_transition, notice_issue, progress_report_submit
    from yigai.apps.plans.services import plan_store_document
    from yigai.apps.publishing import plan_publish

    bd = plan_store_document(document=fake_document(source="baoding_plan.txt"), content_hash="bd")
    sjz = plan_store_document(document=fake_document(issuer="石家庄市人民政府办公室"), content_hash="sjz")
    plan_publish(plan=bd)
    plan_publish(plan=sjz)
    draft = plan_store_document(document=fake_document(title="保定草稿方案"), content_hash="bd-draft")
    users = {
        "rep_a": make_user("rep_a", "unit_reporter", COUNTY_A, "清苑区人民政府"),
        "rep_b": make_user("rep_b", "unit_reporter", COUNTY_B, "满城区人民政府"),
        "unit_x": make_user("unit_x", "unit_reporter", "130600", "市卫生健康委"),
        "unit_y": make_user("unit_y", "unit_reporter", "130600", "市教育局"),
        "owner_bd": make_user("owner_bd", "plan_owner", "130600", "市卫生健康委"),
        "owner_sjz": make_user("owner_sjz", "plan_owner", "130100", "市卫生健康委"),
        "reviewer_sjz": make_user("reviewer_sjz", "reviewer", "130100", "市卫生健康委"),
    }
    item_a, item_b, item_x = _item(bd, "T2", COUNTY_A), _item(bd, "T2", COUNTY_B), _item(bd, "T1")
    # distinctive titles, so a list that shows A's or X's row can be told from one showing B's
    LedgerItem.objects.filter(pk=item_a.pk).update(title="清苑区专属事项甲")
    LedgerItem.objects.filter(pk=item_x.pk).update(title="市卫健委专属事项乙")
    for item, who, text, name in (
        (item_a, "rep_a", "清苑区进展标记QY7731", "清苑佐证QY7731.png"),
        (item_x, "unit_x", "卫健委进展标记WJ5519", "卫健佐证WJ5519.png"),
    ):
        item = LedgerItem.objects.get(pk=item.pk)
        item = item_transition(item=item, action="start", user=users[who], expected_version=item.version)
        progress_report_submit(item=item, user=users[who], text=text, percent=40,
                               expected_version=item.version, files=[(name, PNG)])  # fmt: skip
    reply_by = dt.date.today() + dt.timedelta(days=7)
    notice_a = notice_issue(item=LedgerItem.objects.get(pk=item_a.pk), user=users["owner_bd"],
                            content="督办标记QY4402：请加快", reply_by=reply_by)  # fmt: skip
    notice_x = notice_issue(item=LedgerItem.objects.get(pk=item_x.pk), user=users["owner_bd"],
                            content="督办标记WJ8803：请加快", reply_by=reply_by)  # fmt: skip
    catalogue_sync()
    _values(COUNTY_A, 7731.25)
    _values(COUNTY_B, 1234.5)
    item_a, item_x = LedgerItem.objects.get(pk=item_a.pk), LedgerItem.objects.get(pk=item_x.pk)
    return World(
        bd=bd,
        sjz=sjz,
        draft=draft,
        users=users,
        item_a=item_a,
        item_b=LedgerItem.objects.get(pk=item_b.pk),
        item_x=item_x,
        evidence_a=item_a.evidence.get(),
        evidence_x=item_x.evidence.get(),
        notice_a=notice_a,
        notice_x=notice_x,
        t1=bd.tasks.get(ext_id="T1"),
        t2=bd.tasks.get(ext_id="T2"),
        markers={
            "A": {item_a.code, "清苑区专属事项甲", "QY7731", "QY4402"},
            "AV": {"7731.25"},  # county A's indicator value: the county and the levels above it only
            "X": {item_x.code, "市卫健委专属事项乙", "WJ5519", "WJ8803"},
        },
    )


@pytest.fixture
def sec() -> SimpleNamespace:
    """The helpers below, as a fixture (test modules cannot import a conftest under importlib mode)."""
    return SimpleNamespace(
        db_snapshot=db_snapshot, snapshot_diff=snapshot_diff, django_routes=django_routes,
        api_operations=api_operations, answer_text=answer_text,
    )  # fmt: skip


# ---- helpers: a whole-database snapshot to prove "nothing changed", the project's routes (Django URL
# patterns and the API's OpenAPI operations), and the text of any answer (HTML, JSON with its escapes
# undone, .xlsx and .docx cells) for leak checks ----------------------------------------------------


# Rows that a refused request may legitimately touch: the audit trail of the refusal, sessions, lockout
# counters, second-factor state, and a token's "last used" stamp.
SKIP_APPS = {"audit", "sessions", "axes", "otp_totp", "django_otp", "contenttypes", "admin"}
SKIP_FIELDS = {("accounts.ApiToken", "last_used_at"), ("accounts.User", "last_login")}
DATA_APPS = {"plans", "ledger", "indicators", "orgunits", "units", "accounts"}


def db_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every data model (all concrete columns and many-to-many links), sorted."""
    from django.apps import apps

    snap: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if model._meta.app_label not in DATA_APPS:
            continue
        names = [f.attname for f in model._meta.concrete_fields if (label, f.name) not in SKIP_FIELDS]
        snap[label] = sorted(
            (tuple(repr(v) for v in row) for row in model.objects.values_list(*names)), key=repr
        )
    return snap


def snapshot_diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    changed = []
    for label in sorted(set(before) | set(after)):
        b, a = before.get(label, []), after.get(label, [])
        if b != a:
            gone, new = set(b) - set(a), set(a) - set(b)
            changed.append(f"{label}: {len(b)}→{len(a)} rows; removed {list(gone)[:2]} added {list(new)[:2]}")
    return changed


def django_routes() -> list[tuple[str, str | None]]:
    """(pattern, name) of every URL pattern, includes expanded."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[tuple[str, str | None]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                found.append((prefix + str(p.pattern), f"{namespace}{p.name}" if p.name else None))

    walk(get_resolver().url_patterns, "", "")
    return found


def api_operations() -> set[str]:
    """``"GET /api/ledger/items/{item_id}"`` for every operation of the OpenAPI schema."""
    from yigai.web.api import api

    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def answer_text(response: Any) -> str:
    """What a reader of the response would see, whatever its format."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(body))
        cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
        return "\n".join(cells)
    if "wordprocessingml" in kind:
        import docx

        doc = docx.Document(io.BytesIO(body))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    text = body.decode("utf-8", errors="replace")
    if "json" in kind:
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text
