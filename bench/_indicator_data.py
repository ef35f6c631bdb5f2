"""Synthetic data for ``bench/indicators.py``: the Hebei reporting tree, facilities, monthly values.

Deterministic for a seed: the tree, the facility counts and every value are drawn from
``numpy.random.default_rng`` seeded with ``seed`` (tree) and ``[seed, chunk]`` (values), so a
rerun writes the same files. Values are written in chunks of whole org units to
``DIR/values/part-NNNNN.parquet`` (dictionary-encoded strings, as a data warehouse export would be)
with the layout ``compute_sql`` reads: ``org_unit, data_element, disaggregation, period, value``;
the tree goes to ``DIR/org_units.parquet`` as ``code, parent, level``.

Every org unit (province, cities, counties and facilities) reports every catalogue data element
(flows, stocks, averages; summed and not-summed over the tree) for every month 2020-01…2024-12,
except ~3 % of (org unit, element) series that are never reported and ~1 % of single months
that are missing — so "no data" and "last value inside the year" are both exercised. Elements
with a disaggregation are reported by facilities under one option (a facility is public or private,
a shortage specialty is one of five), by administrative units as a total.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from yigai.core.indicators import Catalogue

YEARS = tuple(str(y) for y in range(2020, 2025))
MONTHS = tuple(f"{y}{m:02d}" for y in YEARS for m in range(1, 13))
SERIES_MISSING = 0.03  # share of (org unit, element) series never reported
MONTH_MISSING = 0.01  # share of single monthly values missing
CHUNK_ROWS = 5_000_000  # about this many rows per Parquet file

# Reporting tree (not the legal one): 定州 and 辛集 report to the province; 雄县, 容城 and 安新 to 雄安新区.
REPORTING_PARENT = {
    "130682": "130000",
    "130181": "130000",
    "130638": "133100",
    "130629": "133100",
    "130632": "133100",
}


@dataclass(frozen=True)
class OrgTree:
    """Org units in generation order: administrative units first, then facilities by county."""

    codes: tuple[str, ...]
    parents: tuple[str | None, ...]
    levels: tuple[str, ...]

    @property
    def admin_count(self) -> int:
        return sum(1 for level in self.levels if level != "facility")

    def parent_map(self) -> dict[str, str | None]:
        return dict(zip(self.codes, self.parents, strict=True))


def hebei_admin_units() -> list[tuple[str, str | None, str]]:
    """(adcode, reporting parent, level) for the province, 12 city-level units and 167 counties."""
    path = resources.files("yigai") / "data" / "hebei_divisions.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
        (r["adcode"], REPORTING_PARENT.get(r["adcode"], r["parent_adcode"] or None), r["level"]) for r in rows
    ]


def build_tree(rows: int, n_elements: int, seed: int) -> OrgTree:
    """The admin tree plus enough facilities (uneven counts per county) to reach about ``rows`` values."""
    admin = hebei_admin_units()
    counties = [code for code, _, level in admin if level == "county"]
    per_org = n_elements * len(MONTHS) * (1 - SERIES_MISSING) * (1 - MONTH_MISSING)
    facilities = max(0, round(rows / per_org) - len(admin))
    rng = np.random.default_rng(seed)
    weights = rng.gamma(2.0, 1.0, len(counties))
    counts = rng.multinomial(facilities, weights / weights.sum()) if facilities else [0] * len(counties)
    codes = [a[0] for a in admin]
    parents: list[str | None] = [a[1] for a in admin]
    levels = [a[2] for a in admin]
    for county, count in zip(counties, counts, strict=True):
        for i in range(int(count)):
            codes.append(f"{county}{i + 1:04d}")
            parents.append(county)
            levels.append("facility")
    return OrgTree(tuple(codes), tuple(parents), tuple(levels))


def _element_scales(catalogue: Catalogue, codes: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per element: typical size, decimals, and whether it is a level (stock/average) or a flow."""
    scale, decimals, level = [], [], []
    for code in codes:
        el = catalogue.element(code)
        if el.value_type == "percentage" or el.org_aggregation == "none":
            scale.append(80.0)
            decimals.append(1)
        elif el.value_type == "number":
            scale.append(5_000.0)
            decimals.append(2)
        else:
            scale.append(400.0 if el.aggregation == "sum" else 2_000.0)
            decimals.append(0)
        level.append(el.aggregation != "sum")
    return np.array(scale), np.array(decimals), np.array(level)


def _chunk_table(
    tree: OrgTree,
    lo: int,
    hi: int,
    catalogue: Catalogue,
    elements: list[str],
    options: list[str],
    seed: int,
    chunk: int,
) -> pa.Table:
    rng = np.random.default_rng([seed, chunk])
    n_org, n_el, n_mo = hi - lo, len(elements), len(MONTHS)
    scale, decimals, is_level = _element_scales(catalogue, elements)
    # One base level per (org unit, element), a trend per element, noise per month.
    base = scale[None, :] * rng.lognormal(0.0, 0.5, (n_org, n_el))
    trend = 1 + 0.003 * np.arange(n_mo)[None, None, :] * rng.uniform(-1, 2, n_el)[None, :, None]
    noise = np.where(
        is_level[None, :, None],
        rng.uniform(0.995, 1.005, (n_org, n_el, n_mo)),
        rng.uniform(0.7, 1.3, (n_org, n_el, n_mo)),
    )
    factor = 10.0 ** decimals[None, :, None]
    values = np.round(base[:, :, None] * trend * noise * factor) / factor
    keep = rng.random((n_org, n_el, 1)) >= SERIES_MISSING
    keep = keep & (rng.random((n_org, n_el, n_mo)) >= MONTH_MISSING)
    org_idx = np.broadcast_to(np.arange(lo, hi, dtype=np.int32)[:, None, None], keep.shape)[keep]
    el_idx = np.broadcast_to(np.arange(n_el, dtype=np.int8)[None, :, None], keep.shape)[keep]
    mo_idx = np.broadcast_to(np.arange(n_mo, dtype=np.int8)[None, None, :], keep.shape)[keep]
    # Disaggregation: a facility reports an element that has options under one option of it.
    opt_idx = np.full((n_org, n_el), -1, dtype=np.int8)
    facility = np.array([tree.levels[i] == "facility" for i in range(lo, hi)])
    for j, code in enumerate(elements):
        opts = [o.code for o in catalogue.element(code).options]
        if opts:
            pick = rng.integers(0, len(opts), n_org)
            opt_idx[:, j] = np.where(facility, [options.index(opts[k]) for k in pick], -1)
    opt = np.broadcast_to(opt_idx[:, :, None], keep.shape)[keep]
    return pa.table(
        {
            "org_unit": pa.DictionaryArray.from_arrays(pa.array(org_idx), pa.array(tree.codes)),
            "data_element": pa.DictionaryArray.from_arrays(pa.array(el_idx), pa.array(elements)),
            "disaggregation": pa.DictionaryArray.from_arrays(
                pa.array(opt, mask=opt < 0), pa.array(options, type=pa.string())
            ),
            "period": pa.DictionaryArray.from_arrays(pa.array(mo_idx), pa.array(MONTHS)),
            "value": pa.array(values[keep]),
        }
    )


def generate(directory: Path, *, rows: int, seed: int, catalogue: Catalogue) -> dict[str, int]:
    """Write the tree and the values under ``directory``; returns the sizes (also saved as meta.json)."""
    elements = sorted(catalogue.data_elements)
    options = sorted({o.code for code in elements for o in catalogue.element(code).options})
    tree = build_tree(rows, len(elements), seed)
    (directory / "values").mkdir(parents=True, exist_ok=True)
    pq.write_table(
        pa.table({"code": list(tree.codes), "parent": list(tree.parents), "level": list(tree.levels)}),
        directory / "org_units.parquet",
    )
    per_chunk = max(1, CHUNK_ROWS // (len(elements) * len(MONTHS)))
    total, t0 = 0, time.perf_counter()
    expected = len(tree.codes) * len(elements) * len(MONTHS) * (1 - SERIES_MISSING) * (1 - MONTH_MISSING)
    for chunk, lo in enumerate(range(0, len(tree.codes), per_chunk)):
        hi = min(lo + per_chunk, len(tree.codes))
        table = _chunk_table(tree, lo, hi, catalogue, elements, options, seed, chunk)
        pq.write_table(table, directory / "values" / f"part-{chunk:05d}.parquet", row_group_size=1 << 20)
        total += table.num_rows
        rate = total / (time.perf_counter() - t0) / 1e6
        print(
            f"\r  generating: {total / 1e6:6.1f} M of ~{expected / 1e6:.1f} M rows "
            f"({min(100.0, 100 * total / expected):5.1f} %, {rate:.1f} M rows/s)",
            end="",
            file=sys.stderr,
            flush=True,
        )
    print(file=sys.stderr)
    meta = {
        "rows": total,
        "requested_rows": rows,
        "seed": seed,
        "org_units": len(tree.codes),
        "admin_units": tree.admin_count,
        "facilities": len(tree.codes) - tree.admin_count,
        "data_elements": len(elements),
        "months": len(MONTHS),
        "bytes": sum(p.stat().st_size for p in (directory / "values").glob("*.parquet")),
    }
    (directory / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta


# --- the indicator definitions, as an analyst would copy them out of the catalogue -----------------

_ALLOWED = re.compile(r"^(?:\s|\d+(?:\.\d+)?|#\{[A-Z][A-Z0-9_]*(?:\.[A-Z][A-Z0-9_]*)?\}|[-+*/()])*$")
_ELEMENT = re.compile(r"#\{([A-Z][A-Z0-9_]*(?:\.[A-Z][A-Z0-9_]*)?)\}")


def rewrite(expression: str, quote: str) -> str:
    """``#{BEDS.PUBLIC} * 365`` → ``"BEDS.PUBLIC" * 365`` (SQL) or with backticks (pandas ``eval``).

    Only elements, numbers and ``+ - * / ( )`` are expected; anything else (``I{…}``) stops the bench
    so the baselines are never silently wrong.
    """
    if not _ALLOWED.match(expression):
        raise SystemExit(f"bench baselines cannot read this expression yet: {expression!r}")
    return _ELEMENT.sub(lambda m: f"{quote}{m[1]}{quote}", expression)
