"""Shared fixtures. Django fixtures here are opt-in: core tests request none and never touch a database
(pytest-django fails any test that does without the ``db`` fixture)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from yigai.core.plan import Document, Milestone, Target, Task

# The audit chain key (in production from the secret store): one fixed key for every test, whatever data
# directory a test sets, so events written before and after a DATA_DIR change verify alike.
os.environ.setdefault("YIGAI_AUDIT_KEY", "yigai-test-audit-key-not-secret-0123456789")


@pytest.fixture(autouse=True, scope="session")
def jobs_run_immediately() -> None:
    """Background jobs run inside the request in tests (a worker process could not see the test
    database); tests/apps/test_jobs.py runs the limited child process on its own."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


def make_document(source: str = "fake_plan.txt", **overrides: Any) -> Document:
    """A tiny extracted document: two sections, three tasks (one with a placeholder unit), two targets."""
    s1 = ("一、重点任务", "（一）强化基层")
    s2 = ("一、重点任务", "（二）提升医院")
    fields: dict[str, Any] = dict(
        source=source,
        title="关于测试医改工作的实施方案",
        doc_number="保政办〔2024〕1号",
        issuer="保定市人民政府办公室",
        issued_on="2024-03-01",
        period_start=2024,
        period_end=2027,
        warnings=("测试提示",),
        sections=(s1, s2),
        tasks=(
            Task(id="T1", number="1", path=s1, title="培养基层医务人员", text="加强培养。2025年底前完成。",
                 lead_units=("市卫生健康委",), co_units=("市医疗保障局", "市财政局"),
                 units_as_written="市卫生健康委、市医保局、市财政局", deadline="2025-12-31",
                 deadline_text="2025年底前", deadline_source="text",
                 milestones=(Milestone(due="2024-10-31", text="10月底前完成摸底"),)),
            Task(id="T2", number="2", path=s1, title="建设县域医共体", text="各县推进医共体建设。",
                 lead_units=("各县（市、区）政府",), deadline="2026-06-30", deadline_source="table"),
            Task(id="T3", number=None, path=s2, title="", text="提升医院服务能力。"),
        ),
        targets=(
            Target(id="G1", task_id="T1", indicator="每千人口执业（助理）医师数", comparator=">=", value=3.2,
                   unit="人", quote="每千人口执业（助理）医师数达到3.2人", per="每千人口", year=2025,
                   due="2025-12-31", scope="全市"),
            Target(id="G2", task_id=None, indicator="县域就诊率", comparator="range", value=90, value_max=95,
                   unit="%", quote="县域就诊率90%—95%"),
        ),
    )  # fmt: skip
    fields.update(overrides)
    return Document(**fields)


@pytest.fixture
def fake_document() -> Callable[..., Document]:
    return make_document


@pytest.fixture
def orgunits(db: None) -> None:
    """The packaged org-unit tree (reporting tree with its exceptions)."""
    from yigai.apps.orgunits.services import orgunits_load_reference

    orgunits_load_reference()


@pytest.fixture
def fake_extract(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Make the import service extract ``make_document(source=name)`` instead of running the engine."""

    def install(**overrides: Any) -> None:
        monkeypatch.setattr(
            "yigai.apps.plans.services.imports.extract_bytes",
            lambda name, data: make_document(source=name, **overrides),
        )

    install()
    return install


@pytest.fixture
def make_user(orgunits: None) -> Callable[..., Any]:
    from yigai.apps.accounts.services import user_upsert
    from yigai.apps.orgunits.models import OrgUnit
    from yigai.apps.units.services import unit_ensure

    def make(username: str, role: str, code: str, unit: str | None = None) -> Any:
        user, _ = user_upsert(
            username=username, password="pw-test-123", role=role, org_unit=OrgUnit.objects.get(code=code),
            unit=unit_ensure(name=unit) if unit else None,
        )  # fmt: skip
        return user

    return make


@pytest.fixture(autouse=True)
def _audit_head_file(settings: Any, tmp_path: Any) -> None:
    """Each test's database starts empty, so each gets its own audit head file (outside the database)."""
    settings.AUDIT_HEAD_FILE = tmp_path / "audit" / "chain-head.log"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Every test starts with an empty cache: each test's database is rolled back, so its data generations
    start again from the same numbers, and a page cached by an earlier test under those numbers (Django's
    local-memory cache outlives the rollback) must not be served to this one (ADR 0004)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _serial_live_server() -> None:
    """The browser tests' live server answers one request at a time.

    The SQLite test database of a ``transaction=True`` test is an in-memory database in shared-cache mode;
    a page that fires requests together (the dashboard asks for its map data and boundaries at once, and
    reads may refresh the stored lights) then has two request threads in transactions on it, which
    shared-cache SQLite sometimes refuses ("cannot start a transaction within a transaction"). A
    deployment uses a database file or PostgreSQL with a connection per worker and has no such limit.
    """
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class SerialServer(WSGIServer):
        def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)

    LiveServerThread.server_class = SerialServer


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A headless Debian-chromium tab for browser tests (modules skip themselves when it is absent)."""
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]  # fmt: skip
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # playwright's loop shares the test thread
    Path("test-artifacts/screenshots").mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=args)
        tab = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield tab
        browser.close()
