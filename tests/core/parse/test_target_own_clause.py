"""Issue 12: a target's indicator name comes from its own clause, never from a neighbouring one.

The 鄂尔多斯 wording: "…医护比不低于1:1.2，50%以上旗区级综合医院达到三级医院服务能力" gave the third target the
name of the second ("医护比 ≥ 50%")."""

from __future__ import annotations

from yigai.core.parse.extract import extract_bytes

TEXT = """鄂尔多斯市人民政府办公室关于印发鄂尔多斯市推动公立医院高质量发展实施方案的通知
鄂府办发〔2023〕7号
一、工作目标
到2025年，公立医院床人比不低于1:1.6，医护比不低于1:1.2，50%以上旗区级综合医院达到三级医院服务能力。
二、重点任务
（一）加强人才队伍建设。优化医护人员配置。（市卫生健康委牵头，各旗区人民政府负责）
"""


def _targets():
    return extract_bytes("ordos.txt", TEXT.encode("utf-8")).targets


def test_each_target_named_from_its_own_clause() -> None:
    targets = _targets()
    named = {g.indicator: g for g in targets}
    assert named["公立医院床人比"].value == 1.6 and named["医护比"].value == 1.2
    assert len({g.indicator for g in targets}) == len(targets) == 3
    share = next(g for g in targets if g.value == 50)
    assert "医护比" not in share.indicator and "综合医院" in share.indicator
    assert share.comparator == ">=" and share.unit == "%"
