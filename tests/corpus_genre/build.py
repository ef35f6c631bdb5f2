"""Build the binary documents of the genre corpus (deterministic).

Run from the repository root: ``.venv/bin/python tests/corpus_genre/build.py``. The generated files are
committed. Text documents (.txt, .html) are written by hand in ``docs/``; this script produces:

* ``dalian_2024_service_system_plan_annex_table.docx``  a city 实施方案 whose tasks are only in the
  附件 任务分工表 (序号/重点任务/具体措施/牵头单位/配合单位/完成时限, 重点任务 merged downwards)
* ``changchun_2024_yigai_task_list_table_only.docx``  a table-only 任务清单: one title line, then the
  table; 责任单位 cells say "A牵头，B、C按职责分工负责"; 完成时限 are months without a year ("9月底前"),
  with a merged "持续推进" cell
* ``yangcheng_2023_county_yigongti_plan.pdf``  a county 医共体 plan as a text-layer PDF (reportlab,
  STSong-Light): lines broken at the page width as a typeset 公文 is, page numbers "— 1 —", no outline

The OOXML helpers (reproducible zip bytes, merged cells) are the held-out corpus's, imported from its folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "corpus_holdout"))

from build_genre_word import build_changchun, build_dalian  # noqa: E402

DOCS = HERE / "docs"
SRC = HERE / "build_src"


def build_plain_pdf(src: Path, path: Path, title: str) -> None:
    """Body lines wrapped at the page width, a page number at the foot of every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font, size, leading, margin = "STSong-Light", 14, 26, 72
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle(title)
    c.setAuthor("yigai genre corpus")
    width, height = A4
    per_line = int((width - 2 * margin) // size)
    y, page = height - margin, 1
    for raw in src.read_text(encoding="utf-8").split("\n"):
        chunks = [raw[i : i + per_line] for i in range(0, len(raw), per_line)] or [""]
        for chunk in chunks:
            if y < margin:
                c.setFont(font, 11)
                c.drawCentredString(width / 2, 36, f"— {page} —")
                c.showPage()
                y, page = height - margin, page + 1
            c.setFont(font, size)
            c.drawString(margin, y, chunk)
            y -= leading if chunk else leading / 2
    c.setFont(font, 11)
    c.drawCentredString(width / 2, 36, f"— {page} —")
    c.showPage()
    c.save()


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    build_dalian(DOCS / "dalian_2024_service_system_plan_annex_table.docx")
    build_changchun(DOCS / "changchun_2024_yigai_task_list_table_only.docx")
    build_plain_pdf(
        SRC / "yangcheng_2023_county_yigongti_plan.pdf.txt",
        DOCS / "yangcheng_2023_county_yigongti_plan.pdf",
        "阳城县紧密型县域医疗卫生共同体建设实施方案（2023—2025年）",
    )
    print("built 3 documents in", DOCS)


if __name__ == "__main__":
    main()
