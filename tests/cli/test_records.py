"""yigai records import/aggregate/list: values reach the indicators app, re-import is a no-op, bad files
fail with file/row/field/reason and exit 1, every read is audited with its reason, output is suppressed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yigai.cli import app
from yigai.core.divisions import read_divisions
from yigai.core.records import synthetic

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()
COUNTIES = [d.code for d in read_divisions() if d.level == "county" and d.parent_code == "130100"]


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def zone(tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.DATA_DIR = tmp_path / "var"
    monkeypatch.setenv("YIGAI_PSEUDONYM_KEY", "cli-test-key-0123456789-0123456789")
    monkeypatch.delenv("YIGAI_RECORDS_MIN_COUNT", raising=False)
    return tmp_path


@pytest.fixture
def fd_file(tmp_path: Path) -> Path:
    path = tmp_path / "示例数据_签约.csv"
    synthetic.family_doctor_csv(path, rows=300, persons=250, counties=COUNTIES, years=(2024,), seed=5)
    return path


def _expected(path: Path) -> dict[str, int]:
    with path.open(encoding="utf-8") as f:
        persons: dict[str, set[str]] = {}
        for r in csv.DictReader(f):
            persons.setdefault(r["县区代码"], set()).add(r["身份证号"])
    return {county: len(ids) for county, ids in persons.items()}


def test_import_aggregate_values_reach_indicators(zone: Path, fd_file: Path) -> None:
    from yigai.apps.audit.models import AuditEvent
    from yigai.apps.indicators.models import DataValue

    first = invoke("records", "import", "family_doctor", str(fd_file), "--quiet")
    assert first.exit_code == 0 and "已导入" in first.stdout and "300 条记录" in first.stdout
    again = invoke("records", "import", "family_doctor", str(fd_file), "--quiet")
    assert again.exit_code == 0 and "已导入过" in again.stdout

    out = invoke("records", "aggregate", "family_doctor", "--reason", "2024年签约率测算")
    assert out.exit_code == 0, out.output
    assert "已存入指标数据" in out.stdout
    stored = {
        v.org_unit.code: v.value
        for v in DataValue.objects.filter(data_element__code="FD_CONTRACTED", period="2024")
    }
    assert stored == _expected(fd_file)
    assert all(
        v.is_demo and v.source_file.startswith("记录汇总_family_doctor_") for v in DataValue.objects.all()
    )

    repeat = invoke("records", "aggregate", "family_doctor", "--reason", "复核")
    assert repeat.exit_code == 0 and "已存入过" in repeat.stdout

    events = AuditEvent.objects.filter(action="records.aggregate").order_by("seq")
    assert [e.details["reason"] for e in events] == ["2024年签约率测算", "复核"]
    assert events[0].actor_username.startswith("cli") and events[0].details["rows_read"] == 300
    assert AuditEvent.objects.filter(action="records.import").count() == 2

    pop = zone / "pop.csv"
    pop.write_text("org_unit,data_element,period,value\n130100,POP_RESIDENT,2024,10000\n", encoding="utf-8")
    assert invoke("indicators", "import", str(pop)).exit_code == 0
    compute = invoke(
        "indicators", "compute", "--indicator", "FD_COVERAGE", "--org", "130100", "--period", "2024"
    )
    value = json.loads(compute.stdout)["values"][0]
    assert value["numerator"] == sum(_expected(fd_file).values()) and value["denominator"] == 10000


def test_reason_is_required(zone: Path, fd_file: Path) -> None:
    from yigai.apps.audit.models import AuditEvent

    invoke("records", "import", "family_doctor", str(fd_file), "--quiet")
    missing = runner.invoke(app, ["records", "aggregate", "family_doctor"])
    assert missing.exit_code == 2
    blank = invoke("records", "aggregate", "family_doctor", "--reason", "  ")
    assert blank.exit_code == 2 and "事由" in blank.stderr
    assert not AuditEvent.objects.filter(action="records.aggregate").exists()


def test_output_is_suppressed_below_city_level(
    zone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = tmp_path / "small.csv"
    synthetic.family_doctor_csv(small, rows=40, persons=40, counties=COUNTIES, years=(2024,), seed=9)
    assert invoke("records", "import", "family_doctor", str(small), "--quiet").exit_code == 0
    export = tmp_path / "导出.csv"
    out = invoke("records", "aggregate", "family_doctor", "--reason", "抽查", "--dry-run", "--format", "csv",
                 "--output", str(export), "--element", "FD_CONTRACTED")  # fmt: skip
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    exact = _expected(small)
    counties = {r["org_unit"]: r["value"] for r in rows if r["level"] == "county"}
    assert set(counties) == set(exact)
    for code, n in exact.items():
        assert counties[code] == ("<5" if n < 5 else str(n)) or counties[code] == "*"
    assert any(v == "<5" for v in counties.values())
    city = next(r for r in rows if r["level"] == "city")
    assert city["org_unit"] == "130100" and city["value"] == str(sum(exact.values()))
    assert list(csv.DictReader(io.StringIO(export.read_text(encoding="utf-8-sig")))) == rows
    from yigai.apps.indicators.models import DataValue

    assert not DataValue.objects.exists()  # --dry-run stores nothing
    monkeypatch.setenv("YIGAI_RECORDS_MIN_COUNT", "50")
    data = json.loads(
        invoke(
            "records", "aggregate", "family_doctor", "--reason", "抽查", "--dry-run", "--format", "json"
        ).stdout
    )
    assert data["min_count"] == 50 and {r["value"] for r in data["values"] if r["level"] == "county"} <= {
        "<50",
        "*",
    }


def test_bad_file_exit_code_and_message(zone: Path, fd_file: Path, tmp_path: Path) -> None:
    lines = fd_file.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    real_id = cells[0]
    cells[0] = real_id[:17] + ("1" if real_id[17] != "1" else "2")
    lines[3] = ",".join(cells)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke("records", "import", "family_doctor", str(bad), "--quiet")
    assert result.exit_code == 1 and "Traceback" not in result.output
    first, last = result.stderr.strip().splitlines()
    assert first == f"错误：bad.csv：第4行，列“身份证号”：校验码错误：{real_id[:3]}***********{cells[0][-4:]}"
    assert last == "错误：bad.csv 有 1 处错误，未导入任何记录"
    assert real_id[:17] not in result.output
    assert not list((zone / "var" / "records" / "family_doctor").glob("*/data.parquet"))
    assert invoke("records", "import", "nope", str(bad)).exit_code == 2
    assert invoke("records", "import", "family_doctor", str(tmp_path / "missing.csv")).exit_code == 1
    empty = invoke("records", "aggregate", "services", "--reason", "x")
    assert empty.exit_code == 1 and empty.stderr.startswith("错误：") and "还没有导入" in empty.stderr


def test_production_without_key_refuses(zone: Path, fd_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YIGAI_PSEUDONYM_KEY")
    monkeypatch.setenv("YIGAI_ENV", "production")
    result = invoke("records", "import", "family_doctor", str(fd_file), "--quiet")
    assert result.exit_code == 1 and "生产环境未配置假名化密钥" in result.stderr
    assert not (zone / "var" / "records").exists() and not (zone / "var" / "keys").exists()


def test_list_shows_batches_not_rows(zone: Path, fd_file: Path) -> None:
    invoke("records", "import", "family_doctor", str(fd_file), "--quiet")
    data = json.loads(invoke("records", "list", "--format", "json").stdout)
    fd = next(d for d in data["datasets"] if d["dataset"] == "family_doctor")
    assert fd["rows"] == 300 and fd["batches"][0]["demo"] is True and "姓名" in fd["dropped"]
    text = invoke("records", "list", "family_doctor").stdout
    assert "不保存：姓名、联系电话、现住址、出生日期" in text
