"""A scanned plan with a worn paragraph, imported through the real reader and engine: the review list
(least confident first) opens with the task read from the worn lines, labelled 扫描件识别置信度低 (issue 16)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from yigai.apps.plans.selectors import plan_hints
from yigai.apps.plans.services import plan_import
from yigai.apps.plans.templatetags.plans_tags import hint_rule

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core" / "parse"))
from made_documents import PLAN, make_scan, need

from yigai.core.parse.readers import ocr

pytestmark = pytest.mark.django_db


def test_worn_scan_puts_its_task_first_on_the_review_list(orgunits: None) -> None:
    need("tesseract", "OCR of scanned PDFs")
    if not ocr.ocr_available():
        need("tesseract-chi-sim-model", "the Chinese model tesseract-ocr-chi-sim")
    result = plan_import(name="盖章版.pdf", data=make_scan(degraded=PLAN[6]))
    hints = plan_hints(plan=result.plan)
    first = hints[0]
    assert (first.kind, first.label, first.rule) == ("task", "完善家庭医生签约服务", "ocr_low_confidence")
    assert hint_rule(first.rule) == "扫描件识别置信度低（请对照原件核对）"
    assert first.span and first.confidence <= 0.4
    assert [h.rule for h in hints].count("ocr_low_confidence") == 1
