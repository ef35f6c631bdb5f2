"""Each binary / markup document of the held-out corpus really has the layout feature it was written to
exercise (see NOTES.md, "Layout"). The checks shared with the first corpus (answer schema, quotes occur in
the text) run over both corpora in ``tests/corpus/test_corpus_wellformed.py``."""

from __future__ import annotations

import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
DOCS = CORPUS / "docs"
EXPECTED = CORPUS / "expected"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag + "".join(f" {k}={v}" for k, v in attrs))


def test_docx_auto_numbering_not_in_text() -> None:
    import docx

    path = DOCS / "ningbo_2024_yigai_tasks_autonum.docx"
    d = docx.Document(str(path))
    numbered = [p for p in d.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
    levels = {p._p.pPr.numPr.ilvl.val for p in numbered}
    assert levels == {0, 1}
    assert all(not re.match(r"^\s*[（(]?[0-9一二三四五六七八九十]", p.text) for p in numbered)
    numbering = zipfile.ZipFile(path).read("word/numbering.xml").decode("utf-8")
    assert 'w:val="chineseCounting"' in numbering and 'w:val="%2."' in numbering
    exp = json.loads((EXPECTED / f"{path.name}.json").read_text(encoding="utf-8"))
    task_paras = [p.text for p in numbered if p._p.pPr.numPr.ilvl.val == 1]
    assert len(task_paras) == len(exp["tasks"])


def test_docx_units_merged_vertically() -> None:
    path = DOCS / "foshan_2023_hospital_hq_merged_units.docx"
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    assert xml.count('<w:vMerge w:val="restart"/>') >= 3

    import docx

    table = docx.Document(str(path)).tables[0]
    assert len(table.columns) == 5
    units = [row.cells[3].text for row in table.rows[1:]]
    assert units[0] == units[1] == units[2]


def test_xlsx_title_row_and_remarks_column() -> None:
    import openpyxl

    ws = openpyxl.load_workbook(DOCS / "feixi_county_2024_yigai_tasks.xlsx").active
    assert ws.merged_cells.ranges and str(next(iter(ws.merged_cells.ranges))).startswith("A1:")
    header = [c.value for c in ws[2]]
    assert header[-1] == "备注"


def test_pdf_two_level_outline() -> None:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    with (DOCS / "guangxi_2023_service_system_plan.pdf").open("rb") as f:
        levels = {level for level, *_ in PDFDocument(PDFParser(f)).get_outlines()}
    assert levels == {1, 2}


def test_html_br_and_sidebar() -> None:
    parser = _Tags()
    parser.feed((DOCS / "wuhan_2024_yigai_news.html").read_text(encoding="utf-8"))
    assert parser.tags.count("br") >= 8
    assert "div class=sidebar" in parser.tags


def test_markdown_pipe_table() -> None:
    lines = (DOCS / "neimenggu_2023_yigongti_tasks.md").read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if line.startswith("|")]
    assert rows[1].replace("|", "").replace("-", "") == ""
    assert all(line.count("|") == 6 for line in rows)


def test_txt_ascii_punctuation() -> None:
    text = (DOCS / "jiangxi_2017_yigai_tasks_ascii.txt").read_text(encoding="utf-8")
    assert "(1)" in text and "（" not in text and "，" not in text and "：" not in text


def test_baseline_plan_has_a_baseline_passage_and_a_base_year_column() -> None:
    text = (DOCS / "zhuzhou_14th_health_plan_baselines.txt").read_text(encoding="utf-8")
    passage = text.split("一、发展基础", 1)[1].split("二、主要目标", 1)[0]
    assert re.search(r"2020年，[^。]*达到\d", passage) and "分别为" in passage and "力争到2025年" in passage
    assert "2020年基期值\t2025年目标值" in text and "1:1.15\t1:1.2" in text
    assert "以下责任单位均包括" in text and "见附件）" in text


def test_task_division_table_has_one_units_column() -> None:
    text = (DOCS / "changzhou_2024_task_division.md").read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| 序号"))
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "序号",
        "重点任务",
        "具体措施",
        "责任单位",
        "完成时限",
    ]
    exp = json.loads((EXPECTED / "changzhou_2024_task_division.md.json").read_text(encoding="utf-8"))
    rows = [line for line in text.splitlines() if re.match(r"^\| \d+ \|", line)]
    assert len(rows) == len(exp["tasks"])
