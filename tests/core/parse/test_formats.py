"""Documents as commissions publish them (issue 16): one text as .docx, a web page with its furniture
and information table (saved HTML and printed to PDF by chromium), a scanned PDF, .doc/.wps/.rtf
converted by LibreOffice, a .docx python-docx refuses, and a research article that is no plan.

Goldens come from the text in ``made_documents`` (what a reader sees on the page), not from the engine.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from made_documents import (
    DOC_NUMBER,
    ISSUER,
    TITLE,
    convert_with_soffice,
    make_docx,
    make_scan,
    make_web_page,
    need,
    print_to_pdf,
)

from yigai.core.parse.blocks import ReadError
from yigai.core.parse.extract import extract_bytes, extract_text
from yigai.core.parse.plan_check import NOT_A_PLAN
from yigai.core.parse.readers import convert, ocr, read_bytes
from yigai.core.plan import Document

# Read from made_documents.PLAN by hand: four tasks under 二、重点任务, their lead and co-units as
# tagged (省医保局 is the directory's 省医疗保障局), deadlines as written or the plan's end (2027).
TASKS = [
    ("一", "加强县级医院能力建设", ("省卫生健康委",), ("省发展改革委", "省财政厅"), "2026-12-31"),
    ("二", "完善家庭医生签约服务", ("省卫生健康委",), ("省医疗保障局",), "2027-12-31"),
    ("三", "推进基层信息化建设", ("省卫生健康委",), ("省财政厅",), "2025-12-31"),
    ("四", "强化人才队伍建设", ("省卫生健康委",), ("省人力资源社会保障厅",), "2027-12-31"),
]
TARGETS = [(">=", 90.0, "%", 2027), (">=", 65.0, "%", 2027), (">=", 30.0, "个", 2026), (">=", 75.0, "%", 2027),
           (">=", 1.0, "名", 2027)]  # fmt: skip
META = (TITLE, DOC_NUMBER, ISSUER, "2025-04-03", 2025, 2027)


def summary(doc: Document) -> tuple[object, ...]:
    return (
        (doc.title, doc.doc_number, doc.issuer, doc.issued_on, doc.period_start, doc.period_end),
        [(t.number, t.title, t.lead_units, t.co_units, t.deadline) for t in doc.tasks],
        [(g.comparator, g.value, g.unit, g.year) for g in doc.targets],
    )


GOLDEN = (META, TASKS, TARGETS)


def test_docx_golden() -> None:
    assert summary(extract_bytes("方案.docx", make_docx())) == GOLDEN


def test_docx_with_a_relationship_to_null_is_read_from_its_xml() -> None:
    data = make_docx(broken_relationship=True)
    with pytest.raises(KeyError):  # what python-docx does with it: the reason for the fallback
        docx.Document(io.BytesIO(data))
    doc = extract_bytes("发布会实录.docx", data)
    assert summary(doc) == GOLDEN and not doc.warnings


def test_saved_web_page_drops_furniture_and_reads_the_information_table() -> None:
    doc = extract_bytes("page.html", make_web_page().encode())
    assert summary(doc) == GOLDEN  # 文号 only in the information table, title without "_site name"
    text = "".join(t.text + "".join(t.path) for t in doc.tasks)
    for furniture in ("关怀版", "当前位置", "打印本页", "访问量", "网站标识码", "ICP", "分享到", "上一篇"):
        assert furniture not in text


def test_web_page_printed_by_chromium(tmp_path: Path) -> None:
    pdf = print_to_pdf(make_web_page(), tmp_path)
    doc = extract_bytes("page.pdf", pdf)
    assert summary(doc) == GOLDEN  # lines broken by the page are joined again: tags and targets whole
    assert all("关怀版" not in t.text and "网站" not in t.text for t in doc.tasks)


def test_scanned_pdf_is_read_by_ocr_with_a_warning() -> None:
    need("tesseract", "OCR of scanned PDFs")
    if not ocr.ocr_available():
        need("tesseract-chi-sim-model", "the Chinese model tesseract-ocr-chi-sim")
    doc = extract_bytes("盖章版.pdf", make_scan())
    assert summary(doc) == GOLDEN
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("扫描件经文字识别（OCR）读取")


def test_same_document_as_docx_web_pdf_and_scan_gives_the_same_plan(tmp_path: Path) -> None:
    need("tesseract", "OCR of scanned PDFs")
    shapes = {
        "方案.docx": make_docx(),
        "page.pdf": print_to_pdf(make_web_page(), tmp_path),
        "盖章版.pdf": make_scan(),
    }
    results = {name: summary(extract_bytes(name, data)) for name, data in shapes.items()}
    assert results["page.pdf"] == results["方案.docx"] == results["盖章版.pdf"] == GOLDEN


@pytest.mark.parametrize("ext", ["doc", "wps", "rtf"])
def test_legacy_word_files_are_converted_by_libreoffice(ext: str, tmp_path: Path) -> None:
    # WPS 文字 saves .wps as the same compound binary as Word 97; LibreOffice cannot write WPS, so the
    # .wps here is the Word 97 file under a .wps name (LibreOffice reads both by content).
    data = convert_with_soffice(make_docx(), "rtf" if ext == "rtf" else "doc", tmp_path)
    assert data[:8] == (b"{\\rtf1\\a" if ext == "rtf" else b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    doc = extract_bytes(f"方案.{ext}", data)
    assert summary(doc) == GOLDEN


def test_missing_libreoffice_and_tesseract_are_said_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert.shutil, "which", lambda _name: None)
    monkeypatch.setattr(ocr.shutil, "which", lambda _name: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le")
    with pytest.raises(ReadError) as caught:
        read_bytes("旧版.doc", ole)
    assert caught.value.reason.startswith("读取 Word 97-2003（.doc）文件需要 LibreOffice，服务器上未安装")
    with pytest.raises(ReadError) as caught:
        read_bytes("盖章版.pdf", make_scan())
    assert caught.value.reason == ocr.NO_OCR


def test_damaged_doc_gets_a_conversion_message() -> None:
    need("soffice", "LibreOffice conversion")
    with pytest.raises(ReadError) as caught:
        read_bytes("坏.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert caught.value.reason == convert.failed(".doc")


ARTICLE = """基层医疗卫生服务利用的影响因素研究
摘要：本文基于2018年中国健康与养老追踪调查数据，分析了基层医疗卫生服务利用的影响因素。
关键词：基层医疗；服务利用；影响因素
一、研究背景
近年来，我国基层医疗卫生机构诊疗量占比有所下降，2019年为52.0%，较2015年下降4.4个百分点。
二、研究方法
（一）数据来源。本研究使用2018年的调查数据，样本量为19816人。
（二）变量选择。因变量为是否在基层医疗卫生机构就诊，自变量包括年龄、收入和医疗保险类型。
三、研究结果
（一）描述性分析。农村居民在基层就诊的比例达到68.3%，高于城市居民。
（二）回归分析。收入每提高10%，基层就诊概率下降1.2%。
四、讨论与结论
提高基层医疗服务质量是提升基层就诊率的关键。
参考文献
[1] 王某. 基层医疗卫生服务研究[J]. 中国卫生政策研究, 2020, 13(2): 1-8.
"""


def test_research_article_gets_a_warning_instead_of_tasks() -> None:
    doc = extract_text("论文.txt", ARTICLE)
    assert doc.warnings == (NOT_A_PLAN,)
    assert doc.tasks == () and doc.targets == ()


def test_a_plan_without_issuer_or_number_is_still_a_plan() -> None:
    plan = "一、重点任务\n（一）建设互联网医院。到2025年底建成5家。（市卫生健康委牵头）\n"
    doc = extract_text("任务.txt", plan)
    assert NOT_A_PLAN not in doc.warnings and len(doc.tasks) == 1


def test_pdfminer_font_noise_never_reaches_stderr(tmp_path: Path) -> None:
    """The ruled information table sends page 1 of chromium's PDF through pdfplumber, where pdfminer warns
    "Could not get FontBBox from font descriptor" on chromium's embedded fonts (21 lines before the fix)."""
    path = tmp_path / "page.pdf"
    path.write_bytes(print_to_pdf(make_web_page(), tmp_path))
    run = subprocess.run(
        [str(Path(sys.executable).with_name("yigai")), "extract", str(path)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    # Also where the host logs warnings to stderr (a server's logging set-up): pdfminer says nothing.
    script = (
        "import logging, sys; logging.basicConfig(level=logging.WARNING);"
        "from yigai.core.parse.readers import read_path; from pathlib import Path;"
        "print(read_path(Path(sys.argv[1])).format)"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=300
    )
    assert run.stdout.strip() == "pdf"
    assert run.stderr == ""


def test_pdfplumber_only_opens_pages_with_ruled_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text pages are read by pdfium alone; a page with a ruled grid goes to pdfplumber for its table."""
    import pdfplumber
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=12, leading=18)
    table = Table([["序号", "任务"], ["1", "建设区域医疗中心"]])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))  # fmt: skip
    buf = io.BytesIO()
    story = [Paragraph("一、总体要求", style), PageBreak(), Paragraph("二、任务分工", style), table]
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    opened: list[object] = []
    real_open = pdfplumber.open
    monkeypatch.setattr(
        pdfplumber, "open", lambda *a, **k: opened.append(k.get("pages")) or real_open(*a, **k)
    )
    doc = read_bytes("a.pdf", buf.getvalue())
    assert opened == [[2]]  # page 2 only
    assert [b.kind for b in doc.blocks] == ["text", "table"]
    assert doc.blocks[1].rows == (("序号", "任务"), ("1", "建设区域医疗中心"))


def test_typed_pdf_with_a_scanned_page_reads_that_page_by_ocr() -> None:
    """A typed plan whose last page was scanned (a stamped page): the scanned page is read, and said so."""
    need("tesseract", "OCR of scanned PDFs")
    from made_documents import FONT
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    image = Image.new("L", (2480, 600), 255)
    ImageDraw.Draw(image).text(
        (240, 200),
        "（二）培训全科医生。（省人力资源社会保障厅牵头）",
        font=ImageFont.truetype(FONT, 67),
        fill=0,
    )
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.setFont("STSong-Light", 14)
    pdf.drawString(60, 760, "一、重点任务")
    pdf.drawString(60, 730, "（一）建设互联网医院。（省卫生健康委牵头）")
    pdf.showPage()
    pdf.drawImage(ImageReader(image), 0, A4[1] - 200, width=A4[0], height=A4[0] * 600 / 2480)
    pdf.showPage()
    pdf.save()
    doc = extract_bytes("方案.pdf", buf.getvalue())
    assert [(t.number, t.title, t.lead_units) for t in doc.tasks] == [
        ("一", "建设互联网医院", ("省卫生健康委",)),
        ("二", "培训全科医生", ("省人力资源社会保障厅",)),
    ]
    assert any(w.startswith("第2页为扫描页，扫描件经文字识别（OCR）读取") for w in doc.warnings)


def test_conversion_past_its_time_limit_is_stopped_whole(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """soffice is a launcher that starts soffice.bin: on timeout both go, and the user gets the message."""
    import time

    pid_file = tmp_path / "child.pid"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pid_file}\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setattr(convert, "soffice", lambda: str(fake))
    monkeypatch.setattr(convert, "TIMEOUT_SECONDS", 1)
    with pytest.raises(ReadError) as caught:
        read_bytes("慢.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert caught.value.reason == convert.failed(".doc")
    status = Path(f"/proc/{int(pid_file.read_text())}/status")
    time.sleep(0.2)
    # The launcher's child was killed with it: gone, or a zombie waiting for its new parent to reap it.
    assert not status.exists() or "State:\tZ" in status.read_text()
