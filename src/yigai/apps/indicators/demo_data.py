"""示例数据: believable indicator data for every Hebei county 2019-2024, deterministic (seeded by code).

Values are stored at county level only; cities and the province are their sums (ratio of sums), so the
tree is consistent by construction. City populations follow the 2020 census orders of magnitude; each
ratio indicator moves from a 2019 level towards its 2025 goal at a pace that differs by city, so target
statuses differ (achieved, on track, needs acceleration, limited progress, deterioration). Everything is
marked 示例数据 (``is_demo``) and comes from the batch named :data:`DEMO_FILE`.
"""

from __future__ import annotations

import hashlib
import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction

from yigai.apps.indicators.models import DataElement, DataValue, ImportBatch
from yigai.apps.indicators.services.catalogue import catalogue_ensure
from yigai.apps.orgunits.models import OrgUnit

VERSION = (
    "indicators-demo/2"  # 2: every county reports its internet hospitals (0 where none), so totals are final
)
DEMO_FILE = "示例数据_河北省卫生健康统计_2019-2024.csv"
YEARS = range(2019, 2025)
# 2020 census (persons), by reporting tree: 辛集 and 定州 report to the province, 雄县/容城/安新 to 雄安新区.
CITY_POP = {
    "130100": 10_640_000, "130200": 7_718_000, "130300": 3_137_000, "130400": 9_414_000,
    "130500": 7_111_000, "130600": 9_240_000, "130700": 4_119_000, "130800": 3_355_000,
    "130900": 7_301_000, "131000": 5_464_000, "131100": 4_213_000,
}  # fmt: skip
FIXED_POP = {"130181": 595_000, "130682": 1_095_000, "130638": 400_000, "130629": 270_000, "130632": 460_000}
GROWTH = {"130100": 0.004, "131000": 0.006, "133100": 0.02}  # yearly; elsewhere a slight decline
RANKS = (*sorted(CITY_POP), "130181", "130682", "133100")  # a fixed order: any subset gives the same values
# City pace factors (mean 1): multiplied with an indicator's pace, rotated per indicator.
PACE = (1.8, 1.33, 1.0, 0.47, -0.33, 1.47, 1.2, 0.8, 1.6, 0.27, 1.33, 1.07)


@dataclass(frozen=True)
class RateSpec:
    """numerator = rate × denominator ÷ factor; the rate goes from ``base`` (2019) towards ``goal`` by ``goal_year``."""

    numerator: str
    denominator: str
    base: float
    goal: float
    goal_year: int
    pace: float
    factor: int = 1000
    options: tuple[tuple[str, float], ...] = ()  # split of the numerator by option


RATES: tuple[RateSpec, ...] = (
    RateSpec("BEDS", "POP_RESIDENT", 5.9, 7.5, 2025, 1.0, options=(("PUBLIC", 0.74), ("PRIVATE", 0.26))),
    RateSpec("HOSPITAL_BEDS", "POP_RESIDENT", 4.3, 5.2, 2025, 1.0, options=(("PUBLIC", 1.0),)),
    RateSpec("PHYSICIANS", "POP_RESIDENT", 2.9, 3.5, 2025, 1.45),
    RateSpec("NURSES", "POP_RESIDENT", 2.6, 3.8, 2025, 0.75),
    RateSpec("PHARMACISTS", "POP_RESIDENT", 0.33, 0.45, 2025, 0.4),
    RateSpec("CHILDCARE_PLACES", "POP_RESIDENT", 1.0, 4.5, 2025, 0.55),
    RateSpec("FD_CONTRACTED", "POP_RESIDENT", 32.0, 42.0, 2025, 1.1, factor=100),
    RateSpec("FD_CONTRACTED_KEY", "KEY_POP", 55.0, 70.0, 2025, 0.9, factor=100),
    RateSpec("IN_COUNTY_VISITS", "COUNTY_RESIDENT_VISITS", 82.0, 90.0, 2027, 0.8, factor=100),
    RateSpec("GEN_HOSP_L2_GERIATRIC", "GEN_HOSP_L2", 35.0, 60.0, 2025, 1.1, factor=100),
    RateSpec("ELDERLY_65_MANAGED", "ELDERLY_65", 62.0, 65.0, 2027, -0.4, factor=100),
    RateSpec("ELDERLY_INSTITUTIONS_CONTRACTED", "ELDERLY_INSTITUTIONS", 70.0, 100.0, 2023, 0.7, factor=100),
    RateSpec("INFANT_DEATHS", "LIVE_BIRTHS", 3.6, 2.9, 2025, 1.0),
    RateSpec("MATERNAL_DEATHS", "LIVE_BIRTHS", 11.0, 9.5, 2025, 0.8, factor=100_000),
    RateSpec("U5_STUNTED", "U5_HEIGHT_CHECKED", 1.6, 1.2, 2025, 1.0, factor=100),
)
# denominators per person (share of residents) or per county, with a yearly drift
DENOMINATORS = {
    "KEY_POP": (0.30, 0.008), "COUNTY_RESIDENT_VISITS": (5.2, 0.02), "ELDERLY_65": (0.139, 0.035),
    "LIVE_BIRTHS": (0.0108, -0.09), "U5_HEIGHT_CHECKED": (0.052, -0.05),
}  # fmt: skip
PER_COUNTY = {"GEN_HOSP_L2": (2.4, 0.02), "ELDERLY_INSTITUTIONS": (8.0, 0.03)}


def _rng(*parts: object) -> random.Random:
    return random.Random(zlib.crc32("|".join(map(str, parts)).encode()))


def _populations(counties: list[OrgUnit]) -> dict[str, float]:
    """2020 population per county: fixed ones, else the city's census total split by seeded weights."""
    out = {c.code: float(FIXED_POP[c.code]) for c in counties if c.code in FIXED_POP}
    by_city: dict[str, list[OrgUnit]] = {}
    for c in counties:
        if c.code not in out and c.parent is not None:
            by_city.setdefault(c.parent.code, []).append(c)
    for city, members in by_city.items():
        weights = {c.code: _rng("pop", c.code).uniform(0.45, 1.6) for c in members}
        total = sum(weights.values())
        out |= {code: CITY_POP.get(city, 2_000_000) * w / total for code, w in weights.items()}
    return out


def _city_of(county: OrgUnit) -> str:
    return county.parent.code if county.parent and county.parent.level == "city" else county.code


def _rate(spec: RateSpec, index: int, city_rank: int, county: str, year: int) -> float:
    pace = spec.pace * PACE[(city_rank + index) % len(PACE)]
    rng = _rng("rate", spec.numerator, county)
    level = rng.gauss(1.0, 0.07)
    progress = pace * (year - 2019) / (spec.goal_year - 2019)
    value = (spec.base + progress * (spec.goal - spec.base)) * level
    return max(0.0, value * _rng("noise", spec.numerator, county, year).gauss(1.0, 0.012))


def generate(counties: list[OrgUnit]) -> Iterator[tuple[str, str, str, str, float]]:
    """(org unit code, data element code, period, option, value) for every county and year."""
    pops = _populations(counties)
    for county in counties:
        rank = RANKS.index(_city_of(county)) if _city_of(county) in RANKS else len(RANKS)
        growth = GROWTH.get(_city_of(county), -0.003)
        for year in YEARS:
            pop = pops[county.code] * (1 + growth) ** (year - 2020)
            denominators = {"POP_RESIDENT": round(pop)}
            for code, (share, drift) in DENOMINATORS.items():
                denominators[code] = round(pop * share * (1 + drift) ** (year - 2019))
            for code, (per, drift) in PER_COUNTY.items():
                size = pop / 400_000
                denominators[code] = max(
                    1,
                    round(
                        per * size * (1 + drift) ** (year - 2019) * _rng(code, county.code).uniform(0.7, 1.3)
                    ),
                )
            for code, value in denominators.items():
                yield county.code, code, str(year), "", float(value)
            for i, spec in enumerate(RATES):
                amount = (
                    _rate(spec, i, rank, county.code, year) * denominators[spec.denominator] / spec.factor
                )
                if spec.numerator in (
                    "INFANT_DEATHS",
                    "MATERNAL_DEATHS",
                    "GEN_HOSP_L2_GERIATRIC",
                    "ELDERLY_INSTITUTIONS_CONTRACTED",
                ):
                    amount = min(amount, denominators[spec.denominator])
                    amount = int(amount) + (
                        _rng("round", spec.numerator, county.code, year).random() < amount % 1
                    )
                for option, share in spec.options or (("", 1.0),):
                    yield county.code, spec.numerator, str(year), option, float(round(amount * share))
            yield from _counts(county, rank, year)


def _counts(county: OrgUnit, rank: int, year: int) -> Iterator[tuple[str, str, str, str, float]]:
    """Facilities counted per county: internet hospitals in the city seat, community hospitals."""
    rng = _rng("counts", county.code)
    n = 0
    if county.parent is not None and county.parent.level == "city" and county.code.endswith(("02", "04")):
        start, pace = rng.choice((2019, 2020, 2021)), PACE[rank % len(PACE)]
        n = max(0, round(pace * 1.2 * (year - start + 1))) if year >= start else 0
    yield county.code, "INTERNET_HOSPITALS", str(year), "", float(n)  # a county without one reports 0
    yield (
        county.code,
        "COMMUNITY_HOSPITALS",
        str(year),
        "",
        float(max(0, round((year - 2018) * rng.uniform(0.0, 0.3)))),
    )


@transaction.atomic
def demo_values_load() -> int:
    """Store the demo values once (bulk); a second call changes nothing. Returns the values stored now."""
    catalogue_ensure()
    digest = hashlib.sha256(VERSION.encode()).hexdigest()
    if ImportBatch.objects.filter(content_hash=digest).exists():
        return 0
    DataValue.objects.filter(is_demo=True, batch__isnull=False).delete()
    counties = list(OrgUnit.objects.filter(level="county").select_related("parent").order_by("code"))
    rows = list(generate(counties))
    batch = ImportBatch.objects.create(
        file_name=DEMO_FILE, content_hash=digest, rows=len(rows) + 6, is_demo=True
    )
    elements = {d.code: d for d in DataElement.objects.all()}
    orgs = {o.code: o for o in counties} | {o.code: o for o in OrgUnit.objects.filter(level="province")}
    literacy = [("130000", "HEALTH_LITERACY", str(y), "", 24.0 + 1.45 * (y - 2019)) for y in YEARS]
    objs = [
        DataValue(data_element=elements[de], org_unit=orgs[org], period=period, period_type="year",
                  year=int(period), disaggregation=option, value=value, batch=batch, source_file=DEMO_FILE,
                  source_hash=digest, is_demo=True)
        for org, de, period, option, value in [*rows, *literacy]
        if org in orgs
    ]  # fmt: skip
    DataValue.objects.bulk_create(objs, batch_size=2000)
    batch.created = len(objs)
    batch.save(update_fields=["created"])
    return len(objs)


def demo_targets_link() -> int:
    """Link the demo plans' targets whose best suggestion scores at least 0.8; returns the links made."""
    from yigai.apps.indicators.services.targets import targets_link_plan
    from yigai.apps.plans.models import Plan

    return sum(len(targets_link_plan(plan=p, auto=True).linked) for p in Plan.objects.filter(is_demo=True))
