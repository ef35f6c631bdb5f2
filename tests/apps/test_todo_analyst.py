"""The analyst's (统计/信息中心) 待办: values waiting for approval and counties not yet reported, inside its
org units only (issue 14)."""

from __future__ import annotations

import pytest

from yigai.apps.indicators.models import Approval, DataElement, DataValue
from yigai.apps.indicators.services import catalogue_ensure
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.todo.indicators import counties_unreported, values_waiting

pytestmark = pytest.mark.django_db


def _value(code: str, period: str = "2024") -> None:
    DataValue.objects.create(
        data_element=DataElement.objects.get(code="BEDS"), org_unit=OrgUnit.objects.get(code=code),
        period=period, period_type="year", year=int(period[:4]), value=100,
    )  # fmt: skip


@pytest.fixture
def analyst(make_user):
    catalogue_ensure()
    return make_user("tj", "analyst", "130600")


def test_values_waiting_and_counties_unreported(analyst, make_user) -> None:
    _value("130608"), _value("130607"), _value("130102"), _value("130608", "2023")  # 石家庄 130102: not 保定
    assert {(w.code, w.period) for w in values_waiting(user=analyst)} == {
        ("130608", "2024"),
        ("130607", "2024"),
        ("130608", "2023"),
    }
    Approval.objects.create(org_unit=OrgUnit.objects.get(code="130608"), period="2024", level="county")
    assert {(w.code, w.period) for w in values_waiting(user=analyst)} == {
        ("130607", "2024"),
        ("130608", "2023"),
    }
    Approval.objects.create(org_unit=OrgUnit.objects.get(code="130600"), period="2023", level="city")
    assert {(w.code, w.period) for w in values_waiting(user=analyst)} == {("130607", "2024")}  # locked above
    counties = set(
        OrgUnit.objects.filter(path__startswith="130000/130600/", level="county").values_list(
            "code", flat=True
        )
    )
    missing = {w.code for w in counties_unreported(user=analyst)}
    assert len(counties) > 10  # 保定's counties
    assert missing == counties - {"130608", "130607"} and all(
        w.period == "2024" for w in counties_unreported(user=analyst)
    )


def test_the_analysts_landing_is_its_todo(client, analyst, make_user) -> None:
    _value("130608")
    client.force_login(analyst)
    assert client.get("/").url == "/todo/"
    html = client.get("/todo/").content.decode()
    assert (
        'id="todo-values_waiting" data-count="1"' in html
        and "/indicators/entry/?org=130608&amp;period=2024" in html
    )
    assert 'id="todo-reports"' not in html  # an analyst reports no ledger progress
    client.force_login(make_user("lead", "unit_reporter", "130600", "市卫生健康委"))
    assert 'id="todo-values_waiting"' not in client.get("/todo/").content.decode()
