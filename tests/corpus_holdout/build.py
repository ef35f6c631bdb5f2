"""Build the binary documents of the held-out corpus (deterministic).

Run from the repository root: ``.venv/bin/python tests/corpus_holdout/build.py``. The generated files
are committed, so tests and the scorer never need to rebuild them. Text documents (.txt, .html, .md)
are written by hand in ``docs/``; this script only produces:

* ``ningbo_2024_yigai_tasks_autonum.docx``  headings and items numbered by Word auto-numbering
  (a numbering definition in numbering.xml; the numbers are NOT in the paragraph text)
* ``foshan_2023_hospital_hq_merged_units.docx`` a 5-column task table whose 责任单位 cells are merged
  vertically across rows
* ``feixi_county_2024_yigai_tasks.xlsx``    a county task list with a merged title row and a 备注 column
* ``guangxi_2023_service_system_plan.pdf``  a two-level PDF outline (bookmarks) and a ruled indicator
  table (reportlab, STSong-Light), text from ``build_src/guangxi_2023_service_system_plan.pdf.txt``

The document contents and their builders live in one module per format: ``build_word.py`` (the two
.docx), ``build_xlsx.py``, ``build_pdf.py``; ``build_ooxml.py`` makes the zip-based formats' bytes
reproducible. They are imported by their bare names (Python puts this script's folder on ``sys.path``).
"""

from __future__ import annotations

from pathlib import Path

from build_pdf import build_guangxi
from build_word import build_foshan, build_ningbo
from build_xlsx import build_feixi

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"
SRC = HERE / "build_src"


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    build_ningbo(DOCS / "ningbo_2024_yigai_tasks_autonum.docx")
    build_foshan(DOCS / "foshan_2023_hospital_hq_merged_units.docx")
    build_feixi(DOCS / "feixi_county_2024_yigai_tasks.xlsx")
    build_guangxi(
        SRC / "guangxi_2023_service_system_plan.pdf.txt", DOCS / "guangxi_2023_service_system_plan.pdf"
    )
    print("built 4 documents in", DOCS)


if __name__ == "__main__":
    main()
