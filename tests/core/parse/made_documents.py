"""One policy document made at test time in the shapes commissions publish it.

The same text becomes a .docx (python-docx), a 政府信息公开 web page with its site furniture and
information table (HTML, printed to PDF by Debian's chromium), a scanned PDF (the text drawn into
page images with PIL: no text layer), and .doc/.wps/.rtf converted from the .docx by LibreOffice.
The goldens in the tests are read from ``LETTER`` and ``PLAN`` below, not from the engine's output.
"""

from __future__ import annotations

import html
import io
import os
import random
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

TITLE = "山东省卫生健康委员会关于印发基层卫生健康服务能力提升行动方案的通知"
DOC_NUMBER = "鲁卫基层〔2025〕12号"
ISSUER = "山东省卫生健康委员会"
DATE_CN = "2025年4月3日"
LETTER = [
    "各市卫生健康委，委机关各处室、直属各单位：",
    "现将《山东省基层卫生健康服务能力提升行动方案（2025—2027年）》印发给你们，请结合实际认真贯彻执行，"
    "执行中遇到的问题请及时报告省卫生健康委基层卫生健康处。",
    ISSUER,
    DATE_CN,
]
PLAN = [
    "山东省基层卫生健康服务能力提升行动方案（2025—2027年）",
    "为进一步提升基层医疗卫生服务能力，推动优质医疗资源扩容下沉和区域均衡布局，结合我省实际，制定本方案。",
    "一、工作目标",
    "到2027年，县域内就诊率达到90%以上，基层医疗卫生机构诊疗量占总诊疗量的比例不低于65%，"
    "群众在家门口看病就医的获得感明显增强。",
    "二、重点任务",
    "（一）加强县级医院能力建设。推进县级医院临床专科建设，补齐急诊急救、重症医学、麻醉等短板专科，"
    "2026年底前建成30个县域医疗次中心。（省卫生健康委牵头，省发展改革委、省财政厅配合）",
    "（二）完善家庭医生签约服务。扩大签约服务覆盖面，丰富签约服务内容，落实签约服务费政策，"
    "重点人群签约服务覆盖率不低于75%。（省卫生健康委、省医保局按职责分工负责）",
    "（三）推进基层信息化建设。统一基层医疗卫生机构信息系统标准，推动检查检验结果互认共享，"
    "2025年底前实现基层医疗卫生机构信息系统全覆盖。（省卫生健康委牵头，省财政厅配合）",
    "（四）强化人才队伍建设。实施基层卫生人才能力提升培训项目，落实乡村医生待遇保障政策，"
    "每个乡镇卫生院至少配备1名全科医生。（省卫生健康委、省人力资源社会保障厅按职责分工负责）",
    "三、保障措施",
    "（一）加强组织领导。各地要把基层卫生健康服务能力提升纳入重要议事日程，明确责任分工，狠抓工作落实。",
    "（二）强化督导评估。省卫生健康委每年组织开展督导评估，评估结果作为分配相关补助资金的重要参考。",
]
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
IN_CI = os.environ.get("CI") == "true"


def need(tool: str, what: str) -> str:
    """The tool's path; outside CI a missing tool skips the test visibly, under CI=true it fails."""
    path = shutil.which(tool)
    if path is None:
        if IN_CI:
            pytest.fail(f"{tool} is required under CI=true ({what}); `make office-deps` installs it")
        pytest.skip(f"SKIPPED: {tool} not installed ({what}); `make office-deps` installs it")
    return path


def docx_of(paragraphs: list[str]) -> bytes:
    """A .docx with one paragraph a line and no core title (the title is read from the text)."""
    document = docx.Document()
    document.core_properties.title = ""
    for line in paragraphs:
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_docx(*, broken_relationship: bool = False) -> bytes:
    data = docx_of([TITLE, DOC_NUMBER, *LETTER, *PLAN])
    return break_relationship(data) if broken_relationship else data


def break_relationship(data: bytes) -> bytes:
    """Add a relationship pointing to "NULL", as some office suites write: Word opens the file,
    python-docx raises KeyError."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                rel = (
                    '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/image" Target="NULL"/>'
                )
                content = content.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            dst.writestr(item, content)
    return out.getvalue()


INFO_TABLE = f"""
<table class="xxgk" border="1" cellspacing="0" style="border-collapse:collapse;width:100%;font-size:14px">
<tr><td>索 引 号：</td><td>000014349/2025-00012</td><td>主题分类：</td><td>卫生、体育\\医药管理</td></tr>
<tr><td>发文机关：</td><td>{ISSUER}</td><td>成文日期：</td><td>2025-04-03</td></tr>
<tr><td>标　　题：</td><td colspan="3">{TITLE}</td></tr>
<tr><td>文　　号：</td><td>{DOC_NUMBER}</td><td>发布日期:</td><td>2025-04-08</td></tr>
</table>"""


def make_web_page() -> str:
    """A 政府信息公开 page: furniture around the letter and plan; the 文号 only in the information table."""
    body = "".join(f'<p style="text-indent:2em">{html.escape(line)}</p>' for line in [*LETTER, *PLAN])
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>{TITLE}_山东省卫生健康委员会</title>
<style>body{{font-family:'WenQuanYi Micro Hei';width:640px;margin:0 auto;font-size:16px;line-height:1.8}}
nav span{{margin-right:1em}}</style></head><body>
<div class="top">关怀版 | 无障碍 | 繁 | EN | 用户空间 | 政务邮箱</div>
<nav><span>首页</span><span>政务公开</span><span>政务服务</span><span>互动交流</span><span>走进卫健</span></nav>
<div class="crumb">当前位置：首页 &gt; 政府信息公开目录 &gt; 政策文件</div>
{INFO_TABLE}
<h1 style="font-size:22px;text-align:center">{TITLE}</h1>
<div class="meta">来源：山东省卫生健康委员会　发布时间：2025-04-08　访问量：687</div>
<div class="content">{body}</div>
<div class="share">分享到：微信 微博　【打印本页】【关闭窗口】　字号：大 中 小</div>
<div class="links">上一篇：关于开展2025年基层卫生人才培训的通知</div>
<footer><p>主办单位：山东省卫生健康委员会　联系我们　网站地图</p>
<p>网站标识码：1300000035　鲁ICP备05005049号　鲁公网安备 13010202000123号</p></footer>
</body></html>"""


def print_to_pdf(page: str, tmp: Path) -> bytes:
    """The page printed to PDF by headless chromium, with the browser's running header and footer."""
    chromium = need("chromium", "web page printed to PDF")
    source = tmp / "page.html"
    source.write_text(page, encoding="utf-8")
    out = tmp / "page.pdf"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp / 'profile'}",
         f"--print-to-pdf={out}", source.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    return out.read_bytes()


def make_scan(degraded: str | None = None) -> bytes:
    """The .docx's text drawn into A4 page images at 300 dpi and saved as an image-only PDF.

    ``degraded``: a paragraph whose lines after its first are blurred and sprinkled with specks, as a
    worn copy scans, so that Tesseract reads them with low confidence (its first line, with the item
    number, stays clean so that the task is still found)."""
    font = ImageFont.truetype(FONT, 67)  # 三号 (16 pt) at 300 dpi, the size of a 公文's body
    width, height, margin, leading = 2480, 3508, 240, 114
    pages: list[Image.Image] = []
    page, y = Image.new("L", (width, height), 255), margin
    draw = ImageDraw.Draw(page)
    for paragraph in [TITLE, DOC_NUMBER, *LETTER, *PLAN]:
        line, first = "", True
        for char in paragraph:
            if draw.textlength(line + char, font=font) > width - 2 * margin:
                y = _draw_line(draw, line, y, font, margin, leading)
                if paragraph == degraded and not first:
                    _wear(page, y - leading, leading)
                line, first = "", False
            line += char
            if y > height - margin - leading:
                pages.append(page)
                page, y = Image.new("L", (width, height), 255), margin
                draw = ImageDraw.Draw(page)
        y = _draw_line(draw, line, y, font, margin, leading)
        if paragraph == degraded and not first:
            _wear(page, y - leading, leading)
    pages.append(page)
    buf = io.BytesIO()
    pages[0].save(buf, format="PDF", resolution=300, save_all=True, append_images=pages[1:])
    return buf.getvalue()


def _wear(page: Image.Image, top: int, height: int) -> None:
    """Blur one line's strip of the page and sprinkle black and white specks on it (fixed seed)."""
    box = (0, top, page.width, top + height)
    strip = page.crop(box).filter(ImageFilter.GaussianBlur(4.5))
    pixels, rnd = strip.load(), random.Random(top)
    assert pixels is not None
    for _ in range(40000):
        pixels[rnd.randrange(strip.width), rnd.randrange(strip.height)] = rnd.choice((0, 255))
    page.paste(strip, box)


def _draw_line(
    draw: ImageDraw.ImageDraw, line: str, y: int, font: ImageFont.FreeTypeFont, x: int, leading: int
) -> int:
    draw.text((x, y), line, font=font, fill=0)
    return y + leading


def convert_with_soffice(data: bytes, ext: str, tmp: Path) -> bytes:
    """The .docx saved as ``ext`` (doc, rtf) by LibreOffice, as an office would."""
    soffice = need("soffice", f".docx → .{ext} conversion")
    source = tmp / "made.docx"
    source.write_bytes(data)
    filters = {"doc": "doc:MS Word 97", "rtf": "rtf:Rich Text Format"}
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp / 'lo-profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", filters[ext], "--outdir", str(tmp), str(source)],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    return (tmp / f"made.{ext}").read_bytes()
