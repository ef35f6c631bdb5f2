"""Record-level ingest and aggregation at scale: yigai (DuckDB) against pandas doing the same work.

    python bench/records.py [--rows 10000000] [--persons 2000000] [--data var/bench/records] [--keep]
    python bench/records.py --rows 1000000          # a quick run

Generates ``--rows`` synthetic 门诊/住院 records (示例数据: made-up ID numbers with valid check digits,
Hebei county codes, ``--persons`` people; see ``yigai.core.records.synthetic``) as one CSV, then:

* **yigai** — ``ingest`` (hash, check every ID check digit / county code / date / code, HMAC-SHA256
  pseudonyms, drop name/phone/address, write zstd Parquet to the record zone) and ``aggregate`` (the
  four measures of the ``services`` spec: 门诊人次, 出院人次, 县域居民就诊人次, 县域内就诊人次 per county ×
  month);
* **pandas** — what an analyst would write: ``read_csv(dtype=str)``, the same checks vectorised
  (check digit with numpy, ``isin``, ``to_datetime``), ``hmac`` per distinct ID, ``to_parquet``, then
  ``groupby`` counts of the same four measures.

The two results are compared cell by cell. Times are printed, never asserted. Without ``--keep`` the
generated data is deleted at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import resource
import shutil
import sys
import time
from pathlib import Path

from yigai.core.divisions import read_divisions
from yigai.core.records import PseudonymKey, aggregate, ingest, shipped_specs, synthetic
from yigai.core.records.idnumber import CHECK_CHARS, WEIGHTS

KEY = PseudonymKey(b"bench-key-not-secret-0123456789-0123456789")


def _yigai(
    csv_path: Path, data_dir: Path, counties: list[str]
) -> tuple[dict[tuple[str, str, str], int], dict[str, float]]:
    spec = shipped_specs()["services"]
    t0 = time.perf_counter()
    ingest(spec, csv_path, data_dir=data_dir, key=KEY, org_units=counties)
    t1 = time.perf_counter()
    result = aggregate(spec, data_dir=data_dir)
    t2 = time.perf_counter()
    cells = {(c.data_element, c.org_unit, c.period): c.value for c in result.cells}
    return cells, {"ingest": t1 - t0, "aggregate": t2 - t1}


def _pandas(
    csv_path: Path, out: Path, counties: list[str]
) -> tuple[dict[tuple[str, str, str], int], dict[str, float]]:
    import numpy as np
    import pandas as pd

    t0 = time.perf_counter()
    df = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    ids = df["身份证号"].str.strip().str.upper()
    digits = np.frombuffer("".join(ids.str[:17]).encode(), dtype=np.uint8).reshape(-1, 17) - ord("0")
    check = np.array(list(CHECK_CHARS))[(digits.astype(np.int64) @ np.array(WEIGHTS)) % 11]
    born = pd.to_datetime(ids.str[6:14], format="%Y%m%d", errors="coerce")
    day = pd.to_datetime(df["就诊日期"], format="%Y-%m-%d", errors="coerce")
    bad = (
        (ids.str.len() != 18) | (check != ids.str[17].to_numpy()) | born.isna() | day.isna()
        | ~df["机构所在县区代码"].isin(counties) | ~df["患者常住县区代码"].isin(counties)
        | ~df["就诊类型"].isin(["门诊", "住院"]) | (df["就诊流水号"] == "")
    )  # fmt: skip
    assert not bad.any(), "synthetic data should be valid"
    unique = ids.unique()
    pseudonyms = dict(
        zip(
            unique,
            (hmac.new(KEY.secret, i.encode(), hashlib.sha256).hexdigest() for i in unique),
            strict=True,
        )
    )
    zone = pd.DataFrame({"person_pid": ids.map(pseudonyms), "record_no": df["就诊流水号"], "facility": df["机构代码"],
                         "county": df["机构所在县区代码"], "residence_county": df["患者常住县区代码"],
                         "visit_type": df["就诊类型"], "service_date": day})  # fmt: skip
    zone.to_parquet(out, compression="zstd", index=False)
    t1 = time.perf_counter()
    zone = pd.read_parquet(out).drop_duplicates("record_no")
    month = zone["service_date"].dt.strftime("%Y%m")
    cells: dict[tuple[str, str, str], int] = {}

    def add(element: str, frame: pd.DataFrame, org: str, months: pd.Series) -> None:
        for (o, p), n in frame.groupby([frame[org], months]).size().items():
            cells[element, o, p] = int(n)

    add("OUTPATIENT_VISITS", zone[zone["visit_type"] == "门诊"], "county", month)
    add("DISCHARGES", zone[zone["visit_type"] == "住院"], "county", month)
    add("COUNTY_RESIDENT_VISITS", zone, "residence_county", month)
    add("IN_COUNTY_VISITS", zone[zone["county"] == zone["residence_county"]], "residence_county", month)
    t2 = time.perf_counter()
    return cells, {"ingest": t1 - t0, "aggregate": t2 - t1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--persons", type=int, default=0, help="default: rows / 5")
    parser.add_argument("--data", type=Path, default=Path("var/bench/records"))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    persons = args.persons or max(args.rows // 5, 1)
    counties = [d.code for d in read_divisions() if d.level == "county"]
    shutil.rmtree(args.data, ignore_errors=True)
    args.data.mkdir(parents=True)
    csv_path = args.data / "示例数据_services.csv"
    t = time.perf_counter()
    synthetic.services_csv(csv_path, rows=args.rows, persons=persons, counties=counties)
    size = csv_path.stat().st_size / 1e9
    print(f"generated {args.rows:,} records of {persons:,} people ({size:.2f} GB CSV) in {time.perf_counter() - t:.1f} s"
          f" on {os.cpu_count()} cores")  # fmt: skip
    ours, ours_t = _yigai(csv_path, args.data / "zone", counties)
    rss_yigai = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    theirs, theirs_t = _pandas(csv_path, args.data / "pandas.parquet", counties)
    rss_total = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    zone_mb = sum(f.stat().st_size for f in (args.data / "zone").rglob("*.parquet")) / 1e6
    print(f"{'':10}{'ingest s':>10}{'aggregate s':>13}{'total s':>10}")
    for name, times in (("yigai", ours_t), ("pandas", theirs_t)):
        print(f"{name:10}{times['ingest']:>10.1f}{times['aggregate']:>13.2f}{sum(times.values()):>10.1f}")
    ratio = sum(theirs_t.values()) / sum(ours_t.values())
    print(f"pandas / yigai: {ratio:.1f}×  (ingest {theirs_t['ingest'] / ours_t['ingest']:.1f}×, "
          f"aggregate {theirs_t['aggregate'] / ours_t['aggregate']:.1f}×)")  # fmt: skip
    print(
        f"record zone {zone_mb:.0f} MB Parquet; peak RSS yigai {rss_yigai:.1f} GB, process incl. pandas {rss_total:.1f} GB"
    )
    same = ours == theirs
    print(f"results agree: {same} ({len(ours):,} cells)")
    if not args.keep:
        shutil.rmtree(args.data, ignore_errors=True)
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
