"""Property tests: the extractor never raises, and every target quote is a span of the input."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yigai.core.parse.extract import extract_text

_WS = re.compile(r"\s+")

MARKERS = [
    "一、", "二、", "（一）", "（二）", "1．", "2.", "（1）", "附件1", "专栏1", "到2025年", "2021年底前",
    "“十四五”期间", "达到", "不低于", "不少于", "以上", "以下", "以内", "控制在", "低于", "超过", "提高",
    "每年提升", "个百分点", "分别", "至少建设", "每千人口", "%", "‰", "/10万", "1:1.25", "百分之九十",
    "万", "名", "张", "家", "个", "（责任单位：", "省卫生健康委", "、", "，", "。", "；", "）", "(", ")",
    "牵头", "配合", "各县（市、区）", "和", "至", "-", "—", "\t", "\n", "\n\n", " ",
    "0", "1", "2", "3", "5", "7", "9", ".", "冀政办字〔2021〕82号", "预览已结束",
]  # fmt: skip

policy_text = st.lists(st.sampled_from(MARKERS), max_size=80).map("".join)

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(text: str) -> None:
    doc = extract_text("fuzz.txt", text)
    squeezed = _WS.sub("", text)
    for target in doc.targets:
        assert _WS.sub("", target.quote) in squeezed, target.quote
    task_ids = {t.id for t in doc.tasks}
    for target in doc.targets:
        assert target.task_id is None or target.task_id in task_ids


@FAST
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    _check(text)


@FAST
@given(policy_text)
def test_policy_like_text(text: str) -> None:
    _check(text)


@FAST
@given(st.lists(policy_text, min_size=1, max_size=8))
def test_policy_like_lines(lines: list[str]) -> None:
    _check("\n".join(lines))
