"""Validation rules between data elements (DHIS2 validation rules, kept as data): ``left ≤ right × factor``
for the same org unit, period and category option. A rule is checked when both sides are known, from the
file being imported or already stored."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    left: str
    right: str
    factor: float = 1.0
    note: str = ""


RULES: tuple[Rule, ...] = (
    Rule("OCCUPIED_BED_DAYS", "OPEN_BEDS", 366, "实际占用床日数不能超过实际开放床位数×366"),
    Rule("HOSPITAL_BEDS", "BEDS", note="医院床位数不能超过医疗卫生机构床位数"),
    Rule("GEN_HOSP_L2_GERIATRIC", "GEN_HOSP_L2", note="设老年医学科的医院数不能超过二级及以上综合性医院数"),
    Rule("FD_CONTRACTED", "POP_RESIDENT", note="家庭医生签约人数不能超过常住人口数"),
    Rule("FD_CONTRACTED_KEY", "KEY_POP", note="重点人群签约人数不能超过重点人群人数"),
    Rule("IN_COUNTY_VISITS", "COUNTY_RESIDENT_VISITS", note="县域内就诊人次不能超过就诊总人次"),
    Rule("INFANT_DEATHS", "LIVE_BIRTHS", note="婴儿死亡数不能超过活产数"),
    Rule("MATERNAL_DEATHS", "LIVE_BIRTHS", note="孕产妇死亡数不能超过活产数"),
    Rule("ELDERLY_65_MANAGED", "ELDERLY_65", note="接受健康管理的65岁及以上居民数不能超过65岁及以上居民数"),
    Rule("SMI_MANAGED_STD", "SMI_REGISTERED", note="规范管理患者数不能超过在册患者数"),
    Rule("DIABETES_MANAGED_STD", "DIABETES_MANAGED", note="规范管理的糖尿病患者数不能超过已管理患者数"),
)
