"""Record dataset specs: the shipped ones load; mistakes are refused with the valid choices."""

from __future__ import annotations

import pytest

from yigai.core.indicators.catalogue import default_catalogue
from yigai.core.records import SpecError, load_spec_text, shipped_specs

BASE = """schema: yigai.records/1
code: t
name: t
columns:
  - {name: 身份证号, role: person_id}
  - {name: 县, role: org_unit, as: county}
  - {name: 日, role: date, as: day}
"""


def test_shipped_specs_drop_pi_and_measure_catalogue_elements() -> None:
    catalogue = default_catalogue()
    for spec in shipped_specs().values():
        assert {"姓名", "联系电话", "现住址"} <= set(spec.dropped)
        assert spec.person_id.name == "身份证号" and spec.legal_basis and spec.retention_years
        for measure in spec.measures:
            assert catalogue.element(measure.data_element).value_type == "integer"
            assert catalogue.element(measure.data_element).period_type == measure.period


@pytest.mark.parametrize(("extra", "message"), [
    ("measures: [{data_element: X, count: people, org_unit: county, date: day}]", "unknown count 'people'; valid: persons, records"),
    ("measures: [{data_element: X, count: persons, org_unit: day, date: day}]", "unknown org_unit column 'day'; valid: county"),
    ("measures: [{data_element: X, count: persons, org_unit: county, date: day, where: {nope: {equals: 1}}}]", "where: unknown column 'nope'"),
    ("age_at: county", "age_at must name a date column"),
    ("colour: red", "unknown field 'colour'"),
])  # fmt: skip
def test_mistakes_are_named(extra: str, message: str) -> None:
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_spec_text(BASE + extra)


def test_exactly_one_person_id() -> None:
    with pytest.raises(SpecError, match="exactly one column must have role person_id"):
        load_spec_text(BASE.replace("role: person_id", "role: drop"))


def test_schema_2_roles_need_schema_2_and_checks_name_typed_columns() -> None:
    with pytest.raises(SpecError, match=r"number and flag columns and checks need schema yigai\.records/2"):
        load_spec_text(BASE + "  - {name: 费用, role: number, as: cost}\n")
    v2 = BASE.replace("yigai.records/1", "yigai.records/2")
    spec = load_spec_text(v2 + "  - {name: 费用, role: number, as: cost}\n  - {name: 付, role: number, as: paid}\n"
                          "checks: [{not_greater: [paid, cost]}]\n")  # fmt: skip
    assert [(c.kind, c.first, c.second) for c in spec.checks] == [("not_greater", "paid", "cost")]
    with pytest.raises(SpecError, match="not_after compares two date columns"):
        load_spec_text(v2 + "  - {name: 费用, role: number, as: cost}\nchecks: [{not_after: [cost, day]}]\n")
    with pytest.raises(SpecError, match="outside: 2-digit province prefixes"):
        load_spec_text(v2.replace("as: county}", "as: county, outside: [北京]}"))
