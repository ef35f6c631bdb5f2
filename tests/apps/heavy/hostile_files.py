"""Hostile files of issue 13 (findings 3 and 4), built small: the tests lower the limits instead of
building 100 MB of XML or 50,000 pages."""

from __future__ import annotations

import io
import zipfile

import docx
from openpyxl import Workbook


def wide_xlsx(rows: int, cols: int = 14, header: tuple[str, ...] = ()) -> bytes:
    """A workbook of ``rows`` × ``cols`` numbers (write-only, as an attacker's script would make it)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    if header:
        ws.append(list(header))
    for r in range(rows):
        ws.append([r * cols + c for c in range(cols)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def lying_dimension_xlsx() -> bytes:
    """A one-cell workbook whose sheet claims the whole grid (A1:XFD1048576)."""
    data = wide_xlsx(1, 1)
    return _rewrite(data, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>', 1))  # fmt: skip


def bomb_docx(xml_bytes: int) -> bytes:
    """A valid .docx whose document.xml is padded with ``xml_bytes`` of empty paragraphs (deflates ~1000×)."""
    document = docx.Document()
    document.add_paragraph("一、总体要求")
    out = io.BytesIO()
    document.save(out)
    filler = b"<w:p/>" * (xml_bytes // 6)
    return _rewrite(
        out.getvalue(), "word/document.xml", lambda xml: xml.replace(b"<w:body>", b"<w:body>" + filler, 1)
    )


def _rewrite(data: bytes, member: str, change) -> bytes:  # type: ignore[no-untyped-def]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info.filename, change(body) if info.filename == member else body)
    return out.getvalue()


def many_pages_pdf(pages: int) -> bytes:
    """A well-formed PDF of ``pages`` empty pages (a few dozen bytes each)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages)).encode()
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(pages).encode() + b" >>")
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write(b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets))
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
