"""`yigai plans publish PLAN`: the same preview as the page, a question before publishing, --yes to skip it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from yigai.apps.plans.models import Status
from yigai.apps.plans.services import plan_store_document
from yigai.cli import app
from yigai.core.plan import Task

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()
S = ("一、任务",)


def _plan(fake_document, *tasks: Task, **kw):
    doc = fake_document(
        issuer="廊坊市人民政府办公室", doc_number="廊政办字〔2024〕9号", tasks=tasks, targets=(), **kw
    )
    return plan_store_document(document=doc, content_hash=str(len(tasks)) + str(kw))


def test_preview_then_question(orgunits, fake_document) -> None:
    plan = _plan(
        fake_document,
        Task(id="T1", number="1", path=S, title="建设", text="建设。", lead_units=("各区人民政府",)),
    )
    no = runner.invoke(app, ["plans", "publish", str(plan.pk)], input="n\n")
    assert no.exit_code == 1 and "确认发布？" in no.stdout and "未发布" in no.stdout
    assert "安次区人民政府（安次区）　事项 1" in no.stdout and "廊政办字〔2024〕9号" in no.stdout
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT
    yes = runner.invoke(app, ["plans", "publish", str(plan.pk), "--yes"])
    assert yes.exit_code == 0 and "确认发布？" not in yes.stdout and "已发布方案" in yes.stdout
    plan.refresh_from_db()
    assert plan.status == Status.PUBLISHED


def test_empty_plan_refused(orgunits, fake_document) -> None:
    plan = _plan(fake_document)
    result = runner.invoke(app, ["plans", "publish", str(plan.pk), "--yes"])
    assert result.exit_code == 1 and "方案没有任务" in result.stderr
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT
