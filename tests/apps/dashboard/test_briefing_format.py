"""The Word briefing in 公文 format (GB/T 9704-2012): A4, the standard margins (上37 下35 左28 右26 mm),
标题 2号 (22 pt) 小标宋, 正文 3号 (16 pt) 仿宋_GB2312 with open substitutes, ≥/≤ instead of >=/<=, and a
"— 1 —" page number field in the footer. On the demo data (loaded once for this module)."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from yigai.apps.dashboard import docx_style, pdf
from yigai.apps.dashboard.briefing import briefing_docx
from yigai.apps.dashboard.inputs import access_scope, collect

pytestmark = pytest.mark.django_db


@pytest.fixture
def doc(leaders):
    return Document(io.BytesIO(briefing_docx(collect(user=None, scope=access_scope(user=None))).data))


def test_a4_with_gbt9704_margins(doc) -> None:
    for s in doc.sections:  # stored in twips: compared to the tenth of a millimetre
        sizes = [s.page_width, s.page_height, s.top_margin, s.bottom_margin, s.left_margin, s.right_margin]
        assert [round(x.mm, 1) for x in sizes] == [210, 297, 37, 35, 28, 26]


def _east_asia(run_or_style) -> str | None:
    rfonts = run_or_style.element.rPr.find(qn("w:rFonts"))
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def test_title_and_body_type_sizes_and_faces(doc) -> None:
    title = doc.paragraphs[0].runs[0]
    assert title.font.size == Pt(22) and _east_asia(title) == "方正小标宋简体"
    assert title.font.name == docx_style.TITLE.open  # an open face for Latin text and as fallback
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16) and _east_asia(normal) == "仿宋_GB2312"
    body = next(p for p in doc.paragraphs if p.text.startswith("纳入工作台账的任务共")).runs[0]
    assert body.font.size == Pt(16) and _east_asia(body) == "仿宋_GB2312"
    assert doc.styles["Heading 1"].font.size == Pt(16) and _east_asia(doc.styles["Heading 1"]) == "黑体"


def test_comparison_signs_not_ascii(doc) -> None:
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in doc.paragraphs] + cells)
    assert ">=" not in text and "<=" not in text
    assert "存在风险的目标" in text  # the demo has at-risk targets: their targets read as people write them
    assert not any(token in text for token in ("increase_by", "decrease_by", "range", "#{"))


def test_page_number_field_in_gbt9704_style(doc) -> None:
    footer = doc.sections[0].footer
    xml = footer._element.xml
    assert "PAGE" in xml and "— " in footer.paragraphs[0].text and " —" in footer.paragraphs[0].text
    assert doc.settings.element.find(qn("w:evenAndOddHeaders")) is not None  # 单页码居右、双页码居左
    assert "PAGE" in doc.sections[0].even_page_footer._element.xml


def test_no_libreoffice_skips_the_pdf_with_a_clear_message(monkeypatch) -> None:
    monkeypatch.setattr(pdf, "soffice", lambda: None)
    assert pdf.docx_to_pdf(b"PK") == (None, pdf.docx_to_pdf(b"PK")[1])
    assert "未找到 LibreOffice（soffice），未生成 PDF" in pdf.docx_to_pdf(b"PK")[1]


@pytest.mark.skipif(pdf.soffice() is None, reason="LibreOffice (soffice) not installed")
def test_pdf_beside_the_docx_is_a4(leaders) -> None:
    data = briefing_docx(collect(user=None, scope=access_scope(user=None, code="131000"))).data
    made, why = pdf.docx_to_pdf(data)
    assert made is not None and made.startswith(b"%PDF"), why
    assert b"/MediaBox[0 0 595.3" in made  # A4: 595.3 x 841.9 pt
