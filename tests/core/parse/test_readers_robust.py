"""Whatever the bytes, a reader returns a document or raises ReadError: never a library exception."""

from __future__ import annotations

import io
import random
from collections.abc import Callable

import docx
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from yigai.core.parse.blocks import RawDocument, ReadError
from yigai.core.parse.readers import read_bytes

NAMES = ["a.txt", "a.docx", "a.pdf", "a.xlsx", "a.html", "a.md", "a"]


def read_or_refuse(name: str, data: bytes) -> None:
    try:
        doc = read_bytes(name, data)
    except ReadError as error:
        assert error.reason and "\n" not in error.reason
    else:
        assert isinstance(doc, RawDocument) and doc.blocks


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(NAMES), data=st.binary(max_size=400))
def test_arbitrary_bytes(name: str, data: bytes) -> None:
    read_or_refuse(name, data)


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(NAMES), text=st.text(max_size=300))
def test_arbitrary_text(name: str, text: str) -> None:
    read_or_refuse(name, text.encode("utf-8"))


def small_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("一、总体要求", style="List Number")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "市卫生健康委"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def small_pdf() -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 720, "到2025年，建成5家互联网医院。")
    pdf.grid([72, 200, 300], [500, 520, 540])
    pdf.save()
    return buf.getvalue()


def small_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["序号", "任务"])
    workbook.active.append([1, "建设"])
    workbook.active.merge_cells("A1:A2")
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "build"), [("a.docx", small_docx), ("a.pdf", small_pdf), ("a.xlsx", small_xlsx)]
)
def test_damaged_files(name: str, build: Callable[[], bytes]) -> None:
    """Overwrite random stretches of a valid file: each damaged copy is read or refused."""
    original = build()
    read_or_refuse(name, original)
    rng = random.Random(20251123)
    for _ in range(40):
        data = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            start = rng.randrange(len(data))
            data[start : start + rng.randint(1, 40)] = rng.randbytes(rng.randint(0, 40))
        read_or_refuse(name, bytes(data))
