"""The .docx reader, on documents built with python-docx in the test."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from yigai.core.parse.blocks import ReadError
from yigai.core.parse.readers import read_bytes

LEVELS = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]


def add_list_definition(document: docx.document.Document) -> None:
    """abstractNum 90 (一、/（一）/1.), num 90 using it, num 91 restarting it at level 0."""
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:suff w:val="nothing"/></w:lvl>'
        for i, (fmt, text) in enumerate(LEVELS)
    )
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>')
    first_num = numbering.find(f"{{{numbering.nsmap['w']}}}num")
    first_num.addprevious(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="90"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
    )


def numbered(document: docx.document.Document, text: str, level: int, num_id: int = 90) -> None:
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def save(document: docx.document.Document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def build_plan() -> bytes:
    document = docx.Document()
    document.core_properties.title = "关于推进医改的实施方案"
    document.add_heading("关于推进医改的实施方案", level=1)
    add_list_definition(document)
    numbered(document, "总体要求", 0)
    numbered(document, "工作目标", 1)
    numbered(document, "建设区域医疗中心。", 2)
    numbered(document, "完善分级诊疗。", 2)
    numbered(document, "基本原则", 1)
    numbered(document, "主要任务", 0)
    numbered(document, "强化基层", 1)
    numbered(document, "建设县域医共体。", 2)
    document.add_paragraph("重点任务分工如下：\t（见表）")

    table = document.add_table(rows=4, cols=4)
    for c, text in enumerate(["序号", "具体措施", "牵头单位", "完成时限"]):
        table.cell(0, c).text = text
    table.cell(1, 2).merge(table.cell(2, 2)).text = "市卫生健康委"  # vertical merge
    for r, (no, task, due) in enumerate(
        [("1", "建设胸痛中心", "2025年12月"), ("2", "建设卒中中心", "2026年")], 1
    ):
        table.cell(r, 0).text, table.cell(r, 1).text, table.cell(r, 3).text = no, task, due
    table.cell(3, 0).merge(table.cell(3, 2)).text = "合计"  # horizontal merge
    table.cell(3, 3).text = "2项"
    nested = table.cell(2, 1).add_table(rows=1, cols=2)
    nested.cell(0, 0).text, nested.cell(0, 1).text = "子项A", "子项B"

    numbered(document, "保障措施", 0)
    numbered(document, "重新开始的列表", 0, num_id=91)
    document.add_paragraph("第一项", style="List Number")
    document.add_paragraph("第二项", style="List Number")
    return save(document)


def test_docx_text_numbering_and_table_in_order() -> None:
    doc = read_bytes("方案.docx", build_plan())
    assert doc.format == "docx" and doc.title_hint == "关于推进医改的实施方案"
    assert [b.kind for b in doc.blocks] == ["text", "table", "text"]
    before, table, after = doc.blocks
    assert before.text.split("\n") == [
        "关于推进医改的实施方案",
        "一、总体要求",
        "（一）工作目标",
        "1.建设区域医疗中心。",
        "2.完善分级诊疗。",
        "（二）基本原则",
        "二、主要任务",
        "（一）强化基层",  # restarted: a shallower level moved on
        "1.建设县域医共体。",
        "重点任务分工如下：\t（见表）",
    ]
    assert after.text.split("\n") == ["三、保障措施", "一、重新开始的列表", "1.第一项", "2.第二项"]
    assert table.rows == (
        ("序号", "具体措施", "牵头单位", "完成时限"),
        ("1", "建设胸痛中心", "市卫生健康委", "2025年12月"),
        ("2", "建设卒中中心\n子项A 子项B", "", "2026年"),
        ("合计", "", "", "2项"),
    )


def test_docx_reads_tracked_insertions_and_skips_deletions() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("到2025年，建成")
    paragraph._p.append(
        parse_xml(f"<w:ins {nsdecls('w')} w:id='1' w:author='a'><w:r><w:t>5</w:t></w:r></w:ins>")
    )
    paragraph._p.append(
        parse_xml(f"<w:del {nsdecls('w')} w:id='2' w:author='a'><w:r><w:delText>3</w:delText></w:r></w:del>")
    )
    paragraph.add_run("家互联网医院。")
    doc = read_bytes("a.docx", save(document))
    assert doc.blocks[0].text == "到2025年，建成5家互联网医院。"
    assert doc.title_hint is None


def test_docx_saved_with_a_wrong_extension_is_still_read() -> None:
    document = docx.Document()
    document.add_paragraph("正文")
    assert read_bytes("附件.txt", save(document)).format == "docx"
    assert read_bytes("附件.doc", save(document)).blocks[0].text == "正文"


def test_empty_docx() -> None:
    with pytest.raises(ReadError, match="文件为空"):
        read_bytes("a.docx", save(docx.Document()))


def test_truncated_docx() -> None:
    data = build_plan()
    with pytest.raises(ReadError) as caught:
        read_bytes("a.docx", data[: len(data) // 2])
    assert caught.value.reason == "Word（.docx）文件已损坏或不完整，无法打开"


def test_docx_with_broken_xml() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(build_plan())) as source, zipfile.ZipFile(buf, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, b"<w:document><unclosed" if item.filename == "word/document.xml" else data)
    with pytest.raises(ReadError) as caught:
        read_bytes("a.docx", buf.getvalue())
    assert caught.value.reason == "Word 文档已损坏或格式异常，无法读取"


def test_macro_enabled_word_file_is_refused_with_advice() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(build_plan())) as source, zipfile.ZipFile(buf, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
                )
            target.writestr(item, data)
    with pytest.raises(ReadError, match=r"启用宏的 Word 文档（\.docm）"):
        read_bytes("a.docm", buf.getvalue())
