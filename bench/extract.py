"""Extraction throughput: the five seeds one by one, then a ~10 MB concatenation.

    python bench/extract.py [--mb 10] [--repeat 3]

Then PDFs in pages per second against raw pdfium text extraction of the same files (the floor), and
.docx in MB/s (bench/extract_formats.py; ``--formats-only`` runs that part alone).

Prints MB/s per seed and for the large document, and the ratio to a baseline a user would
otherwise run: the same text only decoded and split into lines (the cost floor of any parser),
and a naive regex pass that finds every "（责任单位：…）" tag and every percentage. The goal in
issue 2 is ≥ 1 MB/s on the large document. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from importlib import resources
from pathlib import Path

from yigai.core.parse.extract import extract_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import extract_formats

SAMPLES = Path(str(resources.files("yigai") / "data" / "samples"))


_time = extract_formats._best  # best of `repeat` wall times, shared with the formats bench


def _naive(text: str) -> int:
    tags = re.findall(r"（责任单位[:：][^）]*）", text)
    pcts = re.findall(r"\d+(?:\.\d+)?%", text)
    return len(tags) + len(pcts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=10.0, help="size of the concatenated document (MB)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--formats-only", action="store_true", help="only the PDF/.docx figures (issue 16)")
    ap.add_argument(
        "--large-only",
        action="store_true",
        help="only the large .txt and .docx, each best of --repeat (to compare two versions of the engine)",
    )
    args = ap.parse_args()

    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))}
    if args.large_only:
        extract_formats.large_only(texts, args.mb, args.repeat)
        sys.exit(0)
    if args.formats_only:
        extract_formats.run(texts, args.repeat)
        sys.exit(0)
    print(f"{'document':<28}{'size KB':>9}{'tasks':>7}{'targets':>8}{'seconds':>9}{'MB/s':>8}")
    for name, text in texts.items():
        size = len(text.encode("utf-8")) / 1e6
        secs = _time(lambda t=text, n=name: extract_text(n, t), args.repeat)
        doc = extract_text(name, text)
        print(
            f"{name[:27]:<28}{size * 1000:>9.1f}{len(doc.tasks):>7}{len(doc.targets):>8}{secs:>9.3f}{size / secs:>8.2f}"
        )

    # A large document: the annex-structured plan (004) and the task table (003) repeated, so
    # that structure, tables and targets all scale. Each copy is a new annex.
    unit = "\n\n".join(texts[n] for n in sorted(texts) if n.startswith(("002", "003", "004")))
    copies = max(1, int(args.mb * 1e6 / len(unit.encode("utf-8"))))
    big = "\n\n".join(f"附件{i + 1}\n{unit}" for i in range(copies))
    size = len(big.encode("utf-8")) / 1e6
    print(f"\nlarge document: {size:.1f} MB ({copies} copies of seeds 002–004)")

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    t0 = time.perf_counter()
    doc = extract_text("big.txt", big)
    secs = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    floor = _time(lambda: big.encode("utf-8").decode("utf-8").split("\n"), args.repeat)
    naive = _time(lambda: _naive(big), args.repeat)
    print(
        f"yigai extract      {secs:8.2f} s   {size / secs:6.2f} MB/s   tasks {len(doc.tasks)}   targets {len(doc.targets)}"
    )
    print(f"  peak RSS {rss:.0f} MB (before the run {rss0:.0f} MB)")
    print(f"decode + split     {floor:8.3f} s   {size / floor:6.1f} MB/s   (cost floor)")
    print(
        f"naive regex pass   {naive:8.3f} s   {size / naive:6.1f} MB/s   (unit tags and % only, no structure)"
    )
    print(f"ratio yigai / naive regex: {secs / naive:.1f}×")
    goal = size / secs >= 1.0
    print(f"goal ≥ 1 MB/s: {'met' if goal else 'NOT met'}")
    extract_formats.run(texts, args.repeat)
    sys.exit(0)


if __name__ == "__main__":
    main()
