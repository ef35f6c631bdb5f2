"""Readers for text formats (txt, HTML, Markdown), format sniffing, bad input and the seeds."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest

from yigai.core.parse.blocks import Block, RawDocument, ReadError
from yigai.core.parse.readers import read_bytes, read_path

SAMPLES = Path(__file__).parents[3] / "src" / "yigai" / "data" / "samples"
POLICY = "一、总体要求\r\n\t（一）到2025年，建成5家互联网医院。\r\n\r\n二、保障措施\r"


def reason(name: str, data: bytes, **kwargs: int) -> str:
    with pytest.raises(ReadError) as caught:
        read_bytes(name, data, **kwargs)
    assert caught.value.source == Path(name).name
    assert "\n" not in caught.value.reason and "Traceback" not in caught.value.reason
    return caught.value.reason


def only_text(doc: RawDocument) -> str:
    assert [b.kind for b in doc.blocks] == ["text"]
    return doc.blocks[0].text


def tables(doc: RawDocument) -> list[tuple[tuple[str, ...], ...]]:
    return [b.rows for b in doc.blocks if b.kind == "table"]


# -- plain text ---------------------------------------------------------------------------
EXPECTED = "一、总体要求\n\t（一）到2025年，建成5家互联网医院。\n\n二、保障措施"


@pytest.mark.parametrize(
    "data",
    [
        POLICY.encode("utf-8"),
        codecs.BOM_UTF8 + POLICY.encode("utf-8"),
        POLICY.encode("gbk"),
        POLICY.encode("gb18030"),
        codecs.BOM_UTF16_LE + POLICY.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + POLICY.encode("utf-16-be"),
        POLICY.encode("utf-16-le"),  # Windows "Unicode" text without a BOM
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16le-bom", "utf16be-bom", "utf16le-no-bom"],
)
def test_txt_encodings_keep_tabs_and_blank_lines(data: bytes) -> None:
    doc = read_bytes("方案.txt", data)
    assert doc.format == "txt" and doc.source == "方案.txt" and doc.title_hint is None
    assert only_text(doc) == EXPECTED


def test_txt_keeps_punctuation_and_spaces_untouched() -> None:
    text = "冀政办字〔2021〕82 号 \n　　到 2025 年，床位数≥6.5张/千人；“十四五”期间"
    assert only_text(read_bytes("a.txt", text.encode())) == text


def test_gbk_text_is_not_mistaken_for_utf8() -> None:
    assert only_text(read_bytes("a.txt", "牵头单位：市卫生健康委".encode("gbk"))) == "牵头单位：市卫生健康委"


def test_read_path_uses_the_base_name(tmp_path: Path) -> None:
    path = tmp_path / "通知.txt"
    path.write_bytes(POLICY.encode("gbk"))
    doc = read_path(path)
    assert doc.source == "通知.txt" and only_text(doc) == EXPECTED


def test_pipe_text_without_front_matter_stays_plain_text() -> None:
    doc = read_bytes("a.txt", "指标 | 值\n---|---\n床位 | 5\n".encode())
    assert doc.format == "txt" and "|" in only_text(doc)


def test_text_mentioning_angle_brackets_is_not_html() -> None:
    doc = read_bytes("a.txt", "孕产妇死亡率<10/10万，婴儿死亡率<5‰".encode())
    assert doc.format == "txt" and only_text(doc) == "孕产妇死亡率<10/10万，婴儿死亡率<5‰"


# -- HTML ---------------------------------------------------------------------------------
PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>某市卫健委 - 关于印发方案的通知</title>
<style>p { color: red; }</style><script>var a = "<p>不应出现</p>";</script></head>
<body><!-- 导航 --><div class="nav">首页</div>
<h1>关于印发方案的通知</h1>
<p>&#12288;&#12288;各县（市、区）卫生健康局：</p>
<p>到2025年&nbsp;床位&gt;=6张&#65292;A&amp;B&#123;x&#125;</p><p>第一行<br>第二行</p>
<table><caption>附件 任务分工</caption>
<tr><th>序号</th><th>任务</th><th>牵头单位</th></tr>
<tr><td>1</td><td>建设
  区域医疗中心</td><td rowspan="2">市卫生健康委</td></tr>
<tr><td>2</td><td>完善<table><tr><td>子项A</td><td>子项B</td></tr></table></td></tr>
<tr><td colspan="2">合计</td><td>2项</td></tr>
</table>
<p>此页无正文</p>
</body></html>"""


def test_html_page() -> None:
    doc = read_bytes("notice.html", PAGE.encode())
    assert doc.format == "html"
    assert doc.title_hint == "关于印发方案的通知"  # <h1> beats the site-decorated <title>
    first, table, last = doc.blocks
    assert first.kind == "text" and last == Block(kind="text", text="此页无正文")
    assert first.text.split("\n") == [
        "首页",
        "关于印发方案的通知",
        "\u3000\u3000各县（市、区）卫生健康局：",
        "到2025年 床位>=6张，A&B{x}",
        "第一行",
        "第二行",
        "附件 任务分工",
    ]
    for junk in ("color", "var a", "不应出现", "导航", "<", "&"):
        assert junk not in first.text.replace("A&B", "")
    assert table.rows == (
        ("序号", "任务", "牵头单位"),
        ("1", "建设 区域医疗中心", "市卫生健康委"),
        ("2", "完善\n子项A 子项B", ""),
        ("合计", "", "2项"),
    )


def test_html_title_falls_back_to_title_tag() -> None:
    doc = read_bytes(
        "a.htm", "<html><head><title>实施方案</title></head><body><p>正文</p></body></html>".encode()
    )
    assert doc.title_hint == "实施方案" and only_text(doc) == "正文"


def test_html_with_unclosed_head_still_has_a_body() -> None:
    doc = read_bytes("a.html", b"<html><head><title>t</title><body><p>\xe6\xad\xa3\xe6\x96\x87</p>")
    assert only_text(doc) == "正文"


def test_txt_holding_front_matter_and_html_is_rendered() -> None:
    data = '\n---\ntitle: "某某：三项措施"\ndate: 2021\n---\n\n<div>\n<p>　　第一段&#123;</p><!-- c -->\n<p>第二段</p>\n</div>'
    doc = read_bytes("post.txt", data.encode())
    assert doc.title_hint == "某某：三项措施"
    assert only_text(doc) == "　　第一段{\n第二段"


def test_txt_of_html_tags_without_front_matter_is_html() -> None:
    doc = read_bytes("a.txt", "<p>第一段</p>\n<p>第二段</p>".encode())
    assert doc.format == "html" and only_text(doc) == "第一段\n第二段"


def test_word_web_page_saved_as_doc_is_read_as_html() -> None:
    data = '<html xmlns:w="urn:schemas-microsoft-com:office:word"><body><p>通知正文</p></body></html>'
    doc = read_bytes("附件.doc", data.encode("gbk"))
    assert doc.format == "html" and only_text(doc) == "通知正文"


# -- Markdown -----------------------------------------------------------------------------
MARKDOWN = """---
title: '健康河北''s 行动方案'
tags: [a, b]
---
# 健康河北建设行动方案

## 一、**总体目标**

到2027年，人均预期寿命达到[全国](http://x)平均水平。
填写单位：________

| 指标 | 2025年 | 2027年 |
|:-----|------:|:-----:|
| 每千人口床位数（张） | **6.5** | 7<br>（含） |
| 备注\\|说明 |  |

正文结束
"""


def test_markdown() -> None:
    doc = read_bytes("plan.md", MARKDOWN.encode())
    assert doc.format == "md" and doc.title_hint == "健康河北's 行动方案"
    text, table, tail = doc.blocks
    assert text.text.split("\n") == [
        "健康河北建设行动方案",
        "",
        "一、总体目标",
        "",
        "到2027年，人均预期寿命达到全国平均水平。",
        "填写单位：________",
    ]
    assert table.rows == (
        ("指标", "2025年", "2027年"),
        ("每千人口床位数（张）", "6.5", "7\n（含）"),
        ("备注|说明", "", ""),
    )
    assert tail.text == "正文结束"


# -- seeds --------------------------------------------------------------------------------
def seed(prefix: str) -> RawDocument:
    (path,) = SAMPLES.glob(f"{prefix}_*.txt")
    return read_path(path)


def test_seed_000_keeps_pdf_hard_breaks() -> None:
    text = only_text(seed("000"))
    assert "冀政办字〔2021〕82 号" in text
    assert "各市（含定州、辛集市）人民政府，雄安新区管委会，省政\n\n府有关部门" in text


def test_seed_001_is_rendered_html_with_front_matter_title() -> None:
    doc = seed("001")
    assert doc.title_hint == "河北：六项举措促进优质医疗资源均衡布局"
    text = only_text(doc)
    for junk in ("<p>", "<div", "&#123;", "{", "appendQr", "title:", "---", "新浪财经－国內"):
        assert junk not in text
    assert text.startswith("\u3000\u3000原标题：河北六项举措促进优质医疗资源均衡布局\n")
    assert "每个县（市、区）至少建设1所康复医疗中心" in text


def test_seed_002_003_004_are_plain_text() -> None:
    assert only_text(seed("002")).startswith("关于进一步完善医疗卫生服务体系的\n实  施  方  案\n\n")
    text = only_text(seed("003"))
    assert text.startswith("附件1\n推动公立医院高质量发展重点任务分工\n\n\t序号\n\t目标任务\n")
    assert text.count("\t") == (SAMPLES / "003_ee25766b79f023db.txt").read_text().count("\t")
    assert "\t1\n\t（一）合理布局医疗卫生资源\n" in text
    assert only_text(seed("004")).startswith("健康河北建设行动方案\n（2023—2027年）\n")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_seed_reads_with_its_base_name(prefix: str) -> None:
    doc = seed(prefix)
    assert doc.source.startswith(prefix + "_") and doc.source.endswith(".txt")
    assert len(only_text(doc)) > 1000 and "\r" not in only_text(doc)


# -- sniffing and bad input ---------------------------------------------------------------
def _zip(names: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buf.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.txt", b"", "文件为空"),
        ("a.txt", b" \r\n\t \n", "文件为空"),
        ("a.txt", "\u3000\u3000\n".encode(), "文件为空"),
        ("a.txt", codecs.BOM_UTF8, "文件为空"),
        ("a.docx", b"", "文件为空"),
        ("a.txt", b"\x00\x01\x02\x03binary\x00\xff\x10\x00\x00\x07", "不是文本文件（含二进制内容）"),
        ("a.txt", b"abc\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f", "不是文本文件（含二进制内容）"),
        ("a.txt", b"\x80\x80\x80 \xff\xfa", "无法识别文本编码"),
        ("a.xls", OLE, "不支持旧版 Excel .xls 格式，请另存为 .xlsx"),
        ("a.docx", OLE + "EncryptionInfo".encode("utf-16-le"), "文件设置了打开密码"),
        ("a.doc", "不是 Word 文件".encode(), "文件扩展名为 .doc，但内容不是有效的 Word 文件"),
        ("scan.jpg", b"\xff\xd8\xff\xe0" + bytes(100), "文字识别（OCR）"),
        ("scan.txt", b"\x89PNG\r\n\x1a\n" + bytes(100), "文字识别（OCR）"),
        ("a.zip", _zip({"a.docx": b"x"}), "不支持压缩包，请解压后"),
        ("a.rar", b"Rar!\x1a\x07\x00" + bytes(50), "不支持压缩包"),
        ("a.pptx", _zip({"ppt/presentation.xml": b"<p/>"}), "不支持演示文稿"),
        ("a.ofd", _zip({"OFD.xml": b"<ofd/>"}), "不支持 OFD 版式文件"),
        ("a.csv", "序号,任务\n1,建设".encode(), "不支持 CSV 文件"),
        ("a.mht", b"MIME-Version: 1.0\r\nContent-Type: multipart/related;", "不支持 .mht 网页存档"),
        ("a.docx", b"PK\x03\x04 this is not really a zip archive", "Word（.docx）文件已损坏或不完整"),
        ("a.docx", _zip({"other.xml": b"<x/>"}), "Word（.docx）文件已损坏（缺少正文部分）"),
        ("a.pdf", b"<html><body>404 Not Found</body></html>", "内容不是有效的 PDF 文件"),
        ("a.xlsx", "序号\t任务".encode(), "内容不是有效的 Excel（.xlsx）文件"),
    ],
)
def test_bad_input_has_a_clear_reason(name: str, data: bytes, expected: str) -> None:
    assert expected in reason(name, data)


def test_size_limit() -> None:
    assert "文件过大" in reason("a.txt", b"x" * 2048, max_bytes=1024)
    assert "1 MB 的上限" in reason("a.txt", b"x" * (2**20 + 1), max_bytes=2**20)
    assert read_bytes("a.txt", b"x" * 1024, max_bytes=1024).blocks[0].text == "x" * 1024


def test_size_limit_is_checked_before_reading_a_path(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"y" * 5000)
    with pytest.raises(ReadError, match="文件过大"):
        read_path(path, max_bytes=4096)


def test_zip_bomb_is_refused() -> None:
    bomb = _zip({"word/document.xml": b"\x20" * 200_000})
    assert reason("a.docx", bomb, max_bytes=10_000) == "文件解压后过大，无法读取"


def test_missing_path_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="文件不存在"):
        read_path(tmp_path / "nope.docx")
    with pytest.raises(ReadError, match="文件夹"):
        read_path(tmp_path)
