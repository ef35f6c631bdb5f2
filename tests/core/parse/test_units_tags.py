"""Unit tags: trailing 责任单位 tags, lead/co conventions, locality groups and table cells."""

from __future__ import annotations

import pytest

from yigai.core.parse.unit_tags import from_cells, parse_unit_text, split_unit_list, take_trailing_tag

# text, lead, co
TAGS = [
    ("实施营养干预。（责任单位：省卫生健康委、省财政厅）", ("省卫生健康委",), ("省财政厅",)),
    ("实施营养干预。(责任单位:市卫生健康委）", ("市卫生健康委",), ()),
    (
        "实施营养干预。（责任单位：省卫生健康委、省发展改革委；排第一位的为牵头单位，其他为协助配合单位，下同）",
        ("省卫生健康委",),
        ("省发展改革委",),
    ),
    ("实施营养干预。（责任单位：省体育局，各市、雄安新区）", ("省体育局",), ("各市", "雄安新区")),
    (
        "实施营养干预。（省卫生健康委牵头，省财政厅、省医保局配合）",
        ("省卫生健康委",),
        ("省财政厅", "省医疗保障局"),
    ),
    ("实施营养干预。（牵头单位：省卫生健康委；配合单位：省财政厅）", ("省卫生健康委",), ("省财政厅",)),
    ("实施营养干预。（省卫生健康委、省医保局等按职责分工负责）", ("省卫生健康委",), ("省医疗保障局",)),
    (
        "实施营养干预。（责任单位：省卫生健康委，省爱卫会其他成员单位参与）",
        ("省卫生健康委",),
        ("省爱卫会其他成员单位",),
    ),
    (
        "实施营养干预。（责任单位：各县（市、区）政府、市卫生健康委）",
        ("各县（市、区）人民政府",),
        ("市卫生健康委",),
    ),
]


@pytest.mark.parametrize(("text", "lead", "co"), TAGS)
def test_trailing_tag(text: str, lead: tuple, co: tuple) -> None:
    rest, units = take_trailing_tag(text)
    assert rest == "实施营养干预。"
    assert units is not None
    assert (units.lead, units.co) == (lead, co)


def test_convention_clause_is_not_a_unit() -> None:
    _, units = take_trailing_tag(TAGS[2][0])
    assert units is not None
    assert not any("下同" in u or "牵头" in u for u in units.lead + units.co)
    assert "下同" in units.as_written  # the text is kept as written


def test_as_written_keeps_aliases() -> None:
    _, units = take_trailing_tag("实施。（省卫生健康委牵头，省财政厅、省医保局配合）")
    assert units is not None and "省医保局" in units.as_written


def test_non_unit_parenthetical() -> None:
    text = "二级以上综合医院（含中医类医院）"
    assert take_trailing_tag(text) == (text, None)
    assert parse_unit_text("含中医类医院") is None


def test_no_tag() -> None:
    assert take_trailing_tag("加强基层医疗卫生服务能力建设。") == ("加强基层医疗卫生服务能力建设。", None)


def test_parse_unit_text_label_and_alias() -> None:
    a = parse_unit_text("责任单位:市卫生健康委、市发改委")
    assert a is not None and (a.lead, a.co) == (("市卫生健康委",), ("市发展改革委",))


def test_split_keeps_bracketed_names() -> None:
    assert split_unit_list("各县（市、区）政府、市卫生健康委") == ["各县（市、区）政府", "市卫生健康委"]


def test_cells_names_broken_across_lines() -> None:
    a = from_cells(units="市卫生健\n康委、市财\n政局")
    assert (a.lead, a.co) == (("市卫生健康委",), ("市财政局",))


def test_cells_one_name_per_line() -> None:
    a = from_cells(units="市卫生健康委\n市财政局")
    assert (a.lead, a.co) == (("市卫生健康委",), ("市财政局",))


def test_cells_separate_lead_and_co() -> None:
    a = from_cells(lead="市卫生健康委", co="市财政局、市医保局")
    assert (a.lead, a.co) == (("市卫生健康委",), ("市财政局", "市医疗保障局"))
