"""Importing data values: long and wide layouts, every bad row reported, atomic, idempotent, locks, rules."""

from __future__ import annotations

import pytest
from indicator_files import csv_bytes, xlsx_bytes

from yigai.apps.indicators.models import DataValue, ImportBatch
from yigai.apps.indicators.services import (
    ApprovalError,
    ValuesRejected,
    approval_approve,
    approval_withdraw,
    values_enter,
    values_import,
)

pytestmark = pytest.mark.django_db

LONG = [
    ["org_unit", "data_element", "period", "value", "disaggregation"],
    ["131002", "BEDS", "2023", "5000", "公立"],
    ["安次区", "实有床位数", "2023", "1,200", "PRIVATE"],
    ["131002", "常住人口", "2023年", "850000", ""],
    ["131002", "IN_COUNTY_VISITS", "2023Q1", "100", ""],
    ["131002", "IN_COUNTY_VISITS", "2023-04", "40", ""],
]


def stored() -> set[tuple[str, str, str, str, float]]:
    return {
        (d.org_unit.code, d.data_element.code, d.period, d.disaggregation, d.value)
        for d in DataValue.objects.select_related("org_unit", "data_element")
    }


def test_long_csv_with_names_aliases_and_period_forms(catalogue) -> None:
    result = values_import(file_name="long.csv", data=csv_bytes(LONG))
    assert (result.created, result.updated, result.already_imported) == (5, 0, False)
    assert stored() == {
        ("131002", "BEDS", "2023", "PUBLIC", 5000.0), ("131002", "BEDS", "2023", "PRIVATE", 1200.0),
        ("131002", "POP_RESIDENT", "2023", "", 850000.0), ("131002", "IN_COUNTY_VISITS", "2023Q1", "", 100.0),
        ("131002", "IN_COUNTY_VISITS", "202304", "", 40.0),
    }  # fmt: skip
    row = DataValue.objects.get(period="202304")
    assert (row.source_file, row.source_row, row.batch.file_name) == ("long.csv", 6, "long.csv")
    assert len(row.source_hash) == 64 and row.period_type == "month" and row.year == 2023


def test_reimport_same_file_changes_nothing(catalogue) -> None:
    values_import(file_name="long.csv", data=csv_bytes(LONG))
    before = list(DataValue.objects.values_list("pk", "value", "imported_at"))
    again = values_import(file_name="renamed.csv", data=csv_bytes(LONG))
    assert again.already_imported and ImportBatch.objects.count() == 1
    assert list(DataValue.objects.values_list("pk", "value", "imported_at")) == before
    # the same values in another file: nothing changes either
    other = values_import(
        file_name="other.csv", data=csv_bytes([*LONG, ["131002", "BEDS", "2022", "4900", "公立"]])
    )
    assert (other.created, other.updated, other.unchanged) == (1, 0, 5)


def test_wide_excel_element_in_header_cell_and_per_sheet(catalogue) -> None:
    data = xlsx_bytes({
        "床位": [["数据项：实有床位数"], ["地区", 2022, 2023], ["廊坊市安次区", 3900, None], ["131003", 4000, 4100]],
        "常住人口": [["地区", "2022年", "2023年"], ["131003", 560000, 559684]],
    })  # fmt: skip
    with pytest.raises(ValuesRejected) as exc:
        values_import(file_name="wide.xlsx", data=data)
    [problem] = exc.value.problems
    assert (problem.where, problem.row, problem.column) == ("wide.xlsx[床位]", 3, "地区")
    assert "未知的行政区划：廊坊市安次区" in problem.reason
    data = xlsx_bytes({
        "床位": [["数据项：实有床位数"], ["地区", 2022, 2023], ["131003", 4000, 4100]],
        "常住人口": [["地区", "2022年", "2023年"], ["131003", 560000, 559684]],
    })  # fmt: skip
    result = values_import(file_name="wide.xlsx", data=data)
    assert result.created == 4
    assert ("131003", "POP_RESIDENT", "2023", "", 559684.0) in stored()


def test_wide_csv_with_data_element_option(catalogue) -> None:
    data = csv_bytes([["地区", "2021", "2022"], ["安次区", "3100", "3200"], ["131003", "", "1500"]])
    with pytest.raises(ValuesRejected) as exc:
        values_import(file_name="phys.csv", data=data)
    # no "数据项：" line: the file name is tried as the element's name, and refused
    assert {(p.row, p.column, p.reason) for p in exc.value.problems} == {
        (2, "数据项", "未知的数据项：phys"),
        (3, "数据项", "未知的数据项：phys"),
    }
    result = values_import(file_name="phys.csv", data=data, data_element="PHYSICIANS")
    assert result.created == 3 and ("131003", "PHYSICIANS", "2022", "", 1500.0) in stored()


def test_every_bad_row_reported_and_nothing_imported(catalogue) -> None:
    rows = [
        ["org_unit", "data_element", "period", "value", "disaggregation"],
        ["131002", "BEDS", "2023", "5000", ""],  # fine
        ["999999", "BEDS", "2023", "10", ""],  # unknown org unit
        ["桥西区", "BEDS", "2023", "10", ""],  # ambiguous name (石家庄, 邢台)
        ["131002", "NO_SUCH", "2023", "10", ""],  # unknown data element
        ["131002", "BEDS", "2023Q5", "10", ""],  # malformed period
        ["131002", "NURSES", "2023", "many", ""],  # not numeric
        ["131002", "NURSES", "2022", "12.5", ""],  # integer type
        ["131002", "HEALTH_LITERACY", "2023", "130", ""],  # percentage out of range
        ["131002", "BEDS", "2022", "5", "军队"],  # unknown option
        ["131002", "BEDS", "2023", "5001", ""],  # duplicate of row 2
        ["131002", "GEN_HOSP_L2", "2023", "3", ""],
        ["131002", "GEN_HOSP_L2_GERIATRIC", "2023", "4", ""],  # rule: geriatric ≤ hospitals
    ]
    with pytest.raises(ValuesRejected) as exc:
        values_import(file_name="bad.csv", data=csv_bytes(rows))
    found = [(p.where, p.row, p.column) for p in exc.value.problems]
    assert found == [
        ("bad.csv", 3, "org_unit"), ("bad.csv", 4, "org_unit"), ("bad.csv", 5, "data_element"),
        ("bad.csv", 6, "period"), ("bad.csv", 7, "value"), ("bad.csv", 8, "value"), ("bad.csv", 9, "value"),
        ("bad.csv", 10, "disaggregation"), ("bad.csv", 11, "value"), ("bad.csv", 13, "value"),
    ]  # fmt: skip
    reasons = [p.reason for p in exc.value.problems]
    assert "未知的行政区划：999999" in reasons[0] and "130104" in reasons[1] and "130703" in reasons[1]
    assert "未知的数据项：NO_SUCH" in reasons[2] and "季度应为1-4" in reasons[3]
    assert "不是数值：many" in reasons[4] and "应为整数" in reasons[5] and "0-100" in reasons[6]
    assert "未知的分类“军队”" in reasons[7] and "与第2行重复" in reasons[8] and "老年医学科" in reasons[9]
    assert str(exc.value.problems[0]).startswith("bad.csv：第3行，列“org_unit”：")
    assert DataValue.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_occupied_bed_days_rule_uses_stored_values(catalogue) -> None:
    values_import(file_name="beds.csv", data=csv_bytes([LONG[0], ["131002", "OPEN_BEDS", "2023", "100", ""]]))
    bad = csv_bytes([LONG[0], ["131002", "OCCUPIED_BED_DAYS", "2023", "40000", ""]])
    with pytest.raises(ValuesRejected) as exc:
        values_import(file_name="days.csv", data=bad)
    assert "366" in exc.value.problems[0].reason


def test_approval_order_and_locks(catalogue, make_user) -> None:
    reviewer = make_user("rv", "reviewer", "131000")
    county_user = make_user("cu", "unit_reporter", "131002")
    values_import(file_name="long.csv", data=csv_bytes(LONG))
    from yigai.apps.orgunits.models import OrgUnit

    city, county = OrgUnit.objects.get(code="131000"), OrgUnit.objects.get(code="131002")
    with pytest.raises(ApprovalError, match="下级"):
        approval_approve(user=reviewer, org_unit=city, period="2023")
    with pytest.raises(ApprovalError, match="无权"):
        approval_approve(user=county_user, org_unit=county, period="2023")
    approval_approve(user=reviewer, org_unit=county, period="2023")
    with pytest.raises(ValuesRejected) as exc:  # the approved year locks its quarters and months too
        values_import(
            file_name="late.csv", data=csv_bytes([LONG[0], ["131002", "IN_COUNTY_VISITS", "202305", "7", ""]])
        )
    assert "已审核锁定" in exc.value.problems[0].reason
    with pytest.raises(ValuesRejected):
        values_enter(user=county_user, org_unit=county, period="2023", entries={("POP_RESIDENT", ""): 1.0})
    for child in city.children.all():
        approval_approve(user=reviewer, org_unit=child, period="2023")
    approval_approve(user=reviewer, org_unit=city, period="2023")
    with pytest.raises(ApprovalError, match="上级"):
        approval_withdraw(user=reviewer, org_unit=county, period="2023")
    approval_withdraw(user=reviewer, org_unit=city, period="2023")
    approval_withdraw(user=reviewer, org_unit=county, period="2023")
    assert (
        values_enter(
            user=county_user, org_unit=county, period="2023", entries={("POP_RESIDENT", ""): 851000.0}
        )
        == 1
    )
    assert DataValue.objects.get(data_element__code="POP_RESIDENT").source_file == "表单录入"


def test_import_outside_jurisdiction_refused(catalogue, make_user) -> None:
    county_user = make_user("cu", "unit_reporter", "131002")
    with pytest.raises(ValuesRejected) as exc:
        values_import(
            file_name="x.csv",
            data=csv_bytes([LONG[0], ["131003", "BEDS", "2023", "1", ""]]),
            user=county_user,
        )
    assert "无权填报" in exc.value.problems[0].reason


def test_outliers_flagged_not_blocking(catalogue) -> None:
    rows = [LONG[0]] + [
        ["131002", "NURSES", str(y), v, ""]
        for y, v in zip(range(2015, 2022), [10, 11, 10, 12, 11, 10, 90], strict=True)
    ]
    values_import(file_name="n.csv", data=csv_bytes(rows))
    flagged = list(DataValue.objects.filter(is_outlier=True).values_list("period", flat=True))
    assert flagged == ["2021"]
    assert DataValue.objects.get(period="2021").outlier_mod_z > 3.5


def test_value_imports_entries_and_approvals_are_in_the_audit_chain(catalogue, make_user) -> None:
    """Probe (session 4): importing, entering and approving (locking) values wrote no audit event — the
    values behind target status and 考核 scores changed with no trace in the chain."""
    from yigai.apps.audit.models import AuditEvent
    from yigai.apps.orgunits.models import OrgUnit

    reviewer = make_user("rv", "reviewer", "131000")
    county = OrgUnit.objects.get(code="131002")
    batch = values_import(file_name="long.csv", data=csv_bytes(LONG), user=reviewer).batch
    values_enter(user=reviewer, org_unit=county, period="2022", entries={("POP_RESIDENT", ""): 5.0})
    approval_approve(user=reviewer, org_unit=county, period="2023")
    approval_withdraw(user=reviewer, org_unit=county, period="2023")
    events = list(AuditEvent.objects.filter(action__startswith="indicators.").order_by("seq"))
    assert [e.action for e in events] == [
        "indicators.import", "indicators.enter", "indicators.approve", "indicators.approval_withdraw"]  # fmt: skip
    assert events[0].details["batch"] == batch.pk and events[0].details["file"] == "long.csv"
    assert events[2].details == {"org_unit": "131002", "period": "2023"}
    assert all(e.actor_username == "rv" for e in events)
