from __future__ import annotations

import datetime as dt

import pytest

from yigai.apps.orgunits.models import OrgUnit, Population
from yigai.apps.orgunits.selectors import orgunit_children, orgunit_parent_on, orgunit_subtree
from yigai.apps.orgunits.services import (
    PopulationImportError,
    orgunit_move,
    orgunits_load_reference,
    population_import,
)

pytestmark = pytest.mark.django_db


def code(c: str) -> OrgUnit:
    return OrgUnit.objects.get(code=c)


def test_reporting_tree_applies_the_five_exceptions(orgunits: None) -> None:
    assert OrgUnit.objects.count() == 180
    province = code("130000")
    assert code("130682").parent == province  # 定州
    assert code("130181").parent == province  # 辛集
    for c in ("130638", "130629", "130632"):  # 雄县, 容城, 安新 under 雄安新区
        assert code(c).parent == code("133100")
    children = {u.name for u in orgunit_children(org_unit=province)}
    assert {"定州市", "辛集市", "雄安新区", "保定市"} <= children
    assert len(children) == 14  # 11 cities + 雄安 + 定州 + 辛集
    baoding = orgunit_subtree(org_unit=code("130600"))
    assert not baoding.filter(code__in=["130638", "130682"]).exists()


def test_reload_is_idempotent(orgunits: None) -> None:
    result = orgunits_load_reference()
    assert (result.created, result.updated) == (0, 0)


def test_move_keeps_history(orgunits: None) -> None:
    county, old, new = code("130629"), code("133100"), code("130600")
    orgunit_move(org_unit=county, parent=new, on=dt.date(2027, 1, 1))
    assert orgunit_parent_on(org_unit=county, on=dt.date(2026, 6, 1)) == old
    assert orgunit_parent_on(org_unit=county, on=dt.date(2027, 6, 1)) == new
    assert code("130629").path.startswith(new.path)


def test_population_csv_import(orgunits: None) -> None:
    data = '代码,年份,人口\n130600,2024,"11,200,000"\n130638,2024,400000\n'.encode()
    assert population_import(file_name="pop.csv", data=data) == 2
    assert Population.objects.get(org_unit__code="130600", year=2024).value == 11_200_000


def test_population_bad_row_imports_nothing(orgunits: None) -> None:
    data = "code,year,population\n130600,2024,100\n130638,二〇二四,5\n999999,2024,7\n".encode()
    with pytest.raises(PopulationImportError) as err:
        population_import(file_name="pop.csv", data=data)
    text = "\n".join(err.value.errors)
    assert "pop.csv：第3行，列“年份”" in text
    assert "第4行" in text and "999999" in text
    assert Population.objects.count() == 0


def test_population_xlsx_import(orgunits: None) -> None:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["行政区划代码", "年份", "常住人口"])
    ws.append(["130100", 2023, 11_000_000])
    buf = io.BytesIO()
    wb.save(buf)
    assert population_import(file_name="pop.xlsx", data=buf.getvalue()) == 1


def test_population_missing_column(orgunits: None) -> None:
    with pytest.raises(PopulationImportError, match="缺少列 人口"):
        population_import(file_name="p.csv", data=b"code,year\n130600,2024\n")
