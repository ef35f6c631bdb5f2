"""The catalogue: the shipped YAML loads, covers the seeds' and the 国考 indicators; bad specs are refused."""

from __future__ import annotations

import textwrap

import pytest

from yigai.core.indicators.catalogue import CatalogueError, default_catalogue, load_catalogue_text
from yigai.core.indicators.expressions import CycleError

SEED_INDICATORS = {
    "BEDS_PER_1000", "PUBLIC_HOSPITAL_BEDS_PER_1000", "PHYSICIANS_PER_1000", "NURSES_PER_1000",
    "PHARMACISTS_PER_1000", "FD_COVERAGE", "FD_COVERAGE_KEY", "IN_COUNTY_VISIT_RATE", "GERIATRIC_DEPT_RATE",
    "MATERNAL_MORTALITY", "INFANT_MORTALITY", "U5_MORTALITY", "U5_STUNTING", "CVD_MORTALITY", "CRD_MORTALITY_U70",
    "CANCER_5Y_SURVIVAL", "HEALTH_LITERACY", "CHILDCARE_PLACES_PER_1000", "SMI_MANAGEMENT_RATE", "EHR_COVERAGE",
    "IMMUNIZATION_RATE", "INTERNET_HOSPITALS", "COMMUNITY_HOSPITALS", "ELDERLY_CARE_CONTRACT_RATE",
}  # fmt: skip
# 国考 manual numbers of the quantitative indicators shipped (qualitative 10/12/42/43/44/49/52 and the
# year-on-year growth indicators 37-41, which need a previous-period operand, are not).
NPA_NUMBERS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
               29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 48, 50, 51, 53, 54, 55, 56}  # fmt: skip

MINIMAL = """
schema: yigai.indicators/1
data_elements:
  - {code: BEDS, name: 床位数, value_type: integer, aggregation: last,
     disaggregation: {name: 经济类型, options: [{code: PUBLIC, name: 公立}]}}
  - {code: POP, name: 人口, value_type: integer, aggregation: last}
indicators:
  - {code: BPT, name: 每千人口床位数, numerator: '#{BEDS}', denominator: '#{POP}', factor: 1000, unit: 张, direction: higher}
"""


def spec(extra: str = "", **replace: str) -> str:
    text = MINIMAL
    for old, new in replace.items():
        text = text.replace(old, new)
    return text + textwrap.indent(textwrap.dedent(extra).lstrip("\n"), "  ")


def test_shipped_catalogue_covers_the_seed_targets() -> None:
    cat = default_catalogue()
    assert set(cat.indicators) >= SEED_INDICATORS
    assert len(cat.indicators) >= 70 and len(cat.data_elements) >= 100


def test_shipped_catalogue_has_the_national_tertiary_hospital_indicators() -> None:
    cat = default_catalogue()
    numbers = {int(code[3:5]) for code in cat.indicators if code.startswith("NPA")}
    assert numbers == NPA_NUMBERS
    national = {c for c, i in cat.indicators.items() if i.national}
    assert "NPA17_ANTIBIOTIC_DDDS" in national and "NPA01_OUTPATIENT_DISCHARGE_RATIO" not in national


def test_shipped_definitions_follow_the_statistical_formulas() -> None:
    cat = default_catalogue()
    beds = cat.indicator("BEDS_PER_1000")
    assert (beds.numerator, beds.denominator, beds.factor, beds.per) == (
        "#{BEDS}",
        "#{POP_RESIDENT}",
        1000,
        "每千人口",
    )
    assert "IHS06.03.005" in (beds.standard or "")
    assert cat.indicator("MATERNAL_MORTALITY").factor == 100000
    assert cat.indicator("INFANT_MORTALITY").unit == "‰"
    assert cat.indicator("U5_STUNTING").direction == "lower"
    assert cat.element("POP_RESIDENT").aggregation == "last"
    assert cat.element("LIVE_BIRTHS").aggregation == "sum"
    assert cat.element("HEALTH_LITERACY").org_aggregation == "none"
    assert [o.code for o in cat.element("HOSPITAL_BEDS").options] == ["PUBLIC", "PRIVATE"]


def test_every_shipped_indicator_has_a_definition_and_source() -> None:
    for ind in default_catalogue().indicators.values():
        assert ind.definition and ind.source, ind.code
        assert ind.direction in ("higher", "lower", "monitor")


def test_minimal_spec_loads() -> None:
    cat = load_catalogue_text(spec())
    assert cat.indicator("BPT").numerator_expr is not None
    assert cat.element("BEDS").option("PUBLIC") is not None
    assert cat.indicator("BPT").decimals == 2  # default


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("aggregation: last,\n", "aggregation: stock,\n", "unknown aggregation 'stock'; valid: average, last, sum"),
        ("value_type: integer, aggregation: last}", "value_type: text, aggregation: last}", "unknown value_type 'text'; valid: integer, number, percentage"),
        ("factor: 1000", "factor: 500", "unknown factor 500; valid: 1, 10, 100, 1000"),
        ("direction: higher", "direction: up", "unknown direction 'up'; valid: higher, lower, monitor"),
        ("direction: higher", "direction: higher, colour: red", "unknown field 'colour'; valid: aliases, "),
        ("'#{POP}'", "'#{PEOPLE}'", "unknown data element 'PEOPLE'"),
        ("'#{BEDS}'", "'#{BEDS.PRIVATE}'", "BEDS has no option 'PRIVATE'; valid: PUBLIC"),
        ("'#{BEDS}'", "'#{BEDS} +'", "numerator: 第10个字符处"),
        ("code: BPT", "code: bpt", "code 'bpt' must be upper-case"),
        ("unit: 张, ", "", "missing field 'unit'"),
    ],
)  # fmt: skip
def test_bad_specs_are_refused_with_the_valid_choices(old: str, new: str, message: str) -> None:
    with pytest.raises(CatalogueError) as exc:
        load_catalogue_text(spec(**{"x": "x"}).replace(old, new, 1))
    assert message.replace("1, 10, 100, 1000", "1, 100, 1000, 10000, 100000") in str(exc.value)


def test_duplicate_codes_and_wrong_schema() -> None:
    dup = spec("""
      - {code: BPT, name: again, numerator: '1', denominator: '1', unit: x, direction: higher}
    """)
    with pytest.raises(CatalogueError, match="duplicate indicator code 'BPT'"):
        load_catalogue_text(dup)
    with pytest.raises(CatalogueError, match="schema must be"):
        load_catalogue_text(MINIMAL.replace("yigai.indicators/1", "yigai.indicators/2"))
    with pytest.raises(CatalogueError, match="not valid YAML"):
        load_catalogue_text("a: [")


def test_indicator_references_must_exist_and_not_loop() -> None:
    with pytest.raises(CatalogueError, match="unknown indicator 'NOPE'"):
        load_catalogue_text(
            spec("""
          - {code: X, name: x, numerator: 'I{NOPE}', denominator: '1', unit: x, direction: higher}
        """)
        )
    with pytest.raises(CycleError, match="X → Y → X"):
        load_catalogue_text(
            spec("""
          - {code: X, name: x, numerator: 'I{Y}', denominator: '1', unit: x, direction: higher}
          - {code: Y, name: y, numerator: 'I{X} + I{BPT}', denominator: '1', unit: x, direction: higher}
        """)
        )
    cat = load_catalogue_text(
        spec("""
      - {code: X, name: x, numerator: 'I{BPT} * 2', denominator: '1', unit: x, direction: higher}
    """)
    )
    assert cat.order.index("BPT") < cat.order.index("X")
    assert cat.dependencies("X") == {"BPT"}
