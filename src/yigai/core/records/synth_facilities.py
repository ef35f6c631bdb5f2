"""The synthetic facility registry and how a visit picks its facility (vectorised, by weight within a pool).

Every county has township hospitals or community health centres and many village clinics / health
stations (基层), a people's hospital, a TCM hospital and sometimes a private hospital (二级); the first
two districts of each prefecture hold its city hospitals (三级); Shijiazhuang's districts hold the
provincial hospitals; a few Beijing and Tianjin hospitals receive patients from outside. Visits choose
a *pool* (a county's 基层 or 二级 facilities, a prefecture's city hospitals, the provincial, Beijing or
Tianjin hospitals) and then a facility of the pool in proportion to its outpatient or inpatient weight.
All names start with 示例.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from yigai.core.records.synth_tables import FACILITIES, LEVELS

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
COLUMNS = (
    "code",
    "name",
    "level",
    "type",
    "county",
    "longitude",
    "latitude",
    "status",
    "ownership",
    "beds",
    "grade",
)
BEIJING = (("110101", "东城"), ("110102", "西城"), ("110105", "朝阳"), ("110108", "海淀"))
TIANJIN = (("120101", "和平"), ("120103", "河西"), ("120104", "南开"))
CENTRES = {"BEIJING": (116.40, 39.91), "TIANJIN": (117.20, 39.12), "": (115.5, 38.5)}
PROVINCIAL_SEAT = ("130102", "130104", "130105")  # Shijiazhuang districts


@dataclass
class Registry:
    """Facilities as columns (index = facility id) and the pools visits choose from."""

    code: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    grade: list[int] = field(default_factory=list)  # index into LEVELS (基层/二级/三级)
    type: list[str] = field(default_factory=list)
    county: list[str] = field(default_factory=list)
    ownership: list[str] = field(default_factory=list)
    beds: list[int] = field(default_factory=list)
    pool: list[int] = field(default_factory=list)
    op_weight: list[float] = field(default_factory=list)
    ip_weight: list[float] = field(default_factory=list)

    def add(self, code: str, name: str, grade: int, kind: str, county: str, owner: str, beds: int,
            pool: int, op: float, ip: float) -> None:  # fmt: skip
        for attr, value in zip(
            (
                "code",
                "name",
                "grade",
                "type",
                "county",
                "ownership",
                "beds",
                "pool",
                "op_weight",
                "ip_weight",
            ),
            (code, name, grade, kind, county, owner, beds, pool, op, ip),
            strict=True,
        ):
            getattr(self, attr).append(value)

    def __len__(self) -> int:
        return len(self.code)


class Pools:
    """Weighted choice of a facility inside a pool, for many visits at once."""

    def __init__(self, pool: IntArray, weights: FloatArray, n_pools: int) -> None:
        self.order = np.argsort(pool, kind="stable")
        sorted_pool = pool[self.order]
        self.cum = np.cumsum(weights[self.order])
        self.first = np.searchsorted(sorted_pool, np.arange(n_pools), side="left")
        self.last = np.searchsorted(sorted_pool, np.arange(n_pools), side="right") - 1
        base = np.where(self.first > 0, self.cum[np.maximum(self.first - 1, 0)], 0.0)
        self.base = base
        self.total = np.where(self.last >= self.first, self.cum[np.maximum(self.last, 0)] - base, 0.0)

    def has(self, pools: IntArray) -> Any:
        return self.total[pools] > 0

    def choose(self, pools: IntArray, u: FloatArray) -> IntArray:
        at = np.searchsorted(self.cum, self.base[pools] + u * self.total[pools], side="right")
        return self.order[np.clip(at, self.first[pools], self.last[pools])]


def build_registry(
    counties: Sequence[str], names: Sequence[str], populations: IntArray, prefectures: Sequence[str],
    *, pref_names: Mapping[str, str], scale: float, rng: np.random.Generator,
) -> Registry:  # fmt: skip
    """Facilities of the province (pools: county c's 基层 = c, 二级 = n + c; prefecture p's city hospitals
    = 2n + p; then provincial, Beijing, Tianjin)."""
    n = len(counties)
    pref_list = sorted(set(prefectures))
    reg = Registry()
    share = populations / max(int(populations.sum()), 1)
    for c, (code, cname) in enumerate(zip(counties, names, strict=True)):
        district = cname.endswith("区")
        basic = max(3, round(FACILITIES * scale * 0.97 * float(share[c])))
        centres = max(1, round(basic * 0.06))
        for i in range(basic):
            if i < centres:
                kind, owner = ("社区卫生服务中心" if district else "乡镇卫生院"), "公立"
                beds, op, ip = int(rng.integers(10, 80)), 8.0, 1.0
            else:
                kind = "社区卫生服务站" if district else "村卫生室"
                owner = "民营" if rng.random() < 0.3 else "集体"
                beds, op, ip = 0, 1.0, 0.0
            reg.add(f"{code}A{i + 1:04d}", f"示例{cname}{kind}{i + 1}", 0, kind, code, owner, beds, c, op, ip)
        hospitals = [("人民医院", "综合医院", "公立", 3.0), ("中医医院", "中医医院", "公立", 1.5)]
        if rng.random() < 0.6:
            hospitals.append(("民营医院", "综合医院", "民营", 0.6))
        for i, (label, kind, owner, w) in enumerate(hospitals):
            beds = int(rng.integers(150, 900) * w / 3) + 60
            reg.add(f"{code}B{i + 1:04d}", f"示例{cname}{label}", 1, kind, code, owner, beds, n + c, w, w)
    districts = {
        p: [c for c in range(n) if prefectures[c] == p and names[c].endswith("区")][:2] for p in pref_list
    }
    for p_i, p in enumerate(pref_list):
        for i, label in enumerate(
            ("第一医院", "中心医院", "中医院", "妇幼保健院")[: 4 if len(districts[p]) > 1 else 3]
        ):
            if not districts[p]:
                break
            c = districts[p][i % len(districts[p])]
            w = 4.0 if i < 2 else 2.0
            reg.add(f"{counties[c]}C{i + 1:04d}", f"示例{pref_names.get(p, p)}{label}", 2, "综合医院" if i < 2 else "专科医院",
                    counties[c], "公立", int(rng.integers(1000, 2500)), 2 * n + p_i, w, w)  # fmt: skip
    extra = [("省人民医院", PROVINCIAL_SEAT), ("省第二医院", PROVINCIAL_SEAT), ("省第三医院", PROVINCIAL_SEAT),
             ("省第四医院", PROVINCIAL_SEAT), ("省中医院", PROVINCIAL_SEAT), ("省儿童医院", PROVINCIAL_SEAT)]  # fmt: skip
    for i, (label, seat) in enumerate(extra):
        code = seat[i % len(seat)]
        reg.add(f"{code}P{i + 1:04d}", f"示例{label}", 2, "综合医院", code, "公立", int(rng.integers(2000, 3500)),
                2 * n + len(pref_list), 4.0, 4.0)  # fmt: skip
    for place, (pool, districts_out) in enumerate(((1, BEIJING), (2, TIANJIN))):
        for i in range(10 if place == 0 else 5):
            code, dname = districts_out[i % len(districts_out)]
            city = "北京" if place == 0 else "天津"
            reg.add(f"{code}C{i + 1:04d}", f"示例{city}{dname}医院{i + 1}", 2, "综合医院", code, "公立",
                    int(rng.integers(1500, 4000)), 2 * n + len(pref_list) + pool, 3.0, 3.0)  # fmt: skip
    return reg


def coordinates(reg: Registry, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """A point inside its county's packaged polygon for every Hebei facility; near the city centre otherwise."""
    from yigai.core.access.boundaries import county_shapes

    shapes = county_shapes()
    county = np.array(reg.county)
    lon = np.zeros(len(reg))
    lat = np.zeros(len(reg))
    for code in sorted(set(reg.county)):
        at = np.flatnonzero(county == code)
        shape = shapes.get(code)
        if shape is None:
            cx, cy = CENTRES[
                "BEIJING" if code.startswith("11") else "TIANJIN" if code.startswith("12") else ""
            ]
            lon[at] = np.round(cx + rng.normal(0, 0.04, len(at)), 6)
            lat[at] = np.round(cy + rng.normal(0, 0.03, len(at)), 6)
            continue
        x0, y0, x1, y1 = shapely.bounds(shape)
        xs: list[float] = []
        ys: list[float] = []
        while len(xs) < len(at):
            x = rng.uniform(x0, x1, 4 * len(at))
            y = rng.uniform(y0, y1, 4 * len(at))
            inside = shapely.contains_xy(shape, x, y)
            xs += list(x[inside])
            ys += list(y[inside])
        lon[at] = np.round(xs[: len(at)], 6)
        lat[at] = np.round(ys[: len(at)], 6)
    return lon, lat


def write_registry(reg: Registry, path: Path, rng: np.random.Generator) -> None:
    """facilities.csv: the access registry's columns (level 基层/县级/二级及以上) plus ownership, beds, grade."""
    lon, lat = coordinates(reg, rng)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for i in range(len(reg)):
            grade = reg.grade[i]
            level = "基层" if grade == 0 else "县级" if grade == 1 else "二级及以上"
            writer.writerow((reg.code[i], reg.name[i], level, reg.type[i], reg.county[i], f"{lon[i]:.6f}",
                             f"{lat[i]:.6f}", "运营", reg.ownership[i], reg.beds[i], LEVELS[grade]))  # fmt: skip
