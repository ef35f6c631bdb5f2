"""Record-level indicators at province scale (issue 17): yigai against pandas, PostgreSQL and a DuckDB floor.

    python bench/records.py                          # scale 0.01 (~4 M visits, a year)
    python bench/records.py --scale 0.1              # the issue's target: ~40 M visits, ~1.4 M discharges
    python bench/records.py --scales 0.01,0.03,0.1   # how cost grows
    python bench/records.py --only floor,pandas      # some of: yigai, spark, pandas, postgres, floor

For each scale it generates a synthetic year with ``yigai records synth`` (or reuses the directory under
``--data`` made by an earlier run: same scale, year and seed), then runs every step in its own process
under ``/usr/bin/time`` for its wall time, CPU time (user + system; steadier than wall time on a busy
machine) and peak RSS (children included):

* **yigai** — ``yigai records weights`` + ``yigai records import`` (services, family_doctor) into a fresh
  data directory (its empty database created first, untimed, as installing yigai does), then
  ``yigai records compute --engine duckdb`` (and ``--engine spark``, local mode);
  reported as not available while those commands are missing;
* **pandas** — ``bench/_records_baselines.py``: read Parquet, check, pseudonymise per distinct ID,
  write a zone; then ``groupby`` (address space capped with RLIMIT_AS, ``--pandas-memory-gb``);
* **PostgreSQL** — the same pseudonyms streamed into ``COPY``, checks and ``ANALYZE``; then the
  indicator set in SQL (peak RSS and CPU are the client's: the server's are not counted);
* **floor** — the indicator set as hand-written DuckDB SQL straight over the Parquet files.

Every result must equal the floor's, cell by cell (a mismatch is printed as an ERROR and the exit status
is 1). Times are printed, never asserted. The PostgreSQL database (``--dsn``) is dropped and re-created.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import _records_baselines as rb  # noqa: E402

from yigai.core.records.synth import GENERATOR, read_about  # noqa: E402

PY = sys.executable
YIGAI = [PY, "-c", "from yigai.cli import main; main()"]
STEPS = ("floor", "pandas", "postgres", "yigai", "spark")
# yigai's record indicator codes (src/yigai/data/records_indicators.yaml) → the baselines' codes
YIGAI_CODES = {
    "IN_COUNTY_VISIT_RATE": "COUNTY_VISIT_RATE", "REC_IN_COUNTY_INPATIENT_RATE": "COUNTY_INPATIENT_SHARE",
    "REC_PRIMARY_VISIT_SHARE": "PRIMARY_CARE_SHARE", "REC_DAY_SURGERY_SHARE": "DAY_SURGERY_SHARE",
    "REC_APPOINTMENT_RATE": "APPOINTMENT_RATE", "REC_OUTPATIENT_COST_PER_VISIT": "OUTPATIENT_COST",
    "REC_INPATIENT_COST_PER_DISCHARGE": "INPATIENT_COST", "REC_AVERAGE_LENGTH_OF_STAY": "AVERAGE_STAY",
    "REC_DOWNWARD_REFERRALS": "DOWN_REFERRALS", "REC_INTERNET_VISIT_SHARE": "INTERNET_SHARE", "REC_CMI": "CMI",
    "FD_COVERAGE": "FD_CONTRACTED", "FD_COVERAGE_KEY": "FD_CONTRACTED_KEY",
}  # fmt: skip
OOM = re.compile(r"MemoryError|bad_alloc|Cannot allocate|out of memory|ArrowMemoryError|OutOfMemory", re.I)


@dataclass
class Step:
    name: str
    wall: float | None = None
    cpu: float | None = None  # user + system seconds of the process and its children
    rss_mb: float | None = None
    status: str = "ok"  # ok | out of memory | failed | not available | skipped
    detail: str = ""
    cells: int | None = None
    agree: bool | None = None
    stdout: str = field(default="", repr=False)


@dataclass
class Run:
    scale: float
    rows: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, Step] = field(default_factory=dict)
    load: tuple[float, float] = (0.0, 0.0)


def _limit(gb: float | None) -> Any:
    if gb is None:
        return None

    def apply() -> None:
        cap = int(gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return apply


def timed(
    name: str, cmd: list[str], *, env: dict[str, str] | None = None, memory_gb: float | None = None
) -> Step:
    """Run ``cmd`` under /usr/bin/time: wall seconds and peak RSS (its children included)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%e %U %S %M", "-o", tf.name, *cmd], env=env, capture_output=True, text=True,
            preexec_fn=_limit(memory_gb), check=False,
        )  # fmt: skip
        figures = tf.read().strip().splitlines()
    step = Step(name)
    if figures and re.fullmatch(r"[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+", figures[-1]):
        wall, user, system, rss = figures[-1].split()
        step.wall, step.cpu, step.rss_mb = float(wall), float(user) + float(system), int(rss) / 1024
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        step.status = (
            "out of memory" if OOM.search(proc.stderr or "") or proc.returncode in (-9, 137) else "failed"
        )
        step.detail = " | ".join(tail)[:400]
    step.stdout = proc.stdout
    return step


def ensure_data(root: Path, scale: float, year: int, seed: int) -> tuple[Path, Step | None]:
    out = root / f"synth-{scale:g}-{year}-{seed}"
    about = read_about(out)
    wanted = {"scale": scale, "year": year, "seed": seed, "generator": GENERATOR}
    if about and all(about.get(k) == v for k, v in wanted.items()):
        return out, None
    shutil.rmtree(out, ignore_errors=True)
    step = timed("generate (yigai records synth)", [*YIGAI, "records", "synth", "--scale", str(scale), "--year",
                 str(year), "--seed", str(seed), "--out", str(out), "--quiet"])  # fmt: skip
    if step.status != "ok":
        raise SystemExit(f"generation failed: {step.detail}")
    return out, step


def _yigai_available() -> bool:
    probe = subprocess.run(
        [*YIGAI, "records", "compute", "--help"], capture_output=True, text=True, check=False
    )
    return probe.returncode == 0 and "--engine" in probe.stdout


def yigai_result(stdout: str) -> rb.Result:
    """Cells of ``yigai records compute --format json`` in the baselines' shape (county rows only)."""
    starts = [i for i in (stdout.find("{"), stdout.find("[")) if i >= 0]
    data = json.loads(stdout[min(starts, default=0) :])
    rows = data.get("values", data) if isinstance(data, dict) else data
    out: rb.Result = {}
    for r in rows:
        code = YIGAI_CODES.get(str(r.get("indicator")), str(r.get("indicator")))
        num, den = r.get("numerator"), r.get("denominator")
        if num is None:
            continue
        period = re.sub(r"\D", "", str(r.get("period")))
        den_f = (
            None
            if den in (None, "") or code in ("DOWN_REFERRALS", "FD_CONTRACTED", "FD_CONTRACTED_KEY")
            else float(den)
        )
        out[(code, str(r.get("org_unit")), period)] = (float(num), den_f)
    return out


PROVINCE = "13"  # the synthetic province is Hebei: its counties' codes start with 13


def _comparable(result: rb.Result) -> rb.Result:
    """The cells both conventions state: yigai reports facility-county indicators for the province's own
    counties only (a Beijing or Tianjin hospital is no org unit of the commission; its visits still count
    where the patient lives) and keeps a county-month whose count is 0 or whose ratio has no denominator
    (the baselines drop those). The numbers of every other cell must agree."""
    return {
        k: (n, d)
        for k, (n, d) in result.items()
        if k[1].startswith(PROVINCE) and not (d == 0 or (d is None and n == 0))
    }


def _check(step: Step, result: rb.Result, floor: rb.Result | None) -> None:
    step.cells = len(result)
    if floor is None:
        return
    places = {(o, p) for _, o, p in floor}
    mine = {k: v for k, v in result.items() if (k[1], k[2]) in places}
    problems = rb.compare(_comparable(floor), _comparable(mine))
    step.agree = not problems
    for p in problems[:5]:
        print(f"ERROR {step.name} differs from the floor: {p}", file=sys.stderr)
    if problems:
        print(f"ERROR {step.name}: {len(problems)} cells differ from the floor", file=sys.stderr)
        kinds = Counter(
            (p.split("/")[0], p.split("/")[1][:2], "缺少" if "缺少" in p else "多出" if "多出" in p else "≠")
            for p in problems
        )
        for (code, province, kind), n in sorted(kinds.items()):
            print(f"ERROR   {code} in {province}xxxx: {n} cells {kind}", file=sys.stderr)


def run_scale(args: argparse.Namespace, scale: float) -> Run:
    run = Run(scale)
    load0 = os.getloadavg()[0]
    data, gen = ensure_data(args.data, scale, args.year, args.seed)
    about = read_about(data) or {}
    run.rows = about.get("rows", {})
    if gen:
        run.steps["generate"] = gen
    work = args.data / f"work-{scale:g}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    base = [PY, str(BENCH / "_records_baselines.py")]
    floor: rb.Result | None = None
    if "floor" in args.only:
        s = run.steps["floor compute"] = timed(
            "floor compute", [*base, "duckdb-compute", str(data), str(work / "floor.json")]
        )
        if s.status == "ok":
            floor = rb.load(work / "floor.json")
            s.cells, s.agree = len(floor), True
    if "pandas" in args.only:
        s = run.steps["pandas ingest"] = timed("pandas ingest", [*base, "pandas-ingest", str(data), str(work / "pandas")],
                                               memory_gb=args.pandas_memory_gb)  # fmt: skip
        c = run.steps["pandas compute"] = Step("pandas compute", status="skipped")
        if s.status == "ok":
            c = run.steps["pandas compute"] = timed("pandas compute", [*base, "pandas-compute", str(work / "pandas"),
                                                    str(work / "pandas.json")], memory_gb=args.pandas_memory_gb)  # fmt: skip
            if c.status == "ok":
                _check(c, rb.load(work / "pandas.json"), floor)
        shutil.rmtree(work / "pandas", ignore_errors=True)
    if "postgres" in args.only:
        _postgres(args, run, data, work, floor, base)
    if "yigai" in args.only or "spark" in args.only:
        _yigai(args, run, data, floor)
    run.load = (load0, os.getloadavg()[0])
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return run


def _postgres(
    args: argparse.Namespace, run: Run, data: Path, work: Path, floor: rb.Result | None, base: list[str]
) -> None:
    import psycopg

    admin, name = args.dsn.rsplit("/", 1)
    try:
        with psycopg.connect(f"{admin}/postgres", autocommit=True, connect_timeout=5) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name}")
            con.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError as exc:
        run.steps["postgres ingest"] = Step("postgres ingest", status="not available", detail=str(exc)[:200])
        return
    s = run.steps["postgres ingest"] = timed(
        "postgres ingest", [*base, "postgres-ingest", str(data), args.dsn]
    )
    if s.status == "ok":
        c = run.steps["postgres compute"] = timed(
            "postgres compute", [*base, "postgres-compute", args.dsn, str(work / "pg.json")]
        )
        if c.status == "ok":
            _check(c, rb.load(work / "pg.json"), floor)
    if not args.keep:
        with psycopg.connect(f"{admin}/postgres", autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name}")


def _yigai(args: argparse.Namespace, run: Run, data: Path, floor: rb.Result | None) -> None:
    if not _yigai_available():
        for name in ("yigai ingest", "yigai compute duckdb", "yigai compute spark"):
            run.steps[name] = Step(
                name, status="not available", detail="yigai records compute --engine 尚未合入"
            )
        return
    home = args.data / f"yigai-{run.scale:g}"  # kept by --reuse-yigai for another engine's run
    env = {**os.environ, "YIGAI_DATA_DIR": str(home), "YIGAI_ENV": "development"}
    env.pop("DATABASE_URL", None)
    if args.reuse_yigai and all((home / "records" / d).is_dir() for d in ("services", "family_doctor")):
        run.steps["yigai ingest"] = Step("yigai ingest", status="skipped", detail=f"reused {home}")
    else:
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        if not _yigai_ingest(run, data, env):
            return
    _yigai_compute(args, run, home, env, floor)


def _yigai_ingest(run: Run, data: Path, env: dict[str, str]) -> bool:
    # the empty database is created once when yigai is installed (`make run`, `yigai demo`): not an import
    setup = timed("setup", [*YIGAI, "manage", "migrate", "--verbosity", "0"], env=env)
    if setup.status != "ok":
        run.steps["yigai ingest"] = setup
        return False
    steps = [[*YIGAI, "records", "weights", str(data / "drg_weights.csv")]]
    steps += [
        [*YIGAI, "records", "import", "--dataset", d, str(data / d), "--quiet"]
        for d in ("services", "family_doctor")
    ]
    total = Step("yigai ingest", wall=0.0, cpu=0.0, rss_mb=0.0)
    for cmd in steps:
        s = timed("yigai ingest", cmd, env=env)
        total.wall = (total.wall or 0) + (s.wall or 0)
        total.cpu = (total.cpu or 0) + (s.cpu or 0)
        total.rss_mb = max(total.rss_mb or 0, s.rss_mb or 0)
        if s.status != "ok":
            total.status, total.detail = s.status, s.detail
            break
    run.steps["yigai ingest"] = total
    return total.status == "ok"


def _yigai_compute(
    args: argparse.Namespace, run: Run, home: Path, env: dict[str, str], floor: rb.Result | None
) -> None:
    total = run.steps["yigai ingest"]
    for engine in ("duckdb", "spark"):
        name = f"yigai compute {engine}"
        if (engine == "spark" and "spark" not in args.only) or (
            engine == "duckdb" and "yigai" not in args.only
        ):
            continue
        if total.status not in ("ok", "skipped"):
            run.steps[name] = Step(name, status="skipped")
            continue
        s = run.steps[name] = timed(name, [*YIGAI, "records", "compute", "--data", str(home), "--engine", engine,
                                    "--format", "json"], env=env)  # fmt: skip
        if s.status == "ok":
            try:
                _check(s, yigai_result(s.stdout), floor)
            except (ValueError, KeyError) as exc:
                s.status, s.detail = "failed", f"unreadable output: {exc}"


def _ratio(a: Step | None, b: Step | None) -> str:
    if a is None or b is None or a.status != "ok" or b.status != "ok" or not a.wall or not b.wall:
        return "–"
    if a.name.startswith("postgres") or b.name.startswith("postgres") or not a.cpu or not b.cpu:
        return f"{a.wall / b.wall:.1f}×"  # the server's CPU is not counted
    return f"{a.wall / b.wall:.1f}× (CPU {a.cpu / b.cpu:.1f}×)"


def report(run: Run) -> None:
    r = run.rows
    print(f"\nscale {run.scale:g}: {r.get('services', 0):,} service rows "
          f"({(r.get('by_visit_type') or {}).get('住院', 0):,} 住院), {r.get('family_doctor', 0):,} contracts; "
          f"load average {run.load[0]:.1f} → {run.load[1]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    print(f"  {'step':28}{'wall s':>9}{'CPU s':>9}{'peak RSS MB':>13}{'cells':>9}  result")
    for s in run.steps.values():
        wall = f"{s.wall:.1f}" if s.wall is not None else "–"
        cpu = f"{s.cpu:.1f}" if s.cpu is not None else "–"
        rss = f"{s.rss_mb:,.0f}" if s.rss_mb is not None else "–"
        agree = {True: "agrees with floor", False: "ERROR: differs", None: ""}[s.agree]
        shown = s.status if s.status != "ok" else agree
        extra = f" ({s.detail[:120]})" if s.status not in ("ok", "skipped") and s.detail else ""
        print(
            f"  {s.name:28}{wall:>9}{cpu:>9}{rss:>13}{s.cells if s.cells is not None else '–':>9}  {shown}{extra}"
        )
    st = run.steps.get
    yc = st("yigai compute duckdb")
    print(f"  compute: pandas / floor {_ratio(st('pandas compute'), st('floor compute'))}, "
          f"PostgreSQL / floor {_ratio(st('postgres compute'), st('floor compute'))}; "
          f"pandas / yigai {_ratio(st('pandas compute'), yc)}, PostgreSQL / yigai {_ratio(st('postgres compute'), yc)}, "
          f"yigai / floor {_ratio(yc, st('floor compute'))}, spark / yigai {_ratio(st('yigai compute spark'), yc)}")  # fmt: skip
    print(f"  ingest: pandas / yigai {_ratio(st('pandas ingest'), st('yigai ingest'))}, "
          f"PostgreSQL / yigai {_ratio(st('postgres ingest'), st('yigai ingest'))}, "
          f"PostgreSQL / pandas {_ratio(st('postgres ingest'), st('pandas ingest'))}")  # fmt: skip


def growth(runs: list[Run]) -> None:
    if len(runs) < 2:
        return
    print("\ngrowth (wall s by scale; ×: last / first ÷ rows ratio = 1.0 is linear)")
    rows_ratio = (runs[-1].rows.get("services") or 1) / (runs[0].rows.get("services") or 1)
    names = [n for n in runs[0].steps if n != "generate"]
    print(f"  {'step':28}" + "".join(f"{r.scale:>10g}" for r in runs) + "   linearity")
    for n in names:
        cells = [r.steps.get(n) for r in runs]
        text = [
            f"{c.wall:>10.1f}" if c and c.status == "ok" and c.wall else f"{(c.status if c else '–')[:9]:>10}"
            for c in cells
        ]
        ok = [c for c in cells if c and c.status == "ok" and c.wall]
        lin = (
            f"{(ok[-1].wall / ok[0].wall) / rows_ratio:.2f}" if len(ok) == len(cells) and ok[0].wall else "–"
        )
        print(f"  {n:28}" + "".join(text) + f"   {lin}")
    oom = [r.scale for r in runs if (s := r.steps.get("pandas ingest")) and s.status == "out of memory"]
    if oom:
        done = [r.scale for r in runs if (s := r.steps.get("pandas compute")) and s.status == "ok"]
        print(f"  pandas ran out of memory at scale {', '.join(f'{x:g}' for x in oom)}; "
              f"largest scale it completed: {max(done):g}" if done else "  pandas completed no scale")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument(
        "--scales", default="", help="comma-separated, e.g. 0.01,0.03,0.1 (overrides --scale)"
    )
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=Path("var/bench/records"))
    parser.add_argument("--only", default=",".join(STEPS), help=f"some of {','.join(STEPS)}")
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:5432/synth_bench")
    parser.add_argument("--pandas-memory-gb", type=float, default=8.0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--keep", action="store_true", help="keep work directories and the PostgreSQL database"
    )
    parser.add_argument(
        "--reuse-yigai", action="store_true",
        help="reuse yigai's data directory of an earlier run (DATA/yigai-SCALE): compute only, ingest not timed",
    )  # fmt: skip
    args = parser.parse_args()
    args.only = {s.strip() for s in args.only.split(",") if s.strip()}
    if unknown := args.only - set(STEPS):
        parser.error(f"unknown step(s) {', '.join(sorted(unknown))}")
    args.data = args.data.resolve()
    scales = [float(s) for s in args.scales.split(",")] if args.scales else [args.scale]
    runs = []
    for scale in scales:
        runs.append(run_scale(args, scale))
        report(runs[-1])
    growth(runs)
    if args.json:
        args.json.write_text(json.dumps([{"scale": r.scale, "rows": r.rows, "load": r.load,
                                          "steps": {k: {**vars(v), "stdout": ""} for k, v in r.steps.items()}}
                                         for r in runs], ensure_ascii=False, indent=1), encoding="utf-8")  # fmt: skip
    failed = any(s.agree is False or s.status == "failed" for r in runs for s in r.steps.values())
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
