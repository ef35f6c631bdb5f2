"""Entry points of the extractor: a file (or bytes) in, a :class:`~yigai.core.plan.Document` out.

Pipeline: read (``readers``) → rebuild flattened tables → join wrapped lines → metadata →
outline → tasks (leaf items and table rows) with units and deadlines → targets.
"""

from __future__ import annotations

from pathlib import Path

from yigai.core.parse import metadata, ocr_hints, plan_check, webpage
from yigai.core.parse.blocks import RawDocument
from yigai.core.parse.flat_tables import split_flat_tables
from yigai.core.parse.normalise import clean_line, clean_text_lines
from yigai.core.parse.outline import build_outline
from yigai.core.parse.readers import read_bytes, read_path
from yigai.core.parse.tasks import collect
from yigai.core.plan import Document

Item = str | list[list[str]]


def extract_path(path: Path) -> Document:
    """Read and extract one policy document. Raises ``ReadError`` for unreadable input."""
    return extract_raw(read_path(path))


def extract_bytes(name: str, data: bytes) -> Document:
    """Extract from in-memory content; ``name`` (with its extension) selects the reader."""
    return extract_raw(read_bytes(name, data))


def _items(raw: RawDocument) -> list[Item]:
    items: list[Item] = []
    for block in raw.blocks:
        if block.kind == "table":
            rows = [[cell for cell in row] for row in block.rows]
            if rows:
                items.append(rows)
            continue
        buffer: list[str] = []
        for kind, value in split_flat_tables(
            block.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        ):
            if kind == "table" and isinstance(value, list):
                items.extend(clean_text_lines("\n".join(buffer)) if buffer else [])
                buffer = []
                items.append(value)
            elif isinstance(value, str):
                buffer.append(value)
        items.extend(clean_text_lines("\n".join(buffer)) if buffer else [])
    return items


def extract_text(name: str, text: str) -> Document:
    """Extract from plain text (as a .txt file would be read). Handy for tests and fuzzing."""
    from yigai.core.parse.blocks import Block

    return extract_raw(RawDocument(source=name, format="txt", blocks=(Block(kind="text", text=text),)))


def extract_raw(raw: RawDocument) -> Document:
    """Extract a document from the blocks a reader produced."""
    raw, page = webpage.clean_page(raw)
    items = _items(raw)
    lines = [i for i in items if isinstance(i, str) and i]
    cut = metadata.truncation(lines)
    kept, warning = cut.kept, cut.warning
    if cut.kind == "unfinished" and items and not isinstance(items[-1], str):
        warning = None  # the document ends with a table, not a cut sentence
    if (cut.kind == "cut" and kept != lines[: len(kept)]) or len(kept) < len(lines):
        cut_at = items.index(lines[len(kept) - 1]) if kept else 0
        items = items[:cut_at] + ([kept[-1]] if kept else [])
    warnings = list(raw.warnings) + ([warning] if warning else [])
    head = [clean_line(x) for x in kept]
    title = metadata.title(head, raw.title_hint)
    start, end = metadata.period(title)
    if end is None:
        start, end = metadata.period(metadata.cited_plan(head))
    if end is None:
        end = metadata.goal_year(head)
    issuer, issued_on = metadata.issuer_and_date(head[:40])
    issuer = issuer or page.info.get("发文机关")
    issued_on = issued_on or metadata.any_date(page.info.get("成文日期") or page.info.get("发布日期"))
    doc_number = metadata.doc_number(head) or metadata.table_doc_number(page.info.get("文号"))
    outline = build_outline(items)
    tasks, targets = collect(outline, period_end=end, period_start=start)
    not_a_plan = plan_check.not_a_plan(title, doc_number, issuer, head, tasks)
    if not_a_plan:  # an article's last line is no cut sentence: that warning would only confuse
        warnings = [w for w in warnings if w != warning] + [not_a_plan]
        tasks, targets = [], []
    elif not tasks:
        warnings.append("未识别出任务条目（no recognisable tasks）：仅提取了文件信息和目标")
    if raw.ocr_lines:
        tasks, targets = ocr_hints.mark_low_confidence(tasks, targets, raw.ocr_lines)
    return Document(
        source=Path(raw.source).name,
        title=title,
        doc_number=doc_number,
        issuer=issuer,
        issued_on=issued_on,
        period_start=start,
        period_end=end,
        warnings=tuple(warnings),
        tasks=tuple(tasks),
        targets=tuple(targets),
    )
