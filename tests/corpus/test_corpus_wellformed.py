"""The evaluation corpus is well formed: every document has a valid hand-made answer whose quotes and
task-title prefixes really occur in the document's text. Scores of the extractor are NOT asserted here."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent
DOCS = CORPUS / "docs"
EXPECTED = CORPUS / "expected"
COMPARATORS = {">=", "<=", "=", ">", "<", "increase_by", "decrease_by", "range"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WS = re.compile(r"\s+")

DOC_FILES = sorted(p for p in DOCS.iterdir() if p.is_file())
EXPECTED_FILES = sorted(EXPECTED.glob("*.json"))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def document_text(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".txt":
        data = path.read_bytes()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("gbk")
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
    assert 8 <= len(DOC_FILES) <= 12
    docs = {p.name for p in DOC_FILES}
    answers = {p.name.removesuffix(".json") for p in EXPECTED_FILES}
    assert docs == answers, (
        f"documents without answers: {docs - answers}; answers without documents: {answers - docs}"
    )


def test_formats_covered() -> None:
    suffixes = {p.suffix for p in DOC_FILES}
    assert {".txt", ".docx", ".xlsx", ".pdf", ".html"} <= suffixes
    gbk = [p for p in DOC_FILES if p.suffix == ".txt" and _is_not_utf8(p)]
    assert gbk, "the corpus must hold at least one GBK-encoded text"


def _is_not_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


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
    for g in exp["targets"]:
        where = f"{answer.name} target {g.get('indicator')}"
        required = {"indicator", "comparator", "value", "value_max", "unit", "year", "quote_contains"}
        assert required <= set(g) <= required | {"per", "recurring", "condition"}, where
        assert g["comparator"] in COMPARATORS, where
        assert isinstance(g["value"], int | float) and not isinstance(g["value"], bool), where
        assert g["value_max"] is None or isinstance(g["value_max"], int | float), where
        if g["value_max"] is not None:
            assert g["value_max"] > g["value"], where
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
        for unit in (t.get("as_written") or {"lead_units": t["lead_units"], "co_units": t["co_units"]})[
            "lead_units"
        ]:
            if squeeze(unit) not in text:
                missing.append(unit)
    assert not missing, f"not found in {exp['source']}: {missing}"
