"""Matching extracted plan targets to catalogue indicators, on the five seed plans' golden extractions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yigai.core.indicators.matching import normalise, normalise_per, similarity, suggest
from yigai.core.plan import Target

GOLDEN = Path(__file__).parents[1] / "parse" / "golden"


def seed_targets() -> dict[tuple[str, str], Target]:
    out = {}
    for path in sorted(GOLDEN.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for t in doc["targets"]:
            out[(path.name[:3], t["id"])] = Target(**t)
    return out


TARGETS = seed_targets()

EXPECTED = {
    ("003", "G20"): "PUBLIC_HOSPITAL_BEDS_PER_1000",  # 公立医院床位数, 每千人口 5.2
    ("003", "G21"): "PHYSICIANS_PER_1000",  # 执业（助理）医师数 3.2
    ("003", "G22"): "NURSES_PER_1000",
    ("003", "G23"): "PHARMACISTS_PER_1000",
    ("004", "G6"): "BEDS_PER_1000",  # 床位数, 每千人口 7.5
    ("004", "G7"): "PHYSICIANS_PER_1000",
    ("004", "G8"): "NURSES_PER_1000",
    ("004", "G9"): "CHILDCARE_PLACES_PER_1000",  # per written "千人口"
    ("004", "G10"): "CHILDCARE_PLACES_PER_1000",
    ("004", "G80"): "CHILDCARE_PLACES_PER_1000",
    ("002", "G18"): "FD_COVERAGE",  # 全人群和重点人群签约服务覆盖率 每年提升1-3个百分点
    ("002", "G19"): "FD_COVERAGE",
    ("002", "G20"): "FD_COVERAGE_KEY",
    ("004", "G45"): "FD_COVERAGE",
    ("002", "G28"): "ELDERLY_CARE_CONTRACT_RATE",  # 签约率
    ("004", "G22"): "IN_COUNTY_VISIT_RATE",
    ("003", "G10"): "GERIATRIC_DEPT_RATE",
    ("004", "G11"): "GERIATRIC_DEPT_RATE",
    ("004", "G89"): "GERIATRIC_DEPT_RATE",
    ("004", "G23"): "U5_STUNTING",
    ("004", "G56"): "CVD_MORTALITY",
    ("004", "G58"): "CRD_MORTALITY_U70",
    ("004", "G57"): "CANCER_5Y_SURVIVAL",
    ("004", "G1"): "HEALTH_LITERACY",
    ("004", "G54"): "SMI_MANAGEMENT_RATE",
    ("004", "G55"): "EHR_COVERAGE",
    ("004", "G53"): "IMMUNIZATION_RATE",
    ("002", "G27"): "INTERNET_HOSPITALS",
    ("004", "G5"): "INTERNET_HOSPITALS",
    ("004", "G43"): "COMMUNITY_HOSPITALS",
    ("003", "G15"): "NPA24_EMR_LEVEL",
    ("004", "G59"): "DIABETES_MANAGEMENT_RATE",
    ("004", "G14"): "ELDERLY_HEALTH_MANAGEMENT_RATE",
    ("004", "G62"): "TWO_CANCER_SCREENING_COVERAGE",
}


@pytest.mark.parametrize(("key", "code"), sorted(EXPECTED.items()))
def test_seed_targets_map_to_the_right_indicator(key: tuple[str, str], code: str) -> None:
    suggestions = suggest(TARGETS[key])
    assert suggestions, TARGETS[key].indicator
    assert suggestions[0].code == code, (TARGETS[key].indicator, suggestions)
    assert suggestions[0].score >= 0.8


def test_per_capita_base_separates_close_names() -> None:
    beds = suggest(TARGETS[("004", "G6")])
    assert beds[0].code == "BEDS_PER_1000" and beds[1].score < beds[0].score
    bare = Target(
        id="X", task_id=None, indicator="公立医院床位数", comparator=">=", value=5000, unit="张", quote=""
    )
    assert suggest(bare)[0].score < suggest(TARGETS[("003", "G20")])[0].score  # no "每千人口": less sure


@pytest.mark.parametrize(
    "key",
    [
        ("004", "G30"),
        ("003", "G7"),
        ("002", "G5"),
        ("004", "G33"),
        ("003", "G2"),
        ("000", "G1"),
        ("004", "G36"),
    ],
)
def test_unrelated_targets_get_no_suggestion(key: tuple[str, str]) -> None:
    assert suggest(TARGETS[key]) == [], TARGETS[key].indicator


def test_normalisation() -> None:
    assert normalise("全省每千人口床位数") == "每千人口床位数"
    assert normalise_per("千人口") == normalise_per("每千人") == "每千人口"
    assert normalise_per("每100万至200万人口") == "每100万至200万人口"
    assert normalise_per(None) is None
    assert similarity("儿童医院数量", "社区医院数量") < 0.5  # the shared "医院数量" suffix is not a match
