"""Deadlines, outline levels and document metadata."""

from __future__ import annotations

import pytest

from yigai.core.parse import metadata
from yigai.core.parse.dates import find_dates, five_year_end, parse_deadline_cell, recurrence
from yigai.core.parse.outline import build_outline, classify, walk


@pytest.mark.parametrize(
    ("cell", "iso"),
    [
        ("2022年3月", "2022-03-31"),
        ("2022年2月", "2022-02-28"),
        ("2024年2月", "2024-02-29"),
        ("2021年底前", "2021-12-31"),
        ("到2025年底", "2025-12-31"),
        ("2022年10月底前", "2022-10-31"),
        ("“十四五”期间", "2025-12-31"),
        ("2023年上半年", "2023-06-30"),
        ("2023年下半年", "2023-12-31"),
        ("2022年6月底前、2023年12月底前", "2023-12-31"),
        ("长期坚持", None),
        ("持续推进", None),
        ("", None),
    ],
)
def test_deadline_cell(cell: str, iso: str | None) -> None:
    assert parse_deadline_cell(cell) == iso


def test_dates_in_text_in_order() -> None:
    found = find_dates("县级急救站于2022年10月底前全部完成，2025年底前建立")
    assert [(m.date, m.kind) for m in found] == [("2022-10-31", "deadline"), ("2025-12-31", "deadline")]


@pytest.mark.parametrize(
    "text",
    ["对2012年以前建设的121个村卫生室进行改扩建", "较2020年提高5个百分点"],
)
def test_history_years(text: str) -> None:
    assert [m.kind for m in find_dates(text)] == ["history"]


def test_years_in_book_titles_are_not_deadlines() -> None:
    assert all(m.kind != "deadline" for m in find_dates("依据《健康河北2030规划纲要》"))


def test_start_and_fiveyear_kinds() -> None:
    assert [m.kind for m in find_dates("2023年起实施")] == ["start"]
    assert [(m.date, m.kind) for m in find_dates("“十四五”期间，建设不少于4个")] == [
        ("2025-12-31", "fiveyear")
    ]


def test_recurrence_and_five_year_end() -> None:
    assert recurrence("每年至少培训50人") == "yearly"
    assert recurrence("到2025年培训50人") is None
    assert five_year_end("十四五") == 2025
    assert five_year_end("“十五五”规划") == 2030


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("一、总体要求", (1, "一", "总体要求")),
        ("（一）推动发展", (2, "一", "推动发展")),
        ("1．第一项", (3, "1", "第一项")),
        ("1.第一项", (3, "1", "第一项")),
        ("（1）子项", (4, "1", "子项")),
        ("2025年底前完成", None),
    ],
)
def test_classify(line: str, expected) -> None:
    assert classify(line) == expected


def test_outline_levels_and_restart_per_group() -> None:
    root = build_outline(
        [
            "一、总体要求",
            "（一）指导思想。坚持人民至上。",
            "二、重点任务",
            "（一）推动发展。协调推进。",
            "1．第一项。（责任单位:市卫生健康委）",
            "（1）子项一。",
            "（2）子项二。",
            "2．第二项。",
            "（二）第二组。",
            "1．另一项。",
        ]
    )
    got = [(n.level, n.number, n.heading) for n in walk(root.children)]
    assert got == [
        (1, "一", "总体要求"),
        (2, "一", "指导思想"),
        (1, "二", "重点任务"),
        (2, "一", "推动发展"),
        (3, "1", "第一项"),
        (4, "1", "子项一"),
        (4, "2", "子项二"),
        (3, "2", "第二项"),
        (2, "二", "第二组"),
        (3, "1", "另一项"),
    ]
    second_group = root.children[1].children[1]
    assert [c.heading for c in second_group.children] == ["另一项"]


def test_annex_starts_new_tree_and_box_items_stay_text() -> None:
    root = build_outline(
        [
            "一、重点任务",
            "（一）推动发展。",
            "1．另一项。",
            "专栏1 重点工程",
            "1．专栏项。",
            "2．专栏项二。",
            "附件1",
            "任务分工表",
            "一、附件第一部分",
        ]
    )
    assert [c.level for c in root.children] == [1, 0]
    annex = root.children[1]
    assert annex.is_annex and annex.heading == "任务分工表"
    assert [(c.level, c.number) for c in annex.children] == [(1, "一")]
    boxes = [n for n in walk(root.children) if n.number == "专栏1"]
    assert len(boxes) == 1
    assert boxes[0].children == []
    assert boxes[0].body == ["1．专栏项。", "2．专栏项二。"]
    assert not any(n.heading == "专栏项" for n in walk(root.children))


def test_doc_number_from_own_line_only() -> None:
    assert metadata.doc_number(["冀政办字〔2021〕82 号", "各市人民政府："]) == "冀政办字〔2021〕82号"
    cited = ["关于印发某方案的通知", "各市人民政府：", "根据冀政办字〔2021〕82号文件要求，现印发。"]
    assert metadata.doc_number(cited) is None


def test_title_from_multiline_block() -> None:
    lines = ["河北省人民政府办公厅", "关于印发河北省健康", "行动实施方案的通知", "各市人民政府："]
    assert metadata.title(lines) == "关于印发河北省健康行动实施方案的通知"


@pytest.mark.parametrize(
    ("title", "period"),
    [
        ("健康河北建设行动方案（2023—2027年）", (2023, 2027)),
        ("健康河北建设行动方案（2023-2027年）", (2023, 2027)),
        ("河北省深化医药卫生体制改革2021年重点工作任务", (2021, 2021)),
        ("卫生健康事业发展“十四五”规划", (2021, 2025)),
        ("关于印发某方案的通知", (None, None)),
        (None, (None, None)),
    ],
)
def test_period(title: str | None, period) -> None:
    assert metadata.period(title) == period


def test_truncation_warning() -> None:
    cut = metadata.truncation(["一、总体", "内容", "预览已结束，剩余10页可下载查看", "下载"])
    assert cut.kept == ["一、总体", "内容"]
    assert cut.kind == "cut" and cut.warning is not None and "truncated" in cut.warning
    assert metadata.truncation(["一、总体", "内容"]) == metadata.Truncation(["一、总体", "内容"], None, None)


def test_truncation_is_typed_not_read_from_the_warning_text() -> None:
    """The caller decides on the kind ("cut" at a reader-site marker, "unfinished" last sentence), never by
    matching words of the message, so rewording the message cannot change what is kept."""
    unfinished = metadata.truncation(
        ["一、总体", "各地要加快推进紧密型县域医共体建设并且在年底之前完成所有的"]
    )
    assert unfinished.kind == "unfinished" and unfinished.kept[-1].endswith("所有的")


def test_goal_year_and_signature() -> None:
    assert metadata.goal_year(["二、工作目标", "到2025年，全面建成。"]) == 2025
    assert metadata.issuer_and_date(["正文。", "河北省人民政府办公厅", "2021年7月5日"]) == (
        "河北省人民政府办公厅",
        "2021-07-05",
    )
