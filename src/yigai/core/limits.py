"""Limits on heavy input (issue 13, findings 3 and 4): what an uploaded workbook, Word file or PDF may
cost before anything parses it in full.

A small file can be expensive: a 459 KB .xlsx held 200,000 rows × 14 cells (52 s, 1.16 GB in a web
worker), a 1.1 MB .docx expanded to 100 MB of XML (under the 100× ratio check, 1.28 GB), an 8 MB PDF
declared 50,000 pages. So, before a parser sees the bytes:

- an archive (.xlsx, .docx) may expand to at most ``max_unzipped_bytes`` in all, and no entry larger than
  1 MB may expand more than ``max_entry_ratio`` times its compressed size, nor hold more than
  ``max_entries`` entries;
- a PDF may declare at most ``max_pdf_pages`` pages;
- a worksheet is read row by row (openpyxl read-only) through :func:`bounded_rows`, which stops at
  ``max_rows`` rows or ``max_cells`` cells (rows × columns) instead of reading on.

Every refusal is an :class:`~yigai.core.uploads.UploadRejected` (code ``limit``) whose Chinese message
names the file, what was found and the limit. Framework-free: the web settings build one :class:`Limits`
from environment variables (``settings.INPUT_LIMITS``).

>>> limits = Limits(max_rows=2)
>>> list(bounded_rows("a.xlsx", "表1", [(1,), (2,)], limits))
[(1,), (2,)]
>>> list(bounded_rows("a.xlsx", "表1", [(1,), (2,), (3,)], limits))
Traceback (most recent call last):
...
yigai.core.uploads.UploadRejected: a.xlsx：工作表“表1”超过 2 行的上限，请拆分后分批导入
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from yigai.core.uploads import UploadRejected

MB = 1024 * 1024
Row = TypeVar("Row", bound=Sequence[Any])  # a worksheet's tuples, a CSV reader's lists
_RATIO_FLOOR = MB  # small entries may compress as well as they like: the total cap bounds them


@dataclass(frozen=True)
class Limits:
    max_unzipped_bytes: int = 64 * MB
    max_entry_ratio: int = 100
    max_entries: int = 5000
    max_rows: int = 50_000
    max_cells: int = 500_000
    max_pdf_pages: int = 1000


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB"


def check_archive(name: str, data: bytes, limits: Limits) -> None:
    """Refuse a zip (.xlsx, .docx) that expands beyond the limits, judging by its directory only."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise UploadRejected(name, "archive", "压缩结构已损坏，无法打开") from exc
    if len(infos) > limits.max_entries:
        raise UploadRejected(
            name, "limit", f"压缩包内有 {len(infos)} 个部件，超过 {limits.max_entries} 个的上限"
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_bytes:
        raise UploadRejected(
            name,
            "limit",
            f"解压后共 {_mb(total)}，超过 {_mb(limits.max_unzipped_bytes)} 的上限（疑似压缩炸弹）",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > limits.max_entry_ratio:
            raise UploadRejected(
                name,
                "limit",
                f"部件 {info.filename} 的压缩比为 {ratio:.0f} 倍，超过 {limits.max_entry_ratio} 倍的上限"
                "（疑似压缩炸弹）",
            )


_COUNT = re.compile(rb"/Type\s*/Pages\b.{0,400}?/Count\s+(\d+)", re.DOTALL)


def pdf_page_count(data: bytes) -> int:
    """The pages a PDF declares: pdfium's count of the page tree, or, when pdfium cannot open the file,
    the largest ``/Count`` of an uncompressed ``/Pages`` node (0 when none is found)."""
    try:
        import pypdfium2

        document = pypdfium2.PdfDocument(data)
    except Exception:  # a damaged or encrypted file: the reader reports it; count what is visible
        return max((int(m) for m in _COUNT.findall(data)), default=0)
    try:
        return len(document)
    finally:
        document.close()


def check_pdf(name: str, data: bytes, limits: Limits) -> None:
    pages = pdf_page_count(data)
    if pages > limits.max_pdf_pages:
        raise UploadRejected(
            name, "limit", f"PDF 共 {pages} 页，超过 {limits.max_pdf_pages} 页的上限，请拆分后再导入"
        )


def bounded_rows(name: str, sheet: str, rows: Iterable[Row], limits: Limits) -> Iterator[Row]:
    """``rows`` as they come, stopping with a clear refusal at the row or cell (rows × columns) limit."""
    cells = 0
    for n, row in enumerate(rows, start=1):
        if n > limits.max_rows:
            raise UploadRejected(
                name, "limit", f"工作表“{sheet}”超过 {limits.max_rows} 行的上限，请拆分后分批导入"
            )
        cells += len(row)
        if cells > limits.max_cells:
            raise UploadRejected(
                name,
                "limit",
                f"工作表“{sheet}”超过 {limits.max_cells} 个单元格（行 × 列）的上限，请拆分后分批导入",
            )
        yield row


def csv_rows(name: str, text: str, limits: Limits) -> list[list[str]]:
    """The rows of a CSV text, under the same row and cell limits as a worksheet (the table is named after
    the file); a malformed file (a field beyond csv's own cap, a NUL byte) is an :class:`UploadRejected`."""
    sheet = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    try:
        return [list(row) for row in bounded_rows(name, sheet, csv.reader(io.StringIO(text)), limits)]
    except csv.Error as exc:
        raise UploadRejected(name, "csv", f"CSV 格式有误（{exc}）") from None


def open_workbook(name: str, data: bytes, limits: Limits) -> Any:
    """An openpyxl workbook in read-only (streaming) mode after :func:`check_archive`; the declared
    dimensions of every sheet are dropped, so a sheet claiming ``A1:XFD1048576`` is not padded to it."""
    check_archive(name, data, limits)
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for ws in workbook.worksheets:
        if hasattr(ws, "reset_dimensions"):
            ws.declared_rows = ws.max_row  # what the sheet claims: for a progress bar only, never trusted
            ws.reset_dimensions()
    return workbook


def sheet_rows(name: str, ws: Any, limits: Limits, *, min_row: int = 1) -> Iterator[tuple[Any, ...]]:
    """The values of a read-only sheet, row by row, within the limits."""
    return bounded_rows(name, ws.title, ws.iter_rows(min_row=min_row, values_only=True), limits)


def heavy_check(name: str, ext: str, data: bytes, limits: Limits, *, stream_sheets: bool = True) -> None:
    """Every limit that applies to a document of extension ``ext`` (.docx, .xlsx, .pdf); a workbook's
    sheets are streamed once to count their rows and cells unless ``stream_sheets`` is false (the quick
    checks a web request makes before queuing the parse)."""
    if ext in (".docx", ".xlsx"):
        check_archive(name, data, limits)
    if ext == ".pdf":
        check_pdf(name, data, limits)
    if ext == ".xlsx" and stream_sheets:
        workbook = open_workbook(name, data, limits)
        try:
            for ws in workbook.worksheets:
                for _row in sheet_rows(name, ws, limits):
                    pass
        finally:
            workbook.close()
