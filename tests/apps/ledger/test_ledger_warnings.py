"""预警 through the selector across the 2026→2027 calendar edge, with and without holiday overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from yigai.apps.ledger.selectors import ItemFilters, reporting_for, warnings_for
from yigai.apps.ledger.services import HolidayImportError, holiday_set, holidays_import, item_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def edge_item(plan, users):
    return item_add(ledger=plan.ledger, user=users["owner"], title="跨年事项", lead_unit=users["lead"].unit,
                    start=dt.date(2026, 12, 1), deadline=dt.date(2027, 1, 4))  # fmt: skip


def light(user, item, on):
    [row] = [x for x in warnings_for(user=user, on=on, filters=ItemFilters(q=item.code))]
    return row.warning


def test_edge_without_overrides_uses_visible_fallback(edge_item, users) -> None:
    w = light(users["reviewer"], edge_item, dt.date(2026, 12, 28))
    assert (w.colour, w.label) == ("yellow", "黄灯") and w.approximate
    assert w.reason.startswith("距完成时限还有5个工作日")  # 29, 30, 31 Dec; 1 Jan counted as a weekday; 4 Jan
    late = light(users["reviewer"], edge_item, dt.date(2027, 1, 6))
    assert late.colour == "red" and late.reason == "已逾期2个工作日（完成时限2027年1月4日）"


def test_edge_with_admin_overrides(edge_item, users) -> None:
    holiday_set(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    w = light(users["reviewer"], edge_item, dt.date(2026, 12, 28))
    assert w.reason.startswith("距完成时限还有4个工作日") and not w.approximate
    holiday_set(date=dt.date(2027, 1, 5), is_workday=False, name="假设的调休")
    assert (
        light(users["reviewer"], edge_item, dt.date(2027, 1, 6)).reason
        == "已逾期1个工作日（完成时限2027年1月4日）"
    )


def test_warnings_are_scoped(edge_item, users) -> None:
    assert [x.item for x in warnings_for(user=users["lead"], on=dt.date(2026, 12, 28))] == sorted(
        [edge_item, edge_item.ledger.items.get(task__ext_id="T1")], key=lambda i: i.order
    )
    assert warnings_for(user=users["other"]) == []


def test_holiday_csv_is_all_or_nothing(tmp_path) -> None:
    good = "date,is_workday,name\n2027-01-01,0,元旦\n2027-02-20,1,春节调休上班\n".encode()
    assert holidays_import(file_name="h.csv", data=good) == 2
    bad = "date,is_workday,name\n2027-05-01,0,劳动节\n2027-13-01,0,错\n2027-05-02,maybe,\n".encode()
    with pytest.raises(HolidayImportError) as refused:
        holidays_import(file_name="bad.csv", data=bad)
    assert refused.value.errors == [
        "bad.csv 第3行 date 列：“2027-13-01”不是日期（应为 2027-01-01 这样的格式）",
        "bad.csv 第4行 is_workday 列：“maybe”应为 0/1、true/false 或 是/否",
        "bad.csv 第4行 name 列：名称不能为空",
    ]
    from yigai.apps.ledger.models import HolidayOverride

    assert HolidayOverride.objects.count() == 2  # 劳动节 of the bad file was not imported
    with pytest.raises(HolidayImportError, match="缺少列"):
        holidays_import(file_name="x.csv", data=b"day,name\n")


def test_reporting_rate_per_place(plan, users) -> None:
    rates = reporting_for(user=users["reviewer"], plan=plan.pk)
    assert rates == {} or all(r.on_time == 0 for r in rates.values())  # items made today: nothing due yet
