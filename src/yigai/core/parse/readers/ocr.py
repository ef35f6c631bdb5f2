"""Scanned PDFs (no text layer): pages rendered by pdfium, read by Tesseract with its Chinese model.

Tesseract and ``chi_sim`` come from Debian (``tesseract-ocr``, ``tesseract-ocr-chi-sim``, installed by
``make office-deps``): nothing is downloaded at run time (ADR 0006). All pages go to one Tesseract run
through a list file; its TSV output gives each word a confidence, averaged per line. Lines read with
low confidence are counted and quoted in a document warning so the owner knows what to check, and
every line goes on with its confidence: the tasks and targets read from low lines get a review hint
(:mod:`yigai.core.parse.ocr_hints`).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess  # nosec B404  # runs the fixed tesseract binary on files we wrote
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from yigai.core.parse.blocks import RawDocument, ReadError
from yigai.core.parse.normalise import clean_line
from yigai.core.parse.ocr_hints import LOW_CONFIDENCE
from yigai.core.parse.readers.builder import BlockBuilder, has_text

NO_OCR = (
    "PDF 是扫描件（没有文字层），服务器未安装文字识别组件（tesseract 及其中文简体模型），无法读取；"
    "请管理员安装（make office-deps），或导入原始 Word 文件"
)
NOTHING_READ = "PDF 是扫描件，文字识别（OCR）未能识别出文字，请导入原始 Word 文件"
OCR_FAILED = "PDF 是扫描件，文字识别（OCR）失败，请导入原始 Word 文件"
# OCR reads the 〔〕 of a 文号 as any bracket pair: "冀卫办【2025 ] 12 号" → "冀卫办〔2025〕12号".
_DOC_YEAR = re.compile(r"[【\[［(（〔]\s*((?:19|20)\d{2})\s*[】\]］)）〕]?\s*(\d{1,4})\s*号")
# "（一）" read as "(一 )", "〈一 )", "《一 )"; "2025—2027" read as "2025 一 2027"; "一、" read as "、".
_ITEM = re.compile(r"^[《〈(（]\s*([一二三四五六七八九十]{1,3})\s*[)）〉》]")
_YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*[一-]\s*((?:19|20)\d{2})")
_SECTION = re.compile(r"^([一二三四五六七八九十]{1,3})\s*、")
_NUMERALS = "一二三四五六七八九十"
# A unit tag whose thin closing bracket OCR lost: "(省卫生健康委、省医保局按职责分工负责" at a line's end.
_OPEN_TAG = re.compile(r"[（(][^（()）]{2,80}(?:负责|牵头|配合|参与|实施|落实)$")
DPI = 150  # measured best of 150/200/300 on 三号 text scanned at 300 dpi (ADR 0006)
# Words of the genre that Tesseract's chi_sim model misreads, measured on rendered pages (ADR 0006);
# none of the misreadings is a Chinese word, so the replacement cannot damage a right reading.
_CONFUSIONS = {"奉头": "牵头", "履盖": "覆盖"}
_TIMEOUT_PER_PAGE = 60


def ocr_available() -> bool:
    binary = shutil.which("tesseract")
    if binary is None:
        return False
    try:
        out = subprocess.run(  # nosec B603
            [binary, "--list-langs"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return "chi_sim" in out.stdout.split()


def read_scanned(source: str, pdf: Any, title: str | None) -> RawDocument:
    """OCR every page of an open pypdfium2 document."""
    lines = ocr_pages(source, pdf, range(len(pdf)))
    builder = BlockBuilder()
    page_of_last = 0
    for page, text, _ in lines:
        if page != page_of_last and page_of_last:
            builder.add_line("")
        page_of_last = page
        builder.add_line(text)
    blocks = builder.blocks()
    if not has_text(blocks):
        raise ReadError(source, NOTHING_READ)
    return RawDocument(
        source=source,
        format="pdf",
        blocks=blocks,
        title_hint=title,
        warnings=(confidence_warning(lines),),
        ocr_lines=tuple((text, conf) for _, text, conf in lines),
    )


def ocr_pages(source: str, pdf: Any, indices: Iterable[int]) -> list[tuple[int, str, float]]:
    """(page number from 1, line, confidence) of the given pages (0-based indices), read by Tesseract."""
    binary = shutil.which("tesseract")
    if binary is None or not ocr_available():
        raise ReadError(source, NO_OCR)
    numbers: list[int] = []
    with tempfile.TemporaryDirectory(prefix="yigai-ocr-") as tmp:
        images = []
        for i in indices:
            page = pdf[i]
            try:
                image = page.render(scale=DPI / 72, grayscale=True).to_pil()
            finally:
                page.close()
            path = Path(tmp) / f"page{i + 1:04d}.png"
            image.save(path)
            images.append(str(path))
            numbers.append(i + 1)
        if not images:
            return []
        listing = Path(tmp) / "pages.txt"
        listing.write_text("\n".join(images) + "\n", encoding="utf-8")
        try:
            run = subprocess.run(  # nosec B603  # fixed binary and arguments, files in our temp dir
                [binary, str(listing), "stdout", "-l", "chi_sim", "--psm", "3", "tsv"],
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # threads only slow it down on a busy server
                capture_output=True,
                timeout=_TIMEOUT_PER_PAGE * max(1, len(images)),
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            raise ReadError(source, OCR_FAILED) from None
    if run.returncode != 0:
        raise ReadError(source, OCR_FAILED)
    # Tesseract numbers the pages of the list 1…n; give each line its page number in the document.
    return [
        (numbers[n - 1], text, conf) for n, text, conf in tsv_lines(run.stdout.decode("utf-8", "replace"))
    ]


def tsv_lines(tsv: str) -> list[tuple[int, str, float]]:
    """Tesseract TSV → (page, line text, mean word confidence) in reading order.

    >>> tsv = "level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n"
    >>> tsv += "5\\t1\\t1\\t1\\t1\\t1\\t0\\t0\\t9\\t9\\t96.5\\t一、\\n5\\t1\\t1\\t1\\t1\\t2\\t0\\t0\\t9\\t9\\t91.5\\t总体\\n"
    >>> tsv_lines(tsv)
    [(1, '一、总体', 94.0)]
    """
    words: dict[tuple[int, int, int, int], list[tuple[str, float]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        key = (int(row["page_num"]), int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        words.setdefault(key, []).append((row["text"], float(row["conf"])))
    out = []
    section = 0
    for key, found in words.items():
        text, section = fix_line(" ".join(w for w, _ in found), section)
        out.append((key[0], text, round(sum(c for _, c in found) / len(found), 1)))
    return close_tags(out)


def close_tags(lines: list[tuple[int, str, float]]) -> list[tuple[int, str, float]]:
    """Give back the closing bracket of a unit tag ending a line when the next line does not start with it.

    >>> close_tags([(1, "(省卫生健康委牵头", 90.0), (1, "（三）推进", 90.0)])[0][1]
    '(省卫生健康委牵头）'
    >>> close_tags([(1, "(省卫生健康委牵头", 90.0), (1, ")", 90.0)])[0][1]
    '(省卫生健康委牵头'
    """
    out = list(lines)
    for i, (page, text, conf) in enumerate(out):
        following = out[i + 1][1].lstrip() if i + 1 < len(out) else ""
        if _OPEN_TAG.search(text) and not following.startswith((")", "）")):
            out[i] = (page, text + "）", conf)
    return out


def fix_line(text: str, section: int) -> tuple[str, int]:
    """Undo the misreadings OCR makes on the marks of a policy document's structure.

    ``section`` is the number of the last "X、" heading seen: a heading whose "一"/"三" was lost
    ("、 保障措施") gets the next number.

    >>> fix_line("、 工 作 目标", 0)
    ('一、工作目标', 1)
    >>> fix_line("〈一 ) 加 强 组 织", 2)[0], fix_line("方案 (2025 一 2027 年 )", 2)[0]
    ('（一）加强组织', '方案(2025—2027年)')
    >>> fix_line("鲁 卫 基层 【2025 ] 12 号 ( 省 卫生 健康 委 奉 头 )", 0)[0]
    '鲁卫基层〔2025〕12号(省卫生健康委牵头)'
    """
    text = clean_line(text)  # "三 、 保 障 措施" → "三、保障措施": headings must be seen as headings
    for wrong, right in _CONFUSIONS.items():
        text = text.replace(wrong, right)
    text = _DOC_YEAR.sub(r"〔\1〕\2号", text)
    text = _YEAR_RANGE.sub(r"\1—\2", text)
    text = _ITEM.sub(r"（\1）", text).replace("〈", "（").replace("〉", "）")
    stripped = text.lstrip()
    if stripped.startswith("、") and section < 10:
        return _NUMERALS[section] + stripped, section + 1
    m = _SECTION.match(stripped)
    if m and m.group(1) in _NUMERALS:
        section = _NUMERALS.index(m.group(1)) + 1
    return text, section


def confidence_warning(lines: list[tuple[int, str, float]]) -> str:
    """One warning: the document was read by OCR, and which lines to check."""
    low = [(page, text) for page, text, conf in lines if conf < LOW_CONFIDENCE]
    head = f"扫描件经文字识别（OCR）读取（scanned PDF read by OCR），共 {len(lines)} 行"
    if not low:
        return head + "，识别置信度均较高；数字和单位名称仍请对照原件核对"
    page, text = low[0]
    sample = "".join(text.split())[:20]
    return head + f"，其中 {len(low)} 行识别置信度较低（如第{page}页“{sample}”），请对照原件核对"
