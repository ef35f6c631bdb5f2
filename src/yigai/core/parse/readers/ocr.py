"""Scanned PDFs (no text layer): pages rendered by pdfium, read by Tesseract with its Chinese model.

Tesseract and ``chi_sim`` come from Debian (``tesseract-ocr``, ``tesseract-ocr-chi-sim``, installed by
``make office-deps``): nothing is downloaded at run time (ADR 0006). All pages go to one Tesseract run
through a list file; its TSV output gives each word a confidence, averaged per line. Lines read with
low confidence are counted and quoted in a document warning so the owner knows what to check.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess  # nosec B404 - runs the fixed tesseract binary on files we wrote
import tempfile
from pathlib import Path
from typing import Any

from yigai.core.parse.blocks import RawDocument, ReadError
from yigai.core.parse.readers.builder import BlockBuilder, has_text

NO_OCR = (
    "PDF 是扫描件（没有文字层），服务器未安装文字识别组件（tesseract 及其中文简体模型），无法读取；"
    "请管理员安装（make office-deps），或导入原始 Word 文件"
)
NOTHING_READ = "PDF 是扫描件，文字识别（OCR）未能识别出文字，请导入原始 Word 文件"
OCR_FAILED = "PDF 是扫描件，文字识别（OCR）失败，请导入原始 Word 文件"
# OCR reads the 〔〕 of a 文号 as any bracket pair: "冀卫办【2025 ] 12 号" → "冀卫办〔2025〕12号".
_DOC_YEAR = re.compile(r"[【\[［(（〔]\s*((?:19|20)\d{2})\s*[】\]］)）〕]\s*(\d{1,4})\s*号")
LOW_CONFIDENCE = 60.0  # mean word confidence (0–100) below which a line is flagged
DPI = 300
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
    binary = shutil.which("tesseract")
    if binary is None or not ocr_available():
        raise ReadError(source, NO_OCR)
    with tempfile.TemporaryDirectory(prefix="yigai-ocr-") as tmp:
        images = []
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                image = page.render(scale=DPI / 72, grayscale=True).to_pil()
            finally:
                page.close()
            path = Path(tmp) / f"page{i + 1:04d}.png"
            image.save(path)
            images.append(str(path))
        listing = Path(tmp) / "pages.txt"
        listing.write_text("\n".join(images) + "\n", encoding="utf-8")
        try:
            run = subprocess.run(  # nosec B603 - fixed binary and arguments, files in our temp dir
                [binary, str(listing), "stdout", "-l", "chi_sim", "--psm", "3", "tsv"],
                capture_output=True,
                timeout=_TIMEOUT_PER_PAGE * max(1, len(images)),
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            raise ReadError(source, OCR_FAILED) from None
    if run.returncode != 0:
        raise ReadError(source, OCR_FAILED)
    lines = tsv_lines(run.stdout.decode("utf-8", "replace"))
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
        source=source, format="pdf", blocks=blocks, title_hint=title, warnings=(confidence_warning(lines),)
    )


def tsv_lines(tsv: str) -> list[tuple[int, str, float]]:
    """Tesseract TSV → (page, line text, mean word confidence) in reading order.

    >>> tsv = "level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n"
    >>> tsv += "5\\t1\\t1\\t1\\t1\\t1\\t0\\t0\\t9\\t9\\t96.5\\t一、\\n5\\t1\\t1\\t1\\t1\\t2\\t0\\t0\\t9\\t9\\t91.5\\t总体\\n"
    >>> tsv_lines(tsv)
    [(1, '一、 总体', 94.0)]
    """
    words: dict[tuple[int, int, int, int], list[tuple[str, float]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        key = (int(row["page_num"]), int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        words.setdefault(key, []).append((row["text"], float(row["conf"])))
    out = []
    for key, found in words.items():
        text = _DOC_YEAR.sub(r"〔\1〕\2号", " ".join(w for w, _ in found))
        out.append((key[0], text, round(sum(c for _, c in found) / len(found), 1)))
    return out


def confidence_warning(lines: list[tuple[int, str, float]]) -> str:
    """One warning: the document was read by OCR, and which lines to check."""
    low = [(page, text) for page, text, conf in lines if conf < LOW_CONFIDENCE]
    head = f"扫描件经文字识别（OCR）读取（scanned PDF read by OCR），共 {len(lines)} 行"
    if not low:
        return head + "，识别置信度均较高；数字和单位名称仍请对照原件核对"
    page, text = low[0]
    sample = "".join(text.split())[:20]
    return head + f"，其中 {len(low)} 行识别置信度较低（如第{page}页“{sample}”），请对照原件核对"
