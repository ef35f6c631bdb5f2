"""``yigai records synth``: a year of synthetic service records at province scale, streamed to Parquet.

Scale 1.0 is about Hebei in a year (:data:`~yigai.core.records.synth_tables.ANNUAL`: ~400 M outpatient and
emergency visits, ~14 M discharges, 74 M residents, ~80,000 facilities); the output is::

    DIR/services/month=YYYY-MM/part-NNNNN.parquet   one row per visit or discharge (contract of issue 17)
    DIR/family_doctor/part-NNNNN.parquet            one row per family-doctor contract
    DIR/facilities.csv  DIR/drg_weights.csv         facility registry, 示例 DRG weight table
    DIR/SYNTHETIC.json                              synthetic=true, scale, year, seed, row counts

Memory stays bounded whatever the scale: rows are generated chunk by chunk (numpy, no Python loop per
row) and each chunk is written before the next; persons are computed from (county, index), never stored
(:mod:`~yigai.core.records.synth_people`). Every chunk has its own random generator seeded by (seed,
month, chunk), so the same arguments give the same rows. Each Parquet file's key-value metadata says
``yigai.synthetic = true``. Structure (shares in :mod:`~yigai.core.records.synth_tables`): most visits in
the residence county, flows to city and provincial hospitals and to Beijing/Tianjin, a winter respiratory
peak, 基层 about half of outpatient visits, day surgery, referrals, appointments, a long cost tail.

This extends, and does not replace, :mod:`yigai.core.records.synthetic`, which still writes the small CSV
samples of the first records schema (Chinese headers) that the CLI tests import.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from yigai.core.divisions import read_divisions
from yigai.core.records import synth_tables as t
from yigai.core.records.synth_facilities import Pools, Registry, build_registry, write_registry
from yigai.core.records.synth_people import People, contract_chunks

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
Progress = Callable[[str, int, int], None]
CHUNK_ROWS = 1_000_000
MAX_SCALE = 10.0
GENERATOR = "yigai records synth/1"


class SynthError(ValueError):
    """Arguments the generator cannot honour (message in Chinese)."""


@dataclass(frozen=True)
class SynthResult:
    out: Path
    services: int
    family_doctor: int
    facilities: int
    persons: int
    parts: int


@dataclass
class _World:
    """Everything a chunk needs: counties, people, facilities and their pools, the month's shares."""

    year: int
    counties: list[str]
    prefecture: IntArray  # prefecture index of each county
    pref_first: IntArray  # counties sorted by prefecture: start offset per prefecture
    pref_count: IntArray
    by_pref: IntArray
    pop_cum: FloatArray
    people: People
    reg: Registry
    op_pools: Pools
    ip_pools: Pools
    fac_code: pa.Array
    fac_county: pa.Array
    fac_grade: IntArray
    out_shares: FloatArray  # (prefecture, 2): Beijing, Tianjin shares of 三级 visits


def _populations(n: int, scale: float, districts: np.ndarray[Any, Any], rng: np.random.Generator) -> IntArray:
    raw = rng.lognormal(0.0, 0.35, n) * np.where(districts, 1.25, 1.0)
    sizes: IntArray = np.maximum(np.round(raw / raw.sum() * t.RESIDENTS * scale), 1).astype(np.int64)
    return sizes


def _world(scale: float, year: int, seed: int) -> _World:
    divisions = [d for d in read_divisions() if d.level == "county"]
    counties = [d.code for d in divisions]
    names = [d.name for d in divisions]
    pref_names = {d.code[:4]: d.name for d in read_divisions() if d.level == "city"}
    rng = np.random.default_rng([seed, 0])
    sizes = _populations(len(counties), scale, np.array([n.endswith("区") for n in names]), rng)
    prefs = [c[:4] for c in counties]
    pref_list = sorted(set(prefs))
    prefecture = np.array([pref_list.index(p) for p in prefs], dtype=np.int64)
    reg = build_registry(counties, names, sizes, prefs, pref_names=pref_names, scale=scale, rng=rng)
    n_pools = 2 * len(counties) + len(pref_list) + 3
    pool = np.array(reg.pool, dtype=np.int64)
    by_pref = np.argsort(prefecture, kind="stable")
    return _World(
        year=year, counties=counties, prefecture=prefecture,
        pref_first=np.searchsorted(prefecture[by_pref], np.arange(len(pref_list))),
        pref_count=np.bincount(prefecture, minlength=len(pref_list)), by_pref=by_pref,
        pop_cum=np.cumsum(sizes) / sizes.sum(), people=People(counties, sizes, year=year), reg=reg,
        op_pools=Pools(pool, np.array(reg.op_weight), n_pools), ip_pools=Pools(pool, np.array(reg.ip_weight), n_pools),
        fac_code=pa.array(reg.code), fac_county=pa.array(reg.county), fac_grade=np.array(reg.grade, dtype=np.int64),
        out_shares=np.array([t.OUT_OF_PROVINCE.get(p, t.DEFAULT_OUT) for p in pref_list]),
    )  # fmt: skip


# ---- monthly volumes ------------------------------------------------------------------------------


def _respiratory_share(weights: list[tuple[float, bool]]) -> float:
    return sum(w for w, r in weights if r) / sum(w for w, _ in weights)


def monthly_rows(scale: float, year: int) -> tuple[dict[str, list[int]], list[float], list[float]]:
    """Rows per visit type and month, and the respiratory share of outpatient / inpatient rows by month."""
    r_op = _respiratory_share([(w, r) for _, w, r in t.OUTPATIENT_DIAGNOSES])
    r_ip = _respiratory_share([(c.frequency, c.respiratory) for c in t.CASES])
    rows: dict[str, list[int]] = {}
    resp: dict[str, list[float]] = {"op": [], "ip": []}
    for kind, r0, amp in (("op", r_op, t.RESPIRATORY_AMPLITUDE), ("ip", r_ip, 1.0)):
        vol = []
        for m in range(12):
            days = calendar.monthrange(year, m + 1)[1]
            other = (1 - r0) * (t.SPRING_FESTIVAL_DIP if m == 1 else 1.0)
            respiratory = r0 * (1 + amp * t.SEASON_RESPIRATORY[m])
            vol.append(days * (other + respiratory))
            resp[kind].append(respiratory / (other + respiratory))
        for vt in ("门诊", "急诊") if kind == "op" else ("住院",):
            rows[vt] = [round(t.ANNUAL[vt] * scale * v / sum(vol)) for v in vol]
    day_vol = [
        calendar.monthrange(year, m + 1)[1] * (t.SPRING_FESTIVAL_DIP if m == 1 else 1.0) for m in range(12)
    ]
    rows["日间手术"] = [round(t.ANNUAL["日间手术"] * scale * v / sum(day_vol)) for v in day_vol]
    return rows, resp["op"], resp["ip"]


# ---- one chunk of visits --------------------------------------------------------------------------


def _labels(index: Any, vocab: Any, valid: Any = None) -> pa.Array:
    """Strings vocab[index] (null where ``valid`` is False), via a dictionary array."""
    mask = None if valid is None else ~np.asarray(valid)
    indices = pa.array(np.asarray(index, dtype=np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(vocab), pa.string())).cast(pa.string())


def _pick(weights: Any, u: FloatArray) -> IntArray:
    cum = np.cumsum(np.asarray(weights, dtype=np.float64))
    return np.minimum(np.searchsorted(cum / cum[-1], u, side="right"), len(cum) - 1).astype(np.int64)


def _pools(w: _World, level: IntArray, rc: IntArray, rng: np.random.Generator) -> IntArray:
    """The facility pool of each visit (see synth_facilities.build_registry for the numbering)."""
    n_c = len(w.counties)
    n_p = len(w.pref_count)
    pref = w.prefecture[rc]
    same_pref = w.by_pref[w.pref_first[pref] + (rng.random(len(rc)) * w.pref_count[pref]).astype(np.int64)]
    anywhere = np.minimum(np.searchsorted(w.pop_cum, rng.random(len(rc)), side="right"), n_c - 1)
    u = rng.random(len(rc))
    basic = np.where(u < t.IN_COUNTY["基层"], rc, same_pref)
    out2 = (u - t.IN_COUNTY["二级"]) / (1 - t.IN_COUNTY["二级"])
    second = n_c + np.where(
        u < t.IN_COUNTY["二级"], rc, np.where(out2 < t.SECOND_SAME_CITY, same_pref, anywhere)
    )
    bj, tj = w.out_shares[pref, 0], w.out_shares[pref, 1]
    city = 2 * n_c + pref
    city = np.where(w.op_pools.has(city), city, 2 * n_c + n_p)  # a prefecture without city hospitals
    third = np.select([u < bj, u < bj + tj, u < bj + tj + t.PROVINCIAL], [2 * n_c + n_p + 1, 2 * n_c + n_p + 2,
                      2 * n_c + n_p], city)  # fmt: skip
    return np.select([level == 0, level == 1], [basic, second], third).astype(np.int64)


def _who_where(
    w: _World, vt: IntArray, rng: np.random.Generator
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Residence county, person index, facility and facility level of each visit."""
    n = len(vt)
    rc = np.minimum(np.searchsorted(w.pop_cum, rng.random(n), side="right"), len(w.counties) - 1)
    k = np.minimum((w.people.sizes[rc] * rng.random(n) ** 2.5).astype(np.int64), w.people.sizes[rc] - 1)
    mix = np.array([t.LEVEL_MIX[v] for v in t.VISIT_TYPES])
    level = (rng.random(n)[:, None] > np.cumsum(mix, axis=1)[vt][:, :2]).sum(axis=1).astype(np.int64)
    pools = _pools(w, level, rc, rng)
    ip_fac = w.ip_pools.choose(pools, rng.random(n))  # (draw order kept: same seed, same rows)
    fac = np.where(vt >= 2, ip_fac, w.op_pools.choose(pools, rng.random(n)))
    return rc, k, fac, w.fac_grade[fac]  # the facility's own level (a pool holds one level)


def _clinical(vt: IntArray, resp_op: float, resp_ip: float, rng: np.random.Generator) -> dict[str, Any]:
    """Diagnosis (index into ``codes``), discharge case (index into CASES), procedure and elective flags."""
    n = len(vt)
    diag_codes = [d for d, _, _ in t.OUTPATIENT_DIAGNOSES]
    resp_flag = np.array([r for _, _, r in t.OUTPATIENT_DIAGNOSES])
    weights = np.array([x for _, x, _ in t.OUTPATIENT_DIAGNOSES])
    is_resp = rng.random(n) < resp_op
    u = rng.random(n)
    op_diag = np.where(is_resp, np.flatnonzero(resp_flag)[_pick(weights[resp_flag], u)],
                       np.flatnonzero(~resp_flag)[_pick(weights[~resp_flag], u)])  # fmt: skip
    case_resp = np.array([c.respiratory for c in t.CASES])
    freq = np.array([c.frequency for c in t.CASES])
    ip_resp = rng.random(n) < resp_ip
    u = rng.random(n)
    case = np.where(ip_resp, np.flatnonzero(case_resp)[_pick(freq[case_resp], u)],
                    np.flatnonzero(~case_resp)[_pick(freq[~case_resp], u)])  # fmt: skip
    case = np.where(vt == 3, _pick(np.array([c.day_surgery for c in t.CASES]), rng.random(n)), case)
    codes = sorted(set(diag_codes) | {c.diagnosis for c in t.CASES})
    diag = np.where(vt >= 2, np.array([codes.index(c.diagnosis) for c in t.CASES])[case],
                    np.array([codes.index(d) for d in diag_codes])[op_diag])  # fmt: skip
    has_proc = (vt >= 2) & (np.array([c.procedure != "" for c in t.CASES])[case])
    elective = np.where(vt == 3, 1, (rng.random(n) < t.ELECTIVE).astype(np.int64))
    return {"diag": diag, "codes": codes, "case": case, "has_proc": has_proc, "elective": elective}


def _dates(
    w: _World, month: int, vt: IntArray, case: IntArray, rng: np.random.Generator
) -> tuple[Any, Any, IntArray]:
    """Service (discharge) date, admission date and length of stay; fewer outpatients at weekends."""
    n = len(vt)
    stay = np.array([c.stay for c in t.CASES])[case]
    los = np.clip(np.round(rng.lognormal(np.log(stay), 0.4)), 1, 30).astype(np.int64)
    los = np.where(vt == 3, (rng.random(n) < 0.3).astype(np.int64), los)
    days = calendar.monthrange(w.year, month)[1]
    weekday = (np.arange(days) + dt.date(w.year, month, 1).weekday()) % 7
    op_day = _pick(np.where(weekday >= 5, t.WEEKEND_OUTPATIENT, 1.0), rng.random(n))
    service = np.datetime64(f"{w.year}-{month:02d}-01") + np.where(vt == 0, op_day, rng.integers(0, days, n))
    return service, service - np.where(vt >= 2, los, 0), los


def _money(
    vt: IntArray, level: IntArray, case: IntArray, los: IntArray, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Total cost (log-normal by level and type, 2 dp) and the insurance-paid part (5 % pay it all)."""
    n = len(vt)
    noise = rng.standard_normal(n)
    op_median = np.array([t.OUTPATIENT_MEDIAN[v] for v in t.LEVELS])[level] * np.where(
        vt == 1, t.EMERGENCY_FACTOR, 1
    )
    stay = np.array([c.stay for c in t.CASES])[case]
    ip_base = (
        np.array([c.cost for c in t.CASES])[case]
        * np.array([t.INPATIENT_LEVEL_FACTOR[v] for v in t.LEVELS])[level]
    )
    ip_cost = ip_base * np.exp(t.INPATIENT_SIGMA * noise) * np.sqrt(np.maximum(los, 1) / stay)
    ip_cost = np.where(vt == 3, ip_cost * 0.6, ip_cost)
    mixed = np.where(vt >= 2, ip_cost, op_median * np.exp(t.OUTPATIENT_SIGMA * noise))
    cost = np.round(mixed, 2).astype(np.float64)
    lo_hi = np.array([t.INSURED[v] for v in t.VISIT_TYPES])[vt]
    share = rng.uniform(lo_hi[:, 0], lo_hi[:, 1]) * (rng.random(n) >= 0.05)
    return cost, np.floor(cost * share * 100) / 100


def _flags(vt: IntArray, level: IntArray, rng: np.random.Generator) -> tuple[IntArray, Any, Any]:
    """Referral (0 上转, 1 下转, -1 none), appointment and internet flags."""
    n = len(vt)

    def rate(table: dict[tuple[str, str], float]) -> FloatArray:
        grid = np.array([[table.get((v, lv), 0.0) for lv in t.LEVELS] for v in t.VISIT_TYPES])
        out: FloatArray = grid[vt, level]
        return out

    u = rng.random(n)
    up = rate(t.UP_REFERRAL)
    referral = np.where(u < up, 0, np.where(u < up + rate(t.DOWN_REFERRAL), 1, -1))
    is_op = vt == 0
    appointment = is_op & (rng.random(n) < np.array([t.APPOINTMENT[v] for v in t.LEVELS])[level])
    internet = is_op & (rng.random(n) < np.array([t.INTERNET[v] for v in t.LEVELS])[level])
    return referral, appointment, internet


def services_chunk(
    w: _World, month: int, counts: dict[str, int], first_row: int, resp_op: float, resp_ip: float,
    rng: np.random.Generator,
) -> pa.Table:  # fmt: skip
    """``counts`` rows of each visit type for ``month`` (1–12), shuffled; record numbers from ``first_row``."""
    vt = rng.permutation(np.repeat(np.arange(4), [counts[v] for v in t.VISIT_TYPES])).astype(np.int64)
    rc, k, fac, level = _who_where(w, vt, rng)
    c = _clinical(vt, resp_op, resp_ip, rng)
    service, admission, los = _dates(w, month, vt, c["case"], rng)
    cost, paid = _money(vt, level, c["case"], los, rng)
    referral, appointment, internet = _flags(vt, level, rng)
    row_no = pc.utf8_lpad(pa.array(np.arange(first_row, first_row + len(vt))).cast(pa.string()), 9, "0")
    yes_no = ["否", "是"]
    has_proc = c["has_proc"]
    return pa.table({
        "id_number": w.people.id_numbers(rc, k),
        "record_no": pc.binary_join_element_wise(f"{w.year}{month:02d}", row_no, ""),
        "facility": w.fac_code.take(pa.array(fac)),
        "facility_level": _labels(level, t.LEVELS),
        "county": w.fac_county.take(pa.array(fac)),
        "residence_county": _labels(rc, w.counties),
        "visit_type": _labels(vt, t.VISIT_TYPES),
        "service_date": pa.array(service.astype("datetime64[D]")),
        "admission_date": pa.array(admission.astype("datetime64[D]"), mask=vt < 2),
        "total_cost": pa.array(cost),
        "insurance_paid": pa.array(paid),
        "diagnosis": _labels(c["diag"], c["codes"]),
        "procedure": _labels(np.where(has_proc, c["case"], 0), [x.procedure for x in t.CASES], has_proc),
        "elective": _labels(c["elective"], yes_no, has_proc),
        "referral": _labels(np.maximum(referral, 0), ["上转", "下转"], referral >= 0),
        "appointment": _labels(appointment, yes_no),
        "internet": _labels(internet, yes_no),
        "drg": _labels(c["case"], [x.drg for x in t.CASES], vt == 2),
    })  # fmt: skip


# ---- the whole data set ---------------------------------------------------------------------------


def _metadata(scale: float, year: int, seed: int) -> dict[bytes, bytes]:
    about = json.dumps(
        {"generator": GENERATOR, "scale": scale, "year": year, "seed": seed}, ensure_ascii=False
    )
    return {b"yigai.synthetic": b"true", b"yigai.synth": about.encode()}


def _write(table: pa.Table, path: Path, meta: dict[bytes, bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table.replace_schema_metadata(meta), path, compression="zstd")


def check_arguments(out: Path, *, scale: float, year: int) -> None:
    """Raise :class:`SynthError` (in Chinese) for arguments :func:`generate` cannot honour."""
    if not 0 < scale <= MAX_SCALE:
        raise SynthError(f"--scale 应在 0 到 {MAX_SCALE:g} 之间（1.0 约为河北省一年），收到 {scale:g}")
    if not 1990 <= year <= dt.date.today().year:  # later years would give birth dates in the future
        raise SynthError(f"--year 应为 1990 至今年（{dt.date.today().year}）之间的年份，收到 {year}")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise SynthError(f"输出目录已存在且不为空：{out}（请换一个目录或先删除）")


def generate(
    out: Path, *, scale: float, year: int, seed: int = 1, chunk_rows: int = CHUNK_ROWS,
    progress: Progress | None = None,
) -> SynthResult:  # fmt: skip
    """Write the synthetic data set to ``out`` (which must not exist or be empty); all or nothing."""
    check_arguments(out, scale=scale, year=year)
    work = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        result = _generate(work, scale=scale, year=year, seed=seed, chunk_rows=chunk_rows, progress=progress)
        if out.exists():
            out.rmdir()
        work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return SynthResult(
        out, result.services, result.family_doctor, result.facilities, result.persons, result.parts
    )


def _generate(
    out: Path, *, scale: float, year: int, seed: int, chunk_rows: int, progress: Progress | None
) -> SynthResult:
    w = _world(scale, year, seed)
    meta = _metadata(scale, year, seed)
    rows, resp_op, resp_ip = monthly_rows(scale, year)
    persons = int(w.people.sizes.sum())
    total = sum(sum(v) for v in rows.values()) + persons
    done = 0
    by_month: dict[str, int] = {}
    parts = 0
    for m in range(12):
        month_counts = {v: rows[v][m] for v in t.VISIT_TYPES}
        n_month = sum(month_counts.values())
        bounds = np.cumsum([0] + [month_counts[v] for v in t.VISIT_TYPES])
        for i, lo in enumerate(range(0, n_month, chunk_rows)):
            hi = min(lo + chunk_rows, n_month)
            counts = {
                v: int(max(0, min(hi, bounds[j + 1]) - max(lo, bounds[j])))
                for j, v in enumerate(t.VISIT_TYPES)
            }
            rng = np.random.default_rng([seed, 1, m, i])
            table = services_chunk(w, m + 1, counts, lo, resp_op[m], resp_ip[m], rng)
            _write(table, out / "services" / f"month={year}-{m + 1:02d}" / f"part-{i:05d}.parquet", meta)
            parts += 1
            done += hi - lo
            if progress:
                progress("services", done, total)
        by_month[f"{year}-{m + 1:02d}"] = n_month
    contracts = 0
    buffer: list[pa.Table] = []
    part = 0

    def flush() -> None:
        nonlocal part, buffer
        if buffer:
            _write(pa.concat_tables(buffer), out / "family_doctor" / f"part-{part:05d}.parquet", meta)
            part += 1
            buffer = []

    for looked, table in contract_chunks(w.people, lambda i: np.random.default_rng([seed, 2, i])):
        buffer.append(table)
        contracts += table.num_rows
        done += looked
        if sum(b.num_rows for b in buffer) >= chunk_rows:
            flush()
        if progress:
            progress("family_doctor", done, total)
    flush()
    write_registry(w.reg, out / "facilities.csv", np.random.default_rng([seed, 3]))
    with (out / "drg_weights.csv").open("w", encoding="utf-8", newline="") as f:
        f.write("drg,name,weight\n" + "".join(f"{d},{n},{x}\n" for d, n, x in t.drg_rows()))
    services = sum(by_month.values())
    about = {
        "synthetic": True, "note": "示例数据：由 yigai records synth 合成，不含任何真实个人信息", "generator": GENERATOR,
        "scale": scale, "year": year, "seed": seed, "chunk_rows": chunk_rows,
        "rows": {"services": services, "family_doctor": contracts, "facilities": len(w.reg), "persons": persons,
                 "by_visit_type": {v: sum(rows[v]) for v in t.VISIT_TYPES}, "by_month": by_month},
    }  # fmt: skip
    (out / "SYNTHETIC.json").write_text(
        json.dumps(about, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return SynthResult(out, services, contracts, len(w.reg), persons, parts + part)


def read_about(path: Path) -> dict[str, Any] | None:
    """SYNTHETIC.json of a generated directory, or None."""
    try:
        about = json.loads((path / "SYNTHETIC.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return about if isinstance(about, dict) else None
