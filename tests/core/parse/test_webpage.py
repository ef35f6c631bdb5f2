"""Web-page furniture and information-table metadata in the shapes seen on real sites (issues 15, 16)."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from yigai.core.parse.extract import extract_bytes, extract_text
from yigai.core.parse.readers import read_bytes
from yigai.core.parse.webpage import page_title, read_info

BODY = """一、重点任务
（一）建设互联网医院。到2025年底建成5家互联网医院。（省卫生健康委牵头）
（二）培训全科医生。（省人力资源社会保障厅牵头）
"""


def test_information_table_as_label_and_value_cells_without_colons() -> None:
    page = f"""<html><head><title>关于印发互联网医院建设方案的通知_山西省人民政府</title></head><body>
    <table><tr><td>文号</td><td>晋政办〔2017〕68号</td><td>索引号</td><td>11140000/2017-00123</td></tr>
    <tr><td>发文机关</td><td>山西省人民政府办公厅</td><td>成文日期</td><td>2017年06月20日</td></tr></table>
    <h1>关于印发互联网医院建设方案的通知</h1>{"".join(f"<p>{x}</p>" for x in BODY.splitlines())}
    </body></html>"""
    doc = extract_bytes("page.html", page.encode())
    assert (doc.title, doc.doc_number, doc.issuer, doc.issued_on) == (
        "关于印发互联网医院建设方案的通知",
        "晋政办〔2017〕68号",
        "山西省人民政府办公厅",
        "2017-06-20",
    )
    assert [t.title for t in doc.tasks] == ["建设互联网医院", "培训全科医生"]


@pytest.mark.parametrize(
    "lines",
    [
        ["索 引 号：11140000/2017-00123 主题分类：卫生", "文 号：晋政办〔2017〕68号 成文日期：2017-06-20"],
        ["索引号:11140000/2017-00123", "文号: 晋政办〔2017〕68号", "成文日期:2017-06-20"],
        [
            "索\u3000引\u3000号：11140000/2017-00123\u3000文\u3000\u3000号：晋政办〔2017〕68号\u3000成文日期：2017-06-20"
        ],
    ],
)
def test_information_table_labels_spaced_or_not_full_or_half_colons(lines: list[str]) -> None:
    info = read_info(lines)
    assert (info["索引号"], info["文号"], info["成文日期"]) == (
        "11140000/2017-00123",
        "晋政办〔2017〕68号",
        "2017-06-20",
    )


def test_run_in_dates_and_signature() -> None:
    text = (
        "关于印发互联网医院建设方案的通知\n发布时间:2024年11月21日　来源：省政府办公厅\n"
        + BODY
        + "山西省人民政府办公厅2024年11月21日(此件公开发布)\n"
    )
    doc = extract_text("page.txt", text)
    assert (doc.issuer, doc.issued_on) == ("山西省人民政府办公厅", "2024-11-21")


def test_titles_lose_site_furniture() -> None:
    text = (
        "当前位置:首页>政务要闻>通知公告\n政策发布部门:山西省卫生健康委员会\n"
        "关于印发互联网医院建设方案的通知访问量：687\n" + BODY
    )
    doc = extract_text("page.txt", text)
    assert doc.title == "关于印发互联网医院建设方案的通知"
    assert doc.issuer == "山西省卫生健康委员会"  # the 发布部门 row, as no signature block is given
    assert (
        page_title("关于印发互联网医院建设方案的通知_山西省人民政府门户网站", None)
        == "关于印发互联网医院建设方案的通知"
    )


def test_plain_document_is_left_alone() -> None:
    """One stray label does not make a page: a plan quoting "发布时间" keeps every line."""
    text = "关于印发互联网医院建设方案的通知\n" + BODY + "本方案发布时间：2024年1月1日起施行。\n"
    assert len(extract_text("a.txt", text).tasks) == 2


def _printed_page(pdf: canvas.Canvas, lines: list[str], page: int) -> None:
    pdf.setFont("STSong-Light", 9)
    pdf.drawString(40, A4[1] - 20, "2025/4/8 10:20")
    pdf.drawString(300, A4[1] - 20, "关于印发互联网医院建设方案的通知")
    pdf.drawString(40, 20, f"https://wsjkw.shanxi.gov.cn/art/2025/4/8/art_1_123.html    {page}/2")
    pdf.setFont("STSong-Light", 12)
    y = A4[1] - 80
    for line in lines:
        pdf.drawString(60, y, line)
        y -= 20
    pdf.showPage()


def test_browser_running_header_and_footer_are_dropped() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    _printed_page(pdf, ["关于印发互联网医院建设方案的通知", "一、重点任务"], 1)
    _printed_page(pdf, ["（一）建设互联网医院。（省卫生健康委牵头）"], 2)
    pdf.save()
    text = "\n".join(b.text for b in read_bytes("printed.pdf", buf.getvalue()).blocks)
    assert text.split("\n") == [
        "关于印发互联网医院建设方案的通知",
        "一、重点任务",
        "（一）建设互联网医院。（省卫生健康委牵头）",
    ]
