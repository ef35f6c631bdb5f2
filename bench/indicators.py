"""Indicator computation at scale: every catalogue indicator × every org unit × every year, three ways.

    python bench/indicators.py [--rows 100000000] [--keep] [--data var/bench/indicators] [--seed 5]
    python bench/indicators.py --rows 1000000          # a quick run

Generates ~``--rows`` monthly data values (2020-01…2024-12) for the Hebei reporting tree (province,
11 cities + 雄安新区, 167 counties; 定州 and 辛集 under the province, 雄县/容城/安新 under 雄安) plus
synthetic facilities under the counties, every catalogue data element (flows summed, stocks last
value, averages; summed up the tree or not), written in chunks to Parquet (see ``_indicator_data``).
Then computes all indicators for all org units (every level, ratio of sums up the tree) and the five
years three ways, each in a fresh Python process so that its peak RSS is its own:

* **yigai** — the engine's bulk path: ``compute_sql(None, years, catalogue=…)`` run by DuckDB over a
  view on the Parquet files and the org-unit tree as a table;
* **pandas** — what a user would write: groupby for the time roll-up (sum / last / mean), merge with
  an ancestor table, sum per ancestor, pivot, divide;
* **hand SQL** — what an analyst would write in DuckDB: yearly roll-up, closure-table join, group by,
  pivot, ratio of sums. The reference for the goal in issue 5: ≤ 30 s on 2 cores and within 1.5× of it.

Each method's time covers reading the Parquet files to a finished, sorted result table (a DuckDB table,
a pandas DataFrame); writing the result out for the agreement check is not timed. The three results
are then compared cell by cell (value, numerator, denominator; yigai's cells also carry their reporting
completeness, reported and expected leaves, which the other two do not count). Timings are printed, never asserted. Without ``--keep`` the generated
data is deleted at the end; with it, data generated earlier with the same ``--rows`` and ``--seed`` is
reused.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

try:
    from _indicator_data import YEARS, generate, rewrite
except ModuleNotFoundError as exc:  # numpy / pyarrow are bench-only dependencies
    raise SystemExit(f"{exc.name} is needed for this benchmark: pip install numpy pyarrow pandas") from exc

from yigai.core.indicators import Catalogue, compute_sql, default_catalogue

ROOT = Path(__file__).resolve().parents[1]
METHODS = ("yigai", "hand_sql", "pandas")
LABELS = {"yigai": "yigai (compute_sql on DuckDB)", "hand_sql": "hand-written DuckDB SQL", "pandas": "pandas"}


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- the three methods (each runs in its own process) ---------------------------------------------


def _duckdb(directory: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(config={"temp_directory": str(directory / "duckdb_tmp")})


def _values_glob(directory: Path) -> str:
    return str(directory / "values" / "*.parquet")


def run_yigai(directory: Path, catalogue: Catalogue) -> tuple[duckdb.DuckDBPyConnection, int]:
    """The glue yigai needs: a view over the files, the tree as a table, one statement."""
    con = _duckdb(directory)
    con.execute(f"CREATE VIEW data_values AS SELECT * FROM read_parquet('{_values_glob(directory)}')")
    con.execute(
        f"CREATE TABLE org_units AS SELECT code, parent FROM read_parquet('{directory / 'org_units.parquet'}')"
    )
    con.execute(f"CREATE TABLE result AS {compute_sql(None, YEARS, catalogue=catalogue)}")
    return con, _count(con)


def hand_sql(directory: Path, catalogue: Catalogue) -> str:
    """The statement an analyst would write by hand, with the indicator list copied from the catalogue."""
    elements = ", ".join(
        f"('{e.code}', '{e.aggregation}', '{e.org_aggregation}')" for e in catalogue.data_elements.values()
    )
    columns = sorted(
        {
            ref
            for ind in catalogue.indicators.values()
            for text in (ind.numerator, ind.denominator)
            for ref in _refs(text)
        }
    )
    pivot = ", ".join(f"'{c}'" for c in columns)
    selects = "\n    UNION ALL ".join(
        f"SELECT '{ind.code}', org_unit, year, ({num}) * {ind.factor} / NULLIF({den}, 0), {num}, {den} FROM grid"
        for ind in catalogue.indicators.values()
        for num, den in [(rewrite(ind.numerator, '"'), rewrite(ind.denominator, '"'))]
    )
    years = ", ".join(f"('{y}')" for y in YEARS)
    return f"""
    CREATE TABLE result AS
    WITH RECURSIVE
    elements(data_element, aggregation, org_aggregation) AS (VALUES {elements}),
    closure(ancestor, descendant) AS (
      SELECT code, code FROM org_units
      UNION ALL
      SELECT o.parent, c.descendant FROM closure c JOIN org_units o ON o.code = c.ancestor
      WHERE o.parent IS NOT NULL
    ),
    yearly AS (
      SELECT v.org_unit, v.data_element, v.disaggregation, left(v.period, 4) AS year,
        any_value(e.org_aggregation) AS org_aggregation,
        CASE any_value(e.aggregation) WHEN 'sum' THEN sum(v.value) WHEN 'last' THEN arg_max(v.value, v.period)
          ELSE avg(v.value) END AS value
      FROM read_parquet('{_values_glob(directory)}') v JOIN elements e ON e.data_element = v.data_element
      WHERE v.period BETWEEN '{YEARS[0]}01' AND '{YEARS[-1]}12'
      GROUP BY v.org_unit, v.data_element, v.disaggregation, year
    ),
    rolled AS (
      SELECT c.ancestor AS org_unit, y.data_element, y.disaggregation, y.year, sum(y.value) AS value
      FROM yearly y JOIN closure c ON c.descendant = y.org_unit
      WHERE y.org_aggregation = 'sum' OR c.ancestor = c.descendant
      GROUP BY ALL
    ),
    wide AS (
      PIVOT (
        SELECT org_unit, year, data_element AS col, value FROM rolled
        UNION ALL
        SELECT org_unit, year, data_element || '.' || disaggregation, value FROM rolled WHERE disaggregation IS NOT NULL
      ) ON col IN ({pivot}) USING sum(value) GROUP BY org_unit, year
    ),
    grid AS (
      SELECT o.code AS org_unit, y.year, w.* EXCLUDE (org_unit, year)
      FROM org_units o CROSS JOIN (VALUES {years}) y(year)
      LEFT JOIN wide w ON w.org_unit = o.code AND w.year = y.year
    )
    SELECT * FROM (
    SELECT NULL::VARCHAR AS indicator, NULL::VARCHAR AS org_unit, NULL::VARCHAR AS period,
      NULL::DOUBLE AS value, NULL::DOUBLE AS numerator, NULL::DOUBLE AS denominator WHERE false
    UNION ALL {selects}
    ) ORDER BY indicator, org_unit, period
    """


def _refs(text: str) -> list[str]:
    return [part.strip('"') for part in rewrite(text, '"').split() if part.startswith('"')]


def run_hand_sql(directory: Path, catalogue: Catalogue) -> tuple[duckdb.DuckDBPyConnection, int]:
    con = _duckdb(directory)
    con.execute(
        f"CREATE TABLE org_units AS SELECT code, parent FROM read_parquet('{directory / 'org_units.parquet'}')"
    )
    con.execute(hand_sql(directory, catalogue))
    return con, _count(con)


def _count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM result").fetchone()
    return int(row[0]) if row else 0


def run_pandas(directory: Path, catalogue: Catalogue):  # type: ignore[no-untyped-def]
    """A straightforward pandas implementation (single-threaded, as pandas is)."""
    import pandas as pd

    els = catalogue.data_elements
    df = pd.read_parquet(directory / "values")
    df["year"] = df["period"].str[:4]
    df["aggregation"] = df["data_element"].map({c: e.aggregation for c, e in els.items()})
    keys = ["org_unit", "data_element", "disaggregation", "year"]

    def rolled_up(frame: pd.DataFrame, how: str) -> pd.Series:
        part = frame[frame["aggregation"] == how]
        if how == "last":
            part = part.sort_values("period")
        return part.groupby(keys, observed=True, dropna=False)["value"].agg(
            how if how != "average" else "mean"
        )

    yearly = pd.concat([rolled_up(df, "sum"), rolled_up(df, "last"), rolled_up(df, "average")]).reset_index()
    del df
    yearly["org_unit"] = yearly["org_unit"].astype(str)
    yearly["org_aggregation"] = yearly["data_element"].map({c: e.org_aggregation for c, e in els.items()})

    orgs = pd.read_parquet(directory / "org_units.parquet")
    parent = {c: None if pd.isna(p) else p for c, p in zip(orgs["code"], orgs["parent"], strict=True)}
    closure = []
    for code in orgs["code"]:
        node: str | None = code
        while node is not None:
            closure.append((node, code))
            node = parent[node]
    closure_df = pd.DataFrame(closure, columns=["ancestor", "descendant"])
    merged = yearly.merge(closure_df, left_on="org_unit", right_on="descendant")
    merged = merged[(merged["org_aggregation"] == "sum") | (merged["ancestor"] == merged["descendant"])]
    rolled = (
        merged.groupby(["ancestor", "data_element", "disaggregation", "year"], observed=True, dropna=False)[
            "value"
        ]
        .sum()
        .reset_index()
    )
    index = ["ancestor", "year"]
    totals = rolled.pivot_table(
        index=index, columns="data_element", values="value", aggfunc="sum", observed=True
    )
    opts = rolled[rolled["disaggregation"].notna()].copy()
    opts["column"] = opts["data_element"].astype(str) + "." + opts["disaggregation"].astype(str)
    by_option = opts.pivot_table(index=index, columns="column", values="value", aggfunc="sum")
    wide = totals.join(by_option).reindex(
        pd.MultiIndex.from_product([orgs["code"], list(YEARS)], names=index)
    )
    wide.columns = [str(c) for c in wide.columns]

    frames = []
    for ind in catalogue.indicators.values():
        for ref in _refs(ind.numerator) + _refs(ind.denominator):
            if ref not in wide.columns:
                wide[ref] = float("nan")
        num = _as_series(wide.eval(rewrite(ind.numerator, "`")), wide.index)
        den = _as_series(wide.eval(rewrite(ind.denominator, "`")), wide.index)
        frames.append(
            pd.DataFrame(
                {
                    "indicator": ind.code,
                    "org_unit": wide.index.get_level_values(0),
                    "period": wide.index.get_level_values(1),
                    "value": num * ind.factor / den.where(den != 0),
                    "numerator": num.to_numpy(),
                    "denominator": den.to_numpy(),
                }
            )
        )
    result = pd.concat(frames, ignore_index=True).sort_values(["indicator", "org_unit", "period"])
    return result, len(result)


def _as_series(value, index):  # type: ignore[no-untyped-def]
    import pandas as pd

    return value.astype(float) if isinstance(value, pd.Series) else pd.Series(float(value), index=index)


def child(method: str, directory: Path) -> None:
    """Run one method, print one JSON line (seconds, peak RSS), write the result for the agreement check."""
    catalogue = default_catalogue()
    if method == "pandas":
        import pandas  # noqa: F401  (imported before the baseline, like duckdb)
    baseline = _rss_mb()
    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    runner = {"yigai": run_yigai, "hand_sql": run_hand_sql, "pandas": run_pandas}[method]
    out, rows = runner(directory, catalogue)
    seconds = time.perf_counter() - t0
    cpu = _cpu_seconds() - cpu0
    peak = _peak_rss_mb()
    target = directory / f"result-{method}.parquet"
    if method == "pandas":
        out.to_parquet(target, index=False)
    else:
        out.execute(f"COPY result TO '{target}' (FORMAT parquet)")
        threads = out.execute("SELECT current_setting('threads')").fetchone()
    print(
        json.dumps(
            {
                "method": method,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "peak_rss_mb": peak,
                "baseline_rss_mb": baseline,
                "rows": rows,
                "threads": 1 if method == "pandas" else int(threads[0]) if threads else None,
            }
        )
    )


# --- orchestration ---------------------------------------------------------------------------------


def ensure_data(directory: Path, rows: int, seed: int, keep: bool) -> dict[str, int]:
    meta_file = directory / "meta.json"
    if keep and meta_file.exists():
        meta: dict[str, int] = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("requested_rows") == rows and meta.get("seed") == seed:
            print(f"reusing data in {directory} (--keep)")
            return meta
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    t0 = time.perf_counter()
    meta = generate(directory, rows=rows, seed=seed, catalogue=default_catalogue())
    print(f"generated {meta['rows']:,} rows in {time.perf_counter() - t0:.1f} s")
    return meta


def run_method(method: str, directory: Path) -> dict[str, float]:
    load = os.getloadavg()[0]
    print(f"running {LABELS[method]} (load average {load:.1f}) …", flush=True)
    proc = subprocess.run(
        [sys.executable, __file__, "--child", method, "--data", str(directory)],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{method} failed (exit {proc.returncode})")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["load"] = load
    print(
        f"  {result['seconds']:.1f} s wall, {result['cpu_seconds']:.1f} s CPU, "
        f"peak RSS {result['peak_rss_mb']:,.0f} MB"
    )
    return result


def best_of(runs: list[dict[str, float]]) -> dict[str, float]:
    """The fastest run (the one least disturbed by other load); peak RSS is the largest seen."""
    best = dict(min(runs, key=lambda r: r["seconds"]))
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    return best


def agreement(directory: Path, methods: list[str], reference: str = "hand_sql") -> list[str]:
    """Rows, non-null values and the largest differences of each method against the reference."""
    con = duckdb.connect()
    lines = []
    for m in methods:
        n, nonnull = con.execute(
            f"SELECT count(*), count(value) FROM '{directory / f'result-{m}.parquet'}'"
        ).fetchone() or (0, 0)
        lines.append(f"{LABELS[m]}: {n:,} rows, {nonnull:,} non-null values")
    for m in methods:
        if m == reference:
            continue
        a, b = directory / f"result-{m}.parquet", directory / f"result-{reference}.parquet"
        row = con.execute(
            f"""
            SELECT count(*) FILTER (WHERE a.indicator IS NULL OR b.indicator IS NULL),
              count(*) FILTER (WHERE (a.value IS NULL) <> (b.value IS NULL)),
              max(abs(a.value - b.value)),
              max(abs(a.value - b.value) / nullif(abs(b.value), 0)),
              max(abs(a.numerator - b.numerator) / nullif(abs(b.numerator), 0)),
              max(abs(a.denominator - b.denominator) / nullif(abs(b.denominator), 0))
            FROM '{a}' a FULL JOIN '{b}' b
              ON a.indicator = b.indicator AND a.org_unit = b.org_unit AND a.period = b.period
            """
        ).fetchone()
        assert row is not None
        unmatched, null_mismatch, max_abs, max_rel, num_rel, den_rel = row
        lines.append(
            f"{LABELS[m]} vs {LABELS[reference]}: {unmatched} unmatched cells, {null_mismatch} null mismatches, "
            f"max |Δvalue| {max_abs or 0:.3g}, max rel Δ value {max_rel or 0:.3g}, "
            f"numerator {num_rel or 0:.3g}, denominator {den_rel or 0:.3g}"
        )
    return lines


def table(results: dict[str, dict[str, float]], meta: dict[str, int]) -> list[str]:
    ref = results.get("hand_sql")
    yig = results.get("yigai")
    out = [
        "| method | threads | wall time | CPU time | peak RSS | RSS before | load avg | yigai ÷ method (wall / CPU) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m, r in results.items():
        ratio = (
            f"{yig['seconds'] / r['seconds']:.2f}× / {yig['cpu_seconds'] / r['cpu_seconds']:.2f}×"
            if yig
            else "–"
        )
        out.append(
            f"| {LABELS[m]} | {r['threads']} | {r['seconds']:.1f} s | {r['cpu_seconds']:.1f} s "
            f"| {r['peak_rss_mb']:,.0f} MB | {r['baseline_rss_mb']:,.0f} MB | {r['load']:.1f} | {ratio} |"
        )
    if yig and ref:
        verdict = "met" if yig["seconds"] <= 30 and yig["seconds"] <= 1.5 * ref["seconds"] else "NOT met"
        out.append("")
        out.append(
            f"goal (≤ 30 s and ≤ 1.5× hand SQL): {verdict} — yigai {yig['seconds']:.1f} s, "
            f"{yig['seconds'] / ref['seconds']:.2f}× hand SQL"
        )
    out.append(
        f"data: {meta['rows']:,} values ({meta['bytes'] / 1e6:,.0f} MB Parquet), {meta['org_units']:,} org units "
        f"({meta['admin_units']} administrative + {meta['facilities']:,} facilities), "
        f"{meta['data_elements']} data elements × {meta['months']} months; "
        f"output {int(next(iter(results.values()))['rows']):,} cells"
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000_000, help="about this many data values")
    ap.add_argument("--keep", action="store_true", help="keep the generated data and reuse it next time")
    ap.add_argument("--data", type=Path, default=ROOT / "var" / "bench" / "indicators")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument(
        "--methods", default=",".join(METHODS), help="comma-separated subset of " + ", ".join(METHODS)
    )
    ap.add_argument("--repeat", type=int, default=1, help="run each method this many times, keep the fastest")
    ap.add_argument("--child", choices=METHODS, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.data)
        return
    methods = [m for m in args.methods.split(",") if m]
    print(f"machine: {os.cpu_count()} cores, duckdb {duckdb.__version__}, Python {sys.version.split()[0]}")
    meta = ensure_data(args.data, args.rows, args.seed, args.keep)
    runs: dict[str, list[dict[str, float]]] = {m: [] for m in methods}
    for _ in range(args.repeat):
        for m in methods:
            runs[m].append(run_method(m, args.data))
    results = {m: best_of(r) for m, r in runs.items()}
    print()
    for line in agreement(args.data, methods, "hand_sql" if "hand_sql" in methods else methods[0]):
        print(line)
    print()
    for line in table(results, meta):
        print(line)
    if not args.keep:
        shutil.rmtree(args.data, ignore_errors=True)


if __name__ == "__main__":
    main()
