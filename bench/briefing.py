"""The Word briefing on the demo: how long building it takes (issue 14 asks for under 1 s), and the PDF.

    YIGAI_DATA_DIR=/tmp/demo .venv/bin/yigai demo           # once: the demo data
    YIGAI_DATA_DIR=/tmp/demo .venv/bin/python bench/briefing.py [--runs 5] [--org 131000] [--pdf] [--draw]

In process, against the demo database of ``YIGAI_DATA_DIR`` (or ``DATABASE_URL``): the province's briefing
(or ``--org``'s) built ``--runs`` times after one warm-up; prints the median and best wall time of gathering
the inputs (collect) and of writing the .docx, and with ``--pdf`` one LibreOffice conversion. Nothing is
asserted: the figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--org", default="")
    parser.add_argument("--pdf", action="store_true")
    parser.add_argument("--draw", action="store_true", help="draw the charts on every run (no chart cache)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yigai.web.settings")
    import django

    django.setup()
    from yigai.apps.dashboard.briefing import briefing_docx
    from yigai.apps.dashboard.inputs import access_scope, collect

    scope = access_scope(user=None, code=args.org)
    gather: list[float] = []
    write: list[float] = []
    cpu: list[float] = []  # CPU time: what the figure would be on an idle machine
    from yigai.apps.dashboard import charts

    for run in range(args.runs + 1):
        if args.draw:
            charts._drawn.cache_clear()
        t0, c0 = time.perf_counter(), time.process_time()
        inputs = collect(user=None, scope=scope)
        t1 = time.perf_counter()
        result = briefing_docx(inputs)
        t2, c2 = time.perf_counter(), time.process_time()
        if run:  # the first run warms caches and imports
            gather.append(t1 - t0)
            write.append(t2 - t1)
            cpu.append(c2 - c0)
    total = [a + b for a, b in zip(gather, write, strict=True)]
    t = result.summary.total
    print(f"{scope.name}: {t.total} items, {sum(t.targets.values())} targets, {result.charts} charts, "
          f"{len(result.data) // 1024} KiB")  # fmt: skip
    for label, xs in (("collect", gather), ("docx", write), ("total", total), ("cpu", cpu)):
        print(f"{label:<8} median {statistics.median(xs) * 1000:7.0f} ms   best {min(xs) * 1000:7.0f} ms")
    if args.pdf:
        from yigai.apps.dashboard.pdf import docx_to_pdf

        t0 = time.perf_counter()
        pdf, why = docx_to_pdf(result.data)
        print(f"pdf      {(time.perf_counter() - t0) * 1000:7.0f} ms" if pdf else f"pdf      skipped: {why}")


if __name__ == "__main__":
    main()
