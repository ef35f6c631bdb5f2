"""Both evaluation corpora are well formed: every document has a valid hand-made answer whose quotes,
task-title prefixes and as-written unit names really occur in the document's text. One set of checks runs
over ``tests/corpus`` (used while writing the rules) and ``tests/corpus_holdout`` (held out), so the two
cannot drift apart; what differs between them (size, formats, encodings, places) is data in ``CORPORA``.
The held-out documents' layout features are checked in ``tests/corpus_holdout/test_holdout_layouts.py``.
Scores of the extractor are NOT asserted here (``bench/accuracy.py``, ``test_accuracy_floor.py``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parents[1]
COMPARATORS = {">=", "<=", "=", ">", "<", "increase_by", "decrease_by", "range"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WS = re.compile(r"\s+")
# provinces/cities of the first corpus and Hebei: the held-out corpus must not reuse them
HOLDOUT_PLACES = ("宁波", "佛山", "肥西", "武汉", "广西", "内蒙古", "江西", "兵团", "渝北", "株洲", "常州")
USED_PLACES = ("河北", "陕西", "南京", "济宁", "赣州", "杭州", "甘肃", "曲靖", "福州", "四川", "国务院办公厅")


@dataclass(frozen=True)
class Corpus:
    name: str
    root: Path
    size: range  # how many documents it may hold
    formats: frozenset[str]  # file suffixes it must cover
    encodings: tuple[str, ...]  # accepted encodings of .txt/.md, tried in order
    needs_gbk: bool = False  # must hold a text that is not UTF-8
    # places no title may name
    banned_places: tuple[str, ...] = ()
    # a value_max only on a "range" target; the first corpus has GUIDELINES.md's "每年提高1-3个百分点"
    # (increase_by 1, value_max 3), which the held-out corpus does not contain
    value_max_only_with_range: bool = False

    @property
    def docs(self) -> list[Path]:
        return sorted(p for p in (self.root / "docs").iterdir() if p.is_file())

    @property
    def answers(self) -> list[Path]:
        return sorted((self.root / "expected").glob("*.json"))


CORPORA = (
    Corpus(
        name="corpus",
        root=TESTS / "corpus",
        size=range(8, 13),
        formats=frozenset({".txt", ".docx", ".xlsx", ".pdf", ".html"}),
        encodings=("utf-8", "gbk"),
        needs_gbk=True,
    ),
    Corpus(
        name="holdout",
        root=TESTS / "corpus_holdout",
        size=range(8, 16),  # grown with new layouts (issue 15: baseline passages, city 任务分工 tables)
        formats=frozenset({".txt", ".docx", ".xlsx", ".pdf", ".html", ".md"}),
        encodings=("utf-8",),
        banned_places=USED_PLACES,
        value_max_only_with_range=True,
    ),
    Corpus(
        name="genre",
        root=TESTS / "corpus_genre",
        size=range(5, 13),  # session 4: new places and layouts of the genre, annotated before any run
        formats=frozenset({".txt", ".docx", ".pdf", ".html"}),
        encodings=("utf-8",),
        banned_places=(*USED_PLACES, *HOLDOUT_PLACES),
    ),
)


def _per_file(files: str) -> list[object]:
    return [
        pytest.param(corpus, path, id=f"{corpus.name}-{path.name}")
        for corpus in CORPORA
        for path in getattr(corpus, files)
    ]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _decode(data: bytes, encodings: tuple[str, ...], name: str) -> str:
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"{name} is not in {' / '.join(encodings)}")


def document_text(path: Path, encodings: tuple[str, ...]) -> str:
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        return _decode(path.read_bytes(), encodings, path.name)
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


def _is_not_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda c: c.name)
def test_corpus_size_and_pairing(corpus: Corpus) -> None:
    assert len(corpus.docs) in corpus.size
    docs = {p.name for p in corpus.docs}
    answers = {p.name.removesuffix(".json") for p in corpus.answers}
    assert docs == answers, (
        f"documents without answers: {docs - answers}; answers without documents: {answers - docs}"
    )


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda c: c.name)
def test_formats_covered(corpus: Corpus) -> None:
    assert corpus.formats <= {p.suffix for p in corpus.docs}
    if corpus.needs_gbk:
        gbk = [p for p in corpus.docs if p.suffix == ".txt" and _is_not_utf8(p)]
        assert gbk, f"{corpus.name} must hold at least one GBK-encoded text"


@pytest.mark.parametrize(("corpus", "doc"), [p for p in _per_file("docs") if p.values[0].banned_places])
def test_not_a_place_of_the_first_corpus(corpus: Corpus, doc: Path) -> None:
    answer = corpus.root / "expected" / f"{doc.name}.json"
    title = json.loads(answer.read_text(encoding="utf-8"))["title"]
    assert not any(place in title for place in corpus.banned_places), title


def _check_units(units: object, where: str) -> None:
    assert isinstance(units, list), where
    assert all(isinstance(u, str) and u.strip() for u in units), where


def _check_task(t: dict[str, Any], where: str) -> None:
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


def _check_target(g: dict[str, Any], where: str, corpus: Corpus) -> None:
    required = {"indicator", "comparator", "value", "value_max", "unit", "year", "quote_contains"}
    assert required <= set(g) <= required | {"per", "recurring", "condition"}, where
    assert g["comparator"] in COMPARATORS, where
    value, value_max, unit, year = g["value"], g["value_max"], g["unit"], g["year"]
    assert isinstance(value, int | float) and not isinstance(value, bool), where
    assert value_max is None or isinstance(value_max, int | float), where
    if value_max is not None:
        assert value_max > value, where
    if g["comparator"] == "range":
        assert value_max is not None, where
    if corpus.value_max_only_with_range:
        assert (g["comparator"] == "range") == (value_max is not None), where
    assert unit is None or (isinstance(unit, str) and unit == unit.strip()), where
    assert year is None or (isinstance(year, int) and 2000 <= year <= 2050), where
    assert isinstance(g["quote_contains"], str) and g["quote_contains"], where
    if unit in ("%", "百分点"):
        assert 0 <= value <= 100, where


@pytest.mark.parametrize(("corpus", "answer"), _per_file("answers"))
def test_answer_schema(corpus: Corpus, answer: Path) -> None:
    exp = json.loads(answer.read_text(encoding="utf-8"))
    assert set(exp) == {"source", "title", "doc_number", "period_end", "tasks", "targets"}
    assert exp["source"] == answer.name.removesuffix(".json")
    assert isinstance(exp["title"], str) and exp["title"]
    assert exp["doc_number"] is None or isinstance(exp["doc_number"], str)
    assert exp["period_end"] is None or isinstance(exp["period_end"], int)
    assert exp["tasks"] and isinstance(exp["tasks"], list)
    for t in exp["tasks"]:
        _check_task(t, f"{corpus.name}/{answer.name} task {t.get('number')} {t.get('title_prefix')}")
    for g in exp["targets"]:
        _check_target(g, f"{corpus.name}/{answer.name} target {g.get('indicator')}", corpus)


@pytest.mark.parametrize(("corpus", "answer"), _per_file("answers"))
def test_spans_occur_in_document(corpus: Corpus, answer: Path) -> None:
    exp = json.loads(answer.read_text(encoding="utf-8"))
    text = squeeze(document_text(corpus.root / "docs" / exp["source"], corpus.encodings))
    assert squeeze(exp["title"]) in text
    if exp["doc_number"]:
        assert squeeze(exp["doc_number"]) in text
    missing = [t["title_prefix"] for t in exp["tasks"] if squeeze(t["title_prefix"]) not in text]
    missing += [g["quote_contains"] for g in exp["targets"] if squeeze(g["quote_contains"]) not in text]
    for t in exp["tasks"]:
        written = t.get("as_written") or {"lead_units": t["lead_units"], "co_units": t["co_units"]}
        missing += [u for u in written["lead_units"] + written["co_units"] if squeeze(u) not in text]
    assert not missing, f"not found in {corpus.name}/{exp['source']}: {missing}"
