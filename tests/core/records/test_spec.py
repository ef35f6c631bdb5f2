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
