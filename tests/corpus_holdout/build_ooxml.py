"""Reproducible bytes for the held-out corpus's OOXML documents (.docx, .xlsx): fixed timestamps and
zip member order, so rebuilding gives the committed files byte for byte (see build.py)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED = dt.datetime(2024, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def fix_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed timestamps and member order so the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            body = src.read(name)
            if name == "docProps/core.xml":  # openpyxl stamps "modified" with the time of saving
                body = _MODIFIED.sub(rb"\g<1>2024-01-01T00:00:00Z\g<2>", body)
            dst.writestr(info, body)
    return out.getvalue()


def new_docx():
    from docx import Document

    doc = Document()
    doc.core_properties.created = FIXED
    doc.core_properties.modified = FIXED
    doc.core_properties.last_printed = FIXED
    doc.core_properties.author = "yigai holdout corpus"
    doc.core_properties.last_modified_by = "yigai holdout corpus"
    return doc


def save_docx(doc, path: Path) -> None:
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(fix_zip(buf.getvalue()))
