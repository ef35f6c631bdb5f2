"""PDF, .docx and web-page throughput for bench/extract.py (issue 16).

PDFs are reported in pages per second against the floor: raw pdfium text extraction of the same
files in the same run (open, and ``get_text_range()`` on every page — what any PDF reader must at
least do). The goal is yigai within 3× of the floor. pdfplumber's text extraction of the same pages
(the reader before issue 16) is shown for comparison. .docx is reported in MB/s of its text.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_PDFS = [ROOT / "tests/corpus/docs/gansu_medical_service_system_plan.pdf",
               ROOT / "tests/corpus_holdout/docs/guangxi_2023_service_system_plan.pdf"]  # fmt: skip


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def seed_pdf(text: str) -> bytes:
    """A seed's text set as a text-only PDF (SimSun-like CID font, 12 pt, A4)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)
    per_line, y = 38, A4[1] - 60
    pdf.setFont("STSong-Light", 12)
    for paragraph in text.splitlines():
        for i in range(0, max(1, len(paragraph)), per_line):
            if y < 60:
                pdf.showPage()
                pdf.setFont("STSong-Light", 12)
                y = A4[1] - 60
            pdf.drawString(60, y, paragraph[i : i + per_line])
            y -= 20
    pdf.save()
    return buf.getvalue()


def seed_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def pdfium_floor(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    chars = 0
    for i in range(len(pdf)):
        page = pdf[i]
        textpage = page.get_textpage()
        chars += len(textpage.get_text_range())
        textpage.close()
        page.close()
    pdf.close()
    return chars


def pdfplumber_text(data: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return sum(len(page.extract_text() or "") for page in pdf.pages)


def run(texts: dict[str, str], repeat: int, docx_mb: float = 2.0) -> None:
    import pypdfium2 as pdfium

    from yigai.core.parse.extract import extract_bytes
    from yigai.core.parse.readers import read_bytes

    pdfs = {name.replace(".txt", ".pdf"): seed_pdf(text) for name, text in texts.items()}
    pdfs.update({p.name: p.read_bytes() for p in CORPUS_PDFS if p.exists()})
    print(f"\nPDF (pages per second; floor = raw pdfium text of the same files, best of {repeat})")
    print(f"{'document':<40}{'pages':>6}{'floor':>9}{'read':>9}{'extract':>9}{'×floor':>8}{'plumber':>9}")
    totals = [0, 0.0, 0.0, 0.0, 0.0]
    for name, data in pdfs.items():
        pages = len(pdfium.PdfDocument(data))
        floor = _best(lambda d=data: pdfium_floor(d), repeat)
        read = _best(lambda d=data, n=name: read_bytes(n, d), repeat)
        full = _best(lambda d=data, n=name: extract_bytes(n, d), repeat)
        plumber = _best(lambda d=data: pdfplumber_text(d), 1)
        for i, v in enumerate((pages, floor, read, full, plumber)):
            totals[i] += v
        print(f"{name[:39]:<40}{pages:>6}{pages / floor:>9.0f}{pages / read:>9.0f}{pages / full:>9.0f}"
              f"{full / floor:>8.1f}{pages / plumber:>9.1f}")  # fmt: skip
    pages, floor, read, full, plumber = totals
    print(f"{'all':<40}{pages:>6.0f}{pages / floor:>9.0f}{pages / read:>9.0f}{pages / full:>9.0f}"
          f"{full / floor:>8.1f}{pages / plumber:>9.1f}")  # fmt: skip
    print(f"read only: {read / floor:.1f}× the pdfium floor; read + extract: {full / floor:.1f}× "
          f"(goal ≤ 3×: {'met' if read / floor <= 3 else 'NOT met'} for reading)")  # fmt: skip

    print("\n.docx (MB/s of text, python-docx + the engine)")
    size = total = 0.0
    for name, text in texts.items():
        data = seed_docx(text)
        mb = len(text.encode("utf-8")) / 1e6
        secs = _best(lambda d=data, n=name: extract_bytes(n.replace(".txt", ".docx"), d), repeat)
        size, total = size + mb, total + secs
        print(f"{name.replace('.txt', '.docx')[:39]:<40}{mb * 1000:>8.1f} KB{mb / secs:>8.2f} MB/s")
    print(f"{'all (each file pays python-docx opening)':<40}{size * 1000:>8.1f} KB{size / total:>8.2f} MB/s")
    unit = "\n".join(texts[n] for n in sorted(texts) if n.startswith(("002", "003", "004")))
    big = "\n".join(f"附件{i + 1}\n{unit}" for i in range(max(1, int(docx_mb * 1e6 / len(unit.encode())))))
    data = seed_docx(big)
    mb = len(big.encode("utf-8")) / 1e6
    read = _best(lambda: read_bytes("big.docx", data), 1)
    secs = _best(lambda: extract_bytes("big.docx", data), 1)
    print(f"{'large .docx (seeds 002–004 repeated)':<40}{mb * 1000:>8.1f} KB{mb / secs:>8.2f} MB/s "
          f"(read only {mb / read:.2f} MB/s; goal ≥ 1 MB/s: {'met' if mb / secs >= 1 else 'NOT met'})")  # fmt: skip


def large_only(texts: dict[str, str], mb: float, repeat: int, docx_mb: float = 2.0) -> None:
    """The large .txt (bench/extract.py's) and the large .docx (run()'s), each best of ``repeat`` in wall
    time and, separately, in this process's CPU time (steadier on a shared machine)."""
    from yigai.core.parse.extract import extract_bytes, extract_text

    def both(fn: Callable[[], object]) -> tuple[float, float]:
        wall = cpu = float("inf")
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            wall, cpu = min(wall, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
        return wall, cpu

    unit = "\n\n".join(texts[n] for n in sorted(texts) if n.startswith(("002", "003", "004")))
    copies = max(1, int(mb * 1e6 / len(unit.encode("utf-8"))))
    big = "\n\n".join(f"附件{i + 1}\n{unit}" for i in range(copies))
    size = len(big.encode("utf-8")) / 1e6
    wall, cpu = both(lambda: extract_text("big.txt", big))
    print(
        f"large .txt  {size:5.1f} MB  wall {wall:6.2f} s {size / wall:5.2f} MB/s  cpu {cpu:6.2f} s {size / cpu:5.2f} MB/s"
    )
    unit = "\n".join(texts[n] for n in sorted(texts) if n.startswith(("002", "003", "004")))
    big = "\n".join(f"附件{i + 1}\n{unit}" for i in range(max(1, int(docx_mb * 1e6 / len(unit.encode())))))
    data = seed_docx(big)
    size = len(big.encode("utf-8")) / 1e6
    wall, cpu = both(lambda: extract_bytes("big.docx", data))
    print(
        f"large .docx {size:5.1f} MB  wall {wall:6.2f} s {size / wall:5.2f} MB/s  cpu {cpu:6.2f} s {size / cpu:5.2f} MB/s"
    )
