"""`yigai extract` end to end: the JSON contract, errors per file, and documents in other layouts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

YIGAI = Path(sys.executable).with_name("yigai")

DOC_KEYS = [
    "source", "title", "doc_number", "issuer", "issued_on", "period_start", "period_end",
    "warnings", "tasks", "targets",
]  # fmt: skip
TASK_KEYS = [
    "id", "number", "path", "title", "text", "lead_units", "co_units", "units_as_written",
    "deadline", "deadline_text", "deadline_source",
]  # fmt: skip
TARGET_KEYS = [
    "id", "task_id", "indicator", "comparator", "value", "value_max", "unit", "per",
    "year", "due", "recurring", "scope", "condition", "quote",
]  # fmt: skip

PLAN = """河北省卫生健康委员会
关于印发某市卫生健康
行动实施方案（2023—2027年）的通知
冀卫办字〔2023〕12号

一、总体要求
到2027年，全市孕产妇系统管理率不低于90%。
二、重点任务
（一）强化基层。
1．建设互联网医院。到2025年底，至少建设5家互联网医院。（责任单位：市卫生健康委、市发改委）
2．培训全科医生。2024年6月底前完成首期培训。（责任单位：市卫生健康委，各县（市、区）政府）
"""


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    if not YIGAI.exists():  # pragma: no cover - depends on how the venv was made
        pytest.skip("yigai console script not installed")
    return subprocess.run(
        [str(YIGAI), "extract", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def docs_of(result: subprocess.CompletedProcess[str]) -> list[dict]:
    data = json.loads(result.stdout)
    assert list(data) == ["schema", "documents"]
    assert data["schema"] == "yigai.plan/1"
    return data["documents"]


def test_json_contract_keys_and_utf8(tmp_path: Path) -> None:
    result = run(write(tmp_path, "plan.txt", PLAN))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "\\u" not in result.stdout and "互联网医院" in result.stdout
    (doc,) = docs_of(result)
    assert list(doc) == DOC_KEYS
    assert doc["source"] == "plan.txt"
    assert doc["doc_number"] == "冀卫办字〔2023〕12号"
    assert (doc["period_start"], doc["period_end"]) == (2023, 2027)
    assert doc["tasks"] and doc["targets"]
    for task in doc["tasks"]:
        assert list(task) == TASK_KEYS
    for target in doc["targets"]:
        assert list(target) == TARGET_KEYS
    t1, t2 = doc["tasks"]
    assert (t1["number"], t1["lead_units"], t1["co_units"]) == ("1", ["市卫生健康委"], ["市发展改革委"])
    assert t1["units_as_written"] == "责任单位：市卫生健康委、市发改委"
    assert (t1["deadline"], t1["deadline_source"]) == ("2025-12-31", "text")
    assert (t2["deadline"], t2["deadline_source"]) == ("2024-06-30", "text")
    assert t2["co_units"] == ["各县（市、区）人民政府"]
    web = [g for g in doc["targets"] if g["indicator"] == "互联网医院数量"]
    assert len(web) == 1
    assert (web[0]["task_id"], web[0]["comparator"], web[0]["value"], web[0]["unit"]) == (
        t1["id"],
        ">=",
        5,
        "家",
    )
    squeezed = "".join(PLAN.split())
    assert all(g["quote"] in squeezed for g in doc["targets"])


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [("empty.txt", b"", "empty.txt"), ("blob.docx", bytes(range(256)) * 8, "blob.docx")],
)
def test_bad_file_reported_others_kept(tmp_path: Path, name: str, content: bytes, needle: str) -> None:
    good = write(tmp_path, "good.txt", PLAN)
    bad = tmp_path / name
    bad.write_bytes(content)
    result = run(bad, good)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]
    assert "Traceback" not in result.stderr
    assert [d["source"] for d in docs_of(result)] == ["good.txt"]


def test_missing_file(tmp_path: Path) -> None:
    good = write(tmp_path, "good.txt", PLAN)
    result = run(good, tmp_path / "nope.txt")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nope.txt" in lines[0]
    assert [d["source"] for d in docs_of(result)] == ["good.txt"]


def test_unknown_format_is_usage_error(tmp_path: Path) -> None:
    result = run("--format", "xml", write(tmp_path, "good.txt", PLAN))
    assert result.returncode == 2
    assert result.stdout == ""


def test_no_files_is_usage_error() -> None:
    assert run().returncode == 2


def test_table_format(tmp_path: Path) -> None:
    result = run("--format", "table", write(tmp_path, "plan.txt", PLAN))
    assert result.returncode == 0
    assert "plan.txt" in result.stdout
    assert "任务 2 项" in result.stdout
    assert "互联网医院数量" in result.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)


def test_gbk_text(tmp_path: Path) -> None:
    (doc,) = docs_of(run(write(tmp_path, "gbk.txt", PLAN, encoding="gbk")))
    assert doc["doc_number"] == "冀卫办字〔2023〕12号"
    assert [t["lead_units"] for t in doc["tasks"]] == [["市卫生健康委"], ["市卫生健康委"]]


def test_half_width_punctuation(tmp_path: Path) -> None:
    text = (
        "一、重点任务\n"
        "(一)强化服务.\n"
        "1.建设胸痛中心.到2025年,每个县至少建设1个胸痛中心.(责任单位:市卫生健康委,市财政局)\n"
        "2.推进信息化.2023年12月底前完成.(责任单位:市卫生健康委)\n"
    )
    result = run(write(tmp_path, "half.txt", text))
    assert result.returncode == 0, result.stderr
    (doc,) = docs_of(result)
    tasks = doc["tasks"]
    assert [t["number"] for t in tasks] == ["1", "2"]
    assert tasks[0]["lead_units"] == ["市卫生健康委"]
    assert tasks[1]["deadline"] == "2023-12-31"
    assert any(g["value"] == 1 and g["comparator"] == ">=" for g in doc["targets"])


def test_lead_co_convention_plan(tmp_path: Path) -> None:
    text = (
        "一、重点任务\n"
        "1．完善急救网络。2022年10月底前全部完成。（市卫生健康委牵头，市财政局、市医保局配合）\n"
        "2．推进医防融合。“十四五”期间持续推进。（牵头单位：市疾控中心；配合单位：市卫生健康委）\n"
    )
    (doc,) = docs_of(run(write(tmp_path, "lead.txt", text)))
    t1, t2 = doc["tasks"]
    assert (t1["lead_units"], t1["co_units"]) == (["市卫生健康委"], ["市财政局", "市医疗保障局"])
    assert t1["deadline"] == "2022-10-31"
    assert t2["co_units"] == ["市卫生健康委"]
    assert t2["deadline"] == "2025-12-31"


def test_docx_task_table(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("某市卫生健康重点工作任务分工方案")
    table = document.add_table(rows=3, cols=5)
    rows = [
        ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        ["1", "建设区域医疗中心，到2025年至少建设2个。", "市卫生健康委", "市发改委、市财政局", "2025年底前"],
        ["2", "完善基层卫生人员培训制度。", "市人力资源社会保障局", "市卫生健康委", "2022年3月"],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    path = tmp_path / "tasks.docx"
    document.save(str(path))
    result = run(path)
    assert result.returncode == 0, result.stderr
    (doc,) = docs_of(result)
    tasks = doc["tasks"]
    assert len(tasks) == 2
    assert tasks[0]["lead_units"] == ["市卫生健康委"]
    assert tasks[0]["co_units"] == ["市发展改革委", "市财政局"]
    assert (tasks[0]["deadline"], tasks[0]["deadline_source"]) == ("2025-12-31", "table")
    assert (tasks[1]["deadline"], tasks[1]["deadline_source"]) == ("2022-03-31", "table")
    assert tasks[1]["co_units"] == ["市卫生健康委"]
    centres = [g for g in doc["targets"] if g["value"] == 2]
    assert centres and centres[0]["task_id"] == tasks[0]["id"] and centres[0]["year"] == 2025
