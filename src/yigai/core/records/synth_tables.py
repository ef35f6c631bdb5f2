"""Reference tables of the synthetic record generator (示例, made up for structure, not from any statistics).

Case mix of discharges (diagnosis, procedure, DRG group, relative weight, typical cost and stay),
outpatient diagnoses (respiratory ones rise in winter), shares by visit type and facility level, and the
monthly seasonality. The DRG weights are a 示例 table in the CHS-DRG style (group → relative weight):
they give case-mix indices of a plausible size, nothing more. Groups that also appear in the package's
示例 table (``yigai/data/drg_weights_example.csv``) carry the same code and weight there; the synthetic
set writes its own table (``drg_weights.csv``) to load with the records commands.

>>> len({c.drg for c in CASES}) == len(CASES)
True
>>> SEASON_RESPIRATORY.index(max(SEASON_RESPIRATORY))  # January
0
"""

from __future__ import annotations

from dataclasses import dataclass

VISIT_TYPES = ("门诊", "急诊", "住院", "日间手术")
LEVELS = ("基层", "二级", "三级")

# A year at scale 1.0 (about Hebei): visits by type, residents, and facilities (village clinics included).
ANNUAL = {"门诊": 376_000_000, "急诊": 24_000_000, "住院": 14_000_000, "日间手术": 700_000}
RESIDENTS = 74_000_000
FACILITIES = 80_000

# P(level | visit type): 基层 about half of outpatient + emergency visits.
LEVEL_MIX = {
    "门诊": (0.56, 0.33, 0.11),
    "急诊": (0.10, 0.55, 0.35),
    "住院": (0.22, 0.52, 0.26),
    "日间手术": (0.00, 0.45, 0.55),
}
# Where a visit of each level goes (the rest of 二级 leaves the county for its city or anywhere).
IN_COUNTY = {"基层": 0.99, "二级": 0.95}
SECOND_SAME_CITY = 0.7  # of 二级 visits leaving the county, share staying in the prefecture
PROVINCIAL = 0.22  # of 三级 visits, share at the provincial hospitals (Shijiazhuang)
# Of 三级 visits, share at Beijing / Tianjin facilities, by the patient's prefecture (adcode prefix).
OUT_OF_PROVINCE = {
    "1301": (0.03, 0.01), "1302": (0.04, 0.06), "1303": (0.04, 0.03), "1304": (0.02, 0.01),
    "1305": (0.02, 0.01), "1306": (0.08, 0.02), "1307": (0.09, 0.01), "1308": (0.09, 0.02),
    "1309": (0.03, 0.07), "1310": (0.14, 0.05), "1311": (0.03, 0.02),
}  # fmt: skip
DEFAULT_OUT = (0.04, 0.02)

# Shares among visits (by visit type and level) — referral, appointment, internet visits.
UP_REFERRAL = {
    ("住院", "二级"): 0.02,
    ("住院", "三级"): 0.05,
    ("门诊", "二级"): 0.004,
    ("门诊", "三级"): 0.01,
}
DOWN_REFERRAL = {("住院", "基层"): 0.06, ("门诊", "基层"): 0.006, ("住院", "二级"): 0.015}
APPOINTMENT = {"基层": 0.08, "二级": 0.55, "三级": 0.68}  # 门诊 only
INTERNET = {"基层": 0.0, "二级": 0.02, "三级": 0.05}  # 门诊 only
ELECTIVE = 0.6  # of 住院 rows with a procedure
INSURED = {"门诊": (0.35, 0.6), "急诊": (0.3, 0.55), "住院": (0.55, 0.78), "日间手术": (0.55, 0.75)}

# Outpatient cost (yuan, log-normal): median by level, emergency ×1.6, sigma for the long tail.
OUTPATIENT_MEDIAN = {"基层": 55.0, "二级": 170.0, "三级": 310.0}
EMERGENCY_FACTOR = 1.6
OUTPATIENT_SIGMA = 0.85
INPATIENT_LEVEL_FACTOR = {"基层": 0.45, "二级": 0.8, "三级": 1.3}
INPATIENT_SIGMA = 0.45

# Winter respiratory peak: respiratory visits are multiplied by 1 + 1.5 × this, January = 1.
SEASON_RESPIRATORY = (1.0, 0.8, 0.45, 0.15, 0.0, 0.0, 0.05, 0.05, 0.1, 0.3, 0.65, 0.95)
RESPIRATORY_AMPLITUDE = 1.5
SPRING_FESTIVAL_DIP = 0.85  # February, non-respiratory visits
WEEKEND_OUTPATIENT = 0.6  # a Saturday/Sunday outpatient day relative to a weekday


@dataclass(frozen=True)
class Case:
    """One kind of discharge: what the record shows, its DRG group and what it costs."""

    diagnosis: str
    procedure: str
    drg: str
    name: str
    weight: float
    cost: float  # typical total cost at a 二级 hospital, yuan
    stay: float  # mean length of stay, days
    frequency: float
    respiratory: bool = False
    day_surgery: float = 0.0  # relative frequency as a day surgery (0: never)


CASES: tuple[Case, ...] = (
    Case("J18.9", "", "ES23", "呼吸系统感染/炎症，伴一般并发症或合并症", 0.88, 6500, 8, 10, True),
    Case("J18.9", "", "ES21", "呼吸系统感染/炎症，伴严重并发症或合并症", 1.42, 11000, 11, 3, True),
    Case("J20.9", "", "ES25", "呼吸系统感染/炎症，不伴并发症或合并症", 0.67, 4200, 6, 4, True),
    Case("J44.1", "", "ET23", "慢性气道阻塞病，伴一般并发症或合并症", 0.91, 8000, 9, 6, True),
    Case("I63.9", "", "BR23", "脑缺血性疾患，伴一般并发症或合并症", 1.05, 10000, 11, 8),
    Case("I25.1", "", "FR23", "冠状动脉粥样硬化/血栓/闭塞，伴一般并发症或合并症", 0.79, 7000, 7, 6),
    Case("I10", "", "FT23", "高血压，伴一般并发症或合并症", 0.61, 5000, 7, 5),
    Case("I48.9", "", "FU23", "心律失常及传导障碍，伴一般并发症或合并症", 0.74, 6800, 7, 3),
    Case("E11.9", "", "KS13", "糖尿病，伴一般并发症或合并症", 0.72, 5500, 8, 5),
    Case("N18.9", "", "LR13", "肾功能不全，伴一般并发症或合并症", 1.02, 9500, 10, 2),
    Case("K29.7", "", "GZ13", "其他消化系统诊断，伴一般并发症或合并症", 0.66, 3800, 5, 5),
    Case("N39.0", "", "LU13", "泌尿系统感染，伴一般并发症或合并症", 0.63, 4000, 5, 3),
    Case("O80", "", "OR19", "阴道分娩", 0.56, 4000, 3, 5),
    Case("Z51.1", "", "RE13", "恶性增生性疾患的化学治疗，伴一般并发症或合并症", 0.96, 9000, 6, 4),
    Case("O82", "74.1", "OB29", "剖宫产术", 0.94, 8500, 5, 3),
    Case("S72.0", "81.51", "IC29", "髋、肩、膝、肘和踝关节置换术", 3.45, 45000, 14, 2.3),
    Case("K25.9", "43.7", "GB19", "食管、胃、十二指肠大手术", 3.12, 38000, 13, 0.8),
    Case("K80.2", "51.23", "HC29", "胆囊切除手术", 1.22, 16000, 6, 3, day_surgery=1.5),
    Case("K40.9", "53.02", "GE19", "腹股沟及腹疝手术", 1.08, 9000, 4, 2, day_surgery=2.0),
    Case("H25.9", "13.41", "CB39", "晶状体手术", 0.70, 7000, 2, 3, day_surgery=5.0),
    Case("K63.5", "45.42", "GK23", "结肠镜治疗操作，伴一般并发症或合并症", 0.60, 6000, 3, 3, day_surgery=4.0),
    Case("I25.1", "36.06", "FM19", "经皮心血管操作及冠状动脉药物洗脱支架植入", 2.85, 40000, 7, 2),
    Case("N20.0", "98.51", "LL19", "泌尿系结石体外碎石", 0.50, 5000, 2, 1.5, day_surgery=2.0),
    Case("D25.9", "68.41", "ND23", "子宫（除内膜以外）手术，伴一般并发症或合并症", 1.30, 14000, 7, 1.5),
    Case("S82.8", "79.36", "IF23", "胫腓骨手术，伴一般并发症或合并症", 1.60, 18000, 10, 1.5),
    Case("C50.9", "85.43", "JA29", "乳房恶性肿瘤全切术", 1.98, 22000, 10, 0.8),
)

# Outpatient / emergency diagnoses: (ICD-10, relative frequency, respiratory).
OUTPATIENT_DIAGNOSES: tuple[tuple[str, float, bool], ...] = (
    ("J06.9", 10, True), ("J20.9", 4, True), ("J02.9", 3, True), ("J18.9", 0.8, True), ("J45.9", 0.7, True),
    ("B34.9", 1.5, True), ("I10", 14, False), ("E11.9", 7, False), ("I25.1", 3, False), ("K29.7", 4, False),
    ("M54.5", 3, False), ("R51", 1.5, False), ("K52.9", 2, False), ("L30.9", 2, False), ("H10.9", 1.2, False),
    ("N39.0", 1.2, False), ("Z00.0", 3, False), ("M17.9", 1.5, False), ("F32.9", 0.6, False),
    ("I63.9", 1.2, False), ("S01.8", 0.8, False), ("T14.9", 0.8, False),
)  # fmt: skip


def drg_rows() -> list[tuple[str, str, str]]:
    """The 示例 DRG weight table: (drg, name, weight as text with 4 decimals)."""
    return [(c.drg, c.name, f"{c.weight:.4f}") for c in CASES]
