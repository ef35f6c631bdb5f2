"""OCR confidence reaches the review hints (issue 16): the tasks and targets read from lines Tesseract
was unsure of get the ``ocr_low_confidence`` hint, the others keep the hint of the rule that found them.

The scan is made at test time from ``made_documents.PLAN``; one paragraph (task （二）) is worn after its
first line — blurred and specked — so that those lines are read with low confidence.
"""

from __future__ import annotations

from made_documents import PLAN, make_scan, need

from yigai.apps.plans.templatetags.plans_tags import HINT_RULES
from yigai.core.parse.extract import extract_bytes
from yigai.core.parse.ocr_hints import CAP, LOW_CONFIDENCE, RULE, mark_low_confidence
from yigai.core.parse.readers import ocr, read_bytes
from yigai.core.plan import Hint, Target, Task

WORN = PLAN[6]  # "（二）完善家庭医生签约服务。…重点人群签约服务覆盖率不低于75%。（…按职责分工负责）"


def _need_ocr() -> None:
    need("tesseract", "OCR of scanned PDFs")
    if not ocr.ocr_available():
        need("tesseract-chi-sim-model", "the Chinese model tesseract-ocr-chi-sim")


def test_tasks_from_worn_lines_get_the_hint_and_no_other_item_does() -> None:
    _need_ocr()
    data = make_scan(degraded=WORN)
    raw = read_bytes("盖章版.pdf", data)
    low = [text for text, conf in raw.ocr_lines if conf < LOW_CONFIDENCE]
    assert low, "the worn lines are read with low confidence (the test's premise)"
    doc = extract_bytes("盖章版.pdf", data)
    hinted = [t for t in doc.tasks if t.hint and t.hint.rule == RULE]
    assert [t.title for t in hinted] == ["完善家庭医生签约服务"]
    hint = hinted[0].hint
    assert hint is not None and hint.confidence <= CAP
    assert all("".join(line.split()) in hint.span for line in low)  # the lines to check, as read
    others = [t for t in doc.tasks if t is not hinted[0]]
    assert len(others) == 3 and all(t.hint and t.hint.rule != RULE for t in others)
    # The targets of the other paragraphs (90 %, 65 %, 30 个, 1 名) keep their own rule.
    clean = [g for g in doc.targets if g.task_id != hinted[0].id]
    assert len(clean) == 4 and all(g.hint and g.hint.rule != RULE for g in clean)


def test_a_clean_scan_gets_no_ocr_hint() -> None:
    _need_ocr()
    doc = extract_bytes("盖章版.pdf", make_scan())
    assert doc.tasks and not any(x.hint and x.hint.rule == RULE for x in (*doc.tasks, *doc.targets))


def test_a_target_quote_on_a_low_line_is_hinted_across_a_line_break() -> None:
    lines = (
        ("（一）推进签约服务。扩大覆盖面，重点人群签约", 92.0),
        ("服务覆盖率不低于75%。", 35.0),
        ("（二）加强培训。每年培训500人次。", 90.0),
    )
    tasks = (
        Task("T1", "一", (), "推进签约服务", "推进签约服务。扩大覆盖面，重点人群签约服务覆盖率不低于75%。"),
        Task("T2", "二", (), "加强培训", "加强培训。每年培训500人次。"),
    )
    old = Hint("comparator_cue", "重点人群签约服务覆盖率不低于75%", 0.9)
    targets = (
        Target(
            "G1", "T1", "重点人群签约服务覆盖率", ">=", 75, "%", "重点人群签约服务覆盖率不低于75%", hint=old
        ),
        Target("G2", "T2", "培训", ">=", 500, "人次", "每年培训500人次", hint=Hint("count_verb", "", 0.85)),
    )
    marked_tasks, marked = mark_low_confidence(tasks, targets, lines)
    assert marked[0].hint == Hint(RULE, "服务覆盖率不低于75%。", 0.35)  # below the cap: the line's own 35
    assert marked[1].hint == targets[1].hint
    assert marked_tasks[0].hint is not None and marked_tasks[0].hint.rule == RULE
    assert marked_tasks[1].hint is None


def test_the_rule_has_a_label_on_the_review_page() -> None:
    assert RULE in HINT_RULES
