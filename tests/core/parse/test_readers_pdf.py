"""The PDF reader, on PDFs drawn with reportlab in the test (Chinese via the STSong-Light CID font)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from yigai.core.parse.blocks import ReadError
from yigai.core.parse.readers import ocr, read_bytes

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
STYLE = ParagraphStyle("zh", fontName=FONT, fontSize=12, leading=18, wordWrap="CJK")
TABLE_STYLE = TableStyle(
    [("FONTNAME", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]
)


def page_footer(label: Callable[[int], str]) -> Callable[[Any, Any], None]:
    def draw(pdf: Any, _doc: Any) -> None:
        pdf.setFont(FONT, 10)
        pdf.drawCentredString(A4[0] / 2, 30, label(pdf.getPageNumber()))

    return draw


def build(story: list[Any], label: Callable[[int], str] = lambda n: f"— {n} —", title: str = "") -> bytes:
    buf = io.BytesIO()
    footer = page_footer(label)
    SimpleDocTemplate(buf, pagesize=A4, title=title).build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def ruled(rows: list[list[str]], **kwargs: Any) -> Table:
    table = Table(rows, **kwargs)
    table.setStyle(TABLE_STYLE)
    return table


def test_pdf_text_and_table_in_reading_order() -> None:
    story = [
        Paragraph("一、总体要求", STYLE),
        Paragraph("到2025年，建成5家互联网医院。", STYLE),
        Spacer(1, 12),
        ruled([["序号", "任务", "牵头单位"], ["1", "建设区域医疗中心", "省卫生健康委"]]),
        Spacer(1, 12),
        Paragraph("二、保障措施", STYLE),
    ]
    doc = read_bytes("方案.pdf", build(story, title="Microsoft Word - 关于推进医改的实施方案.docx"))
    assert doc.format == "pdf" and doc.title_hint == "关于推进医改的实施方案"
    assert [b.kind for b in doc.blocks] == ["text", "table", "text"]
    assert doc.blocks[0].text == "一、总体要求\n到2025年，建成5家互联网医院。"
    assert doc.blocks[1].rows == (("序号", "任务", "牵头单位"), ("1", "建设区域医疗中心", "省卫生健康委"))
    assert doc.blocks[2].text == "二、保障措施"  # the "— 1 —" footer is gone


@pytest.mark.parametrize(
    "label", ["- {n} -", "第{n}页", "第 {n} 页，共 2 页", "{n}/2", "{n}", "Page {n} of 2"]
)
def test_page_numbers_are_dropped(label: str) -> None:
    story = [Paragraph(f"第{i}条 内容。", STYLE) for i in range(1, 80)]
    doc = read_bytes("a.pdf", build(story, label=lambda n: label.format(n=n)))
    lines = doc.blocks[0].text.split("\n")
    assert lines == [f"第{i}条 内容。" for i in range(1, 80)]


def test_table_running_over_a_page_break_is_one_table() -> None:
    rows = [["序号", "具体措施", "完成时限"]] + [[str(i), f"措施{i}", "2025年"] for i in range(1, 71)]
    doc = read_bytes("a.pdf", build([Paragraph("附件 任务分工", STYLE), ruled(rows, repeatRows=1)]))
    assert [b.kind for b in doc.blocks] == ["text", "table"]
    table = doc.blocks[1].rows
    assert table[0] == ("序号", "具体措施", "完成时限")  # the repeated header appears once
    assert [row[0] for row in table[1:]] == [str(i) for i in range(1, 71)]


def test_pdf_without_text_is_a_scan() -> None:
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.rect(100, 100, 300, 400, fill=1)
    pdf.save()
    with pytest.raises(ReadError) as caught:
        read_bytes("scan.pdf", buf.getvalue())
    # No text layer: the page goes to OCR, which finds no words in a black box either.
    expected = ocr.NOTHING_READ if ocr.ocr_available() else ocr.NO_OCR
    assert caught.value.reason == expected


def chinese_pdf(**kwargs: Any) -> bytes:
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, **kwargs)
    pdf.setFont(FONT, 12)
    pdf.drawString(72, 720, "加密的文件")
    pdf.save()
    return buf.getvalue()


def test_encrypted_truncated_and_corrupt_pdfs() -> None:
    cases = {
        "PDF 文件已加密（设置了打开密码），请取消密码后再导入": chinese_pdf(encrypt="secret"),
        "PDF 文件不完整（缺少文件结尾，可能下载中断），请重新获取完整文件": chinese_pdf()[:800],
        "PDF 文件已损坏，无法读取": b"%PDF-1.4\n1 0 obj garbage endobj\ntrailer <<>>\n%%EOF\n",
    }
    for expected, data in cases.items():
        with pytest.raises(ReadError) as caught:
            read_bytes("a.pdf", data)
        assert caught.value.reason == expected


def test_pdf_named_txt_is_read_as_pdf() -> None:
    doc = read_bytes("下载.txt", chinese_pdf())
    assert doc.format == "pdf" and doc.blocks[0].text == "加密的文件"
