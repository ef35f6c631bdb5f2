"""The held-out corpus is well formed: every document has a valid hand-made answer whose quotes,
task-title prefixes and as-written unit names really occur in the document's text, and each document
really has the layout feature it was written to exercise. Scores of the extractor are NOT asserted here
(run ``bench/accuracy.py --corpus tests/corpus_holdout`` for figures)."""

from __future__ import annotations

import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent
DOCS = CORPUS / "docs"
EXPECTED = CORPUS / "expected"
COMPARATORS = {">=", "<=", "=", ">", "<", "increase_by", "decrease_by", "range"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WS = re.compile(r"\s+")
# provinces/cities of the first corpus (tests/corpus) and Hebei: the held-out corpus must not reuse them
USED_PLACES = ("河北", "陕西", "南京", "济宁", "赣州", "杭州", "甘肃", "曲靖", "福州", "四川", "国务院办公厅")

DOC_FILES = sorted(p for p in DOCS.iterdir() if p.is_file())
EXPECTED_FILES = sorted(EXPECTED.glob("*.json"))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag + "".join(f" {k}={v}" for k, v in attrs))

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def document_text(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        return path.read_text(encoding="utf-8")
    if suffix in (".html", ".htm"):
        parser = _Text()
        parser.feed(path.read_text(encoding="utf-8"))
        return "\n".join(parser.parts)
    if suffix == ".docx":
        import docx

        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs]
        for table in d.tables:
            for row in table.rows:
                parts.extend(cell.text for cell in row.cells)
        return "\n".join(parts)
    if suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        return "\n".join(
            str(v)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    if suffix == ".pdf":
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    raise AssertionError(f"no reader for {path.name}")


def squeeze(text: str) -> str:
    return WS.sub("", text)


def test_corpus_size_and_pairing() -> None:
    assert 8 <= len(DOC_FILES) <= 10
    docs = {p.name for p in DOC_FILES}
    answers = {p.name.removesuffix(".json") for p in EXPECTED_FILES}
    assert docs == answers, (
        f"documents without answers: {docs - answers}; answers without documents: {answers - docs}"
    )


def test_formats_covered() -> None:
    suffixes = {p.suffix for p in DOC_FILES}
    assert {".txt", ".docx", ".xlsx", ".pdf", ".html", ".md"} <= suffixes


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: p.name)
def test_not_a_place_of_the_first_corpus(doc: Path) -> None:
    title = json.loads((EXPECTED / f"{doc.name}.json").read_text(encoding="utf-8"))["title"]
    assert not any(place in title for place in USED_PLACES), title


def _check_units(units: object, where: str) -> None:
    assert isinstance(units, list), where
    assert all(isinstance(u, str) and u.strip() for u in units), where


@pytest.mark.parametrize("answer", EXPECTED_FILES, ids=lambda p: p.name)
def test_answer_schema(answer: Path) -> None:
    exp = json.loads(answer.read_text(encoding="utf-8"))
    assert set(exp) == {"source", "title", "doc_number", "period_end", "tasks", "targets"}
    assert exp["source"] == answer.name.removesuffix(".json")
    assert isinstance(exp["title"], str) and exp["title"]
    assert exp["doc_number"] is None or isinstance(exp["doc_number"], str)
    assert exp["period_end"] is None or isinstance(exp["period_end"], int)
    assert exp["tasks"] and isinstance(exp["tasks"], list)
    for t in exp["tasks"]:
        where = f"{answer.name} task {t.get('number')} {t.get('title_prefix')}"
        assert set(t) <= {"number", "title_prefix", "lead_units", "co_units", "deadline", "as_written"}, where
        assert {"number", "title_prefix", "lead_units", "co_units", "deadline"} <= set(t), where
        assert t["number"] is None or isinstance(t["number"], str), where
        assert isinstance(t["title_prefix"], str) and len(t["title_prefix"]) >= 6, where
        _check_units(t["lead_units"], where)
        _check_units(t["co_units"], where)
        assert t["deadline"] is None or ISO_DATE.match(t["deadline"]), where
        if "as_written" in t:
            aw = t["as_written"]
            assert set(aw) == {"lead_units", "co_units"}, where
            _check_units(aw["lead_units"], where)
            _check_units(aw["co_units"], where)
            assert len(aw["lead_units"]) == len(t["lead_units"]), where
            assert len(aw["co_units"]) == len(t["co_units"]), where
            assert aw != {"lead_units": t["lead_units"], "co_units": t["co_units"]}, (
                f"{where}: as_written only when a unit is written differently"
            )
    for g in exp["targets"]:
        where = f"{answer.name} target {g.get('indicator')}"
        required = {"indicator", "comparator", "value", "value_max", "unit", "year", "quote_contains"}
        assert required <= set(g) <= required | {"per", "recurring", "condition"}, where
        assert g["comparator"] in COMPARATORS, where
        assert isinstance(g["value"], int | float) and not isinstance(g["value"], bool), where
        assert g["value_max"] is None or isinstance(g["value_max"], int | float), where
        if g["value_max"] is not None:
            assert g["value_max"] > g["value"], where
        assert (g["comparator"] == "range") == (g["value_max"] is not None), where
        assert g["unit"] is None or (isinstance(g["unit"], str) and g["unit"] == g["unit"].strip()), where
        assert g["year"] is None or (isinstance(g["year"], int) and 2000 <= g["year"] <= 2050), where
        assert isinstance(g["quote_contains"], str) and g["quote_contains"], where
        if g["unit"] == "%" or g["unit"] == "百分点":
            assert 0 <= g["value"] <= 100, where


@pytest.mark.parametrize("answer", EXPECTED_FILES, ids=lambda p: p.name)
def test_spans_occur_in_document(answer: Path) -> None:
    exp = json.loads(answer.read_text(encoding="utf-8"))
    text = squeeze(document_text(DOCS / exp["source"]))
    assert squeeze(exp["title"]) in text
    if exp["doc_number"]:
        assert squeeze(exp["doc_number"]) in text
    missing = [t["title_prefix"] for t in exp["tasks"] if squeeze(t["title_prefix"]) not in text]
    missing += [g["quote_contains"] for g in exp["targets"] if squeeze(g["quote_contains"]) not in text]
    for t in exp["tasks"]:
        written = t.get("as_written") or {"lead_units": t["lead_units"], "co_units": t["co_units"]}
        missing += [u for u in written["lead_units"] + written["co_units"] if squeeze(u) not in text]
    assert not missing, f"not found in {exp['source']}: {missing}"


# ---- the layout feature each binary / markup document was written to exercise ---------------------
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
    parser = _Text()
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
