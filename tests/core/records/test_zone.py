"""Ingest into the record zone: PI never written, pseudonyms keyed, all-or-nothing, idempotent, atomic."""

from __future__ import annotations

import csv
import stat
from pathlib import Path
from typing import Any

import duckdb
import pytest

from yigai.core.records import (
    PseudonymKey,
    RecordsRejected,
    ZoneError,
    batches,
    idnumber,
    ingest,
    shipped_specs,
)
from yigai.core.records.zone import DATA_FILE, dataset_dir

FD = shipped_specs()["family_doctor"]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _zone(tmp: Path, dataset: str = "family_doctor") -> list[tuple]:
    files = sorted(dataset_dir(tmp, dataset).glob(f"*/{DATA_FILE}"))
    return duckdb.execute(f"SELECT * FROM read_parquet({[str(f) for f in files]})").fetchall()


def test_zone_holds_no_personal_information(
    tmp_path: Path, fd_file: Path, key: PseudonymKey, counties: list[str]
) -> None:
    done = ingest(FD, fd_file, data_dir=tmp_path / "var", key=key, org_units=counties)
    source = _rows(fd_file)
    assert not done.already_imported and done.batch.rows == len(source)
    data = dataset_dir(tmp_path / "var", "family_doctor") / done.batch.content_hash / DATA_FILE
    con = duckdb.connect()
    columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{data}'").fetchall()]
    assert columns == [
        "person_pid",
        "sex",
        "age_band",
        "county",
        "sign_date",
        "team_code",
        "key_group",
        "end_date",
    ]
    assert not {"身份证号", "姓名", "联系电话", "现住址"} & set(columns)
    raw = data.read_bytes() + (data.parent / "batch.json").read_bytes()
    for row in source[:50]:  # no ID number, birth date, name or phone anywhere in the written bytes
        for value in (row["身份证号"], row["身份证号"][6:14], row["姓名"], row["联系电话"], row["现住址"]):
            assert value.encode() not in raw
    pids = {r[0] for r in _zone(tmp_path / "var")}
    expected = {key.pseudonym(idnumber.normalise(r["身份证号"])) for r in source}
    assert pids == expected
    assert stat.S_IMODE(data.stat().st_mode) == 0o600
    assert stat.S_IMODE(data.parent.parent.stat().st_mode) == 0o700


def test_derived_sex_and_age_band(write_csv: Any, tmp_path: Path, key: PseudonymKey) -> None:
    rows = [
        {"身份证号": "11010519491231002X", "姓名": "示例", "县区代码": "130102", "签约日期": "2024-03-05"},
        {"身份证号": "110105201201010015", "姓名": "示例", "县区代码": "130102", "签约日期": "20240305"},
    ]
    rows[1]["身份证号"] = rows[1]["身份证号"][:17] + idnumber.check_digit(rows[1]["身份证号"][:17])
    ingest(FD, write_csv(tmp_path / "a.csv", rows), data_dir=tmp_path, key=key, org_units=["130102"])
    got = sorted((r[1], r[2], str(r[4])) for r in _zone(tmp_path))
    assert got == [("1", "0-13", "2024-03-05"), ("2", "65+", "2024-03-05")]


def test_same_person_same_pseudonym_per_key_only(
    tmp_path: Path, fd_file: Path, key: PseudonymKey, counties: list[str]
) -> None:
    ingest(FD, fd_file, data_dir=tmp_path / "a", key=key, org_units=counties)
    ingest(FD, fd_file, data_dir=tmp_path / "b", key=key, org_units=counties)
    other = PseudonymKey(b"another-key-0123456789-0123456789")
    ingest(FD, fd_file, data_dir=tmp_path / "c", key=other, org_units=counties)
    a, b, c = ({r[0] for r in _zone(tmp_path / d)} for d in "abc")
    assert a == b and not a & c


def test_reimport_is_a_no_op_and_other_keys_are_refused(
    tmp_path: Path, fd_file: Path, key: PseudonymKey, counties: list[str]
) -> None:
    first = ingest(FD, fd_file, data_dir=tmp_path, key=key, org_units=counties)
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(fd_file.read_bytes())
    again = ingest(FD, copy, data_dir=tmp_path, key=key, org_units=counties)
    assert (
        again.already_imported and again.batch == first.batch and len(batches(tmp_path, "family_doctor")) == 1
    )
    changed = tmp_path / "more.csv"
    changed.write_bytes(fd_file.read_bytes() + fd_file.read_bytes().splitlines(keepends=True)[1])
    with pytest.raises(ZoneError, match="另一把假名化密钥"):
        ingest(FD, changed, data_dir=tmp_path, key=PseudonymKey(b"x" * 32), org_units=counties)


def test_bad_rows_reject_the_whole_file_with_masked_ids(
    write_csv: Any, tmp_path: Path, fd_file: Path, key: PseudonymKey, counties: list[str]
) -> None:
    rows = _rows(fd_file)
    good_id = rows[1]["身份证号"]
    rows[1]["身份证号"] = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    rows[3]["县区代码"] = "999999"
    rows[4]["签约日期"] = "2024年3月"
    rows[5]["重点人群类别"] = "其他"
    rows[6]["身份证号"] = ""
    bad = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(RecordsRejected) as caught:
        ingest(FD, bad, data_dir=tmp_path / "var", key=key, org_units=counties)
    got = [(p.row, p.field, p.reason.split("：")[0]) for p in caught.value.problems]
    assert got == [(3, "身份证号", "校验码错误"), (5, "县区代码", "未知的行政区划代码"),
                   (6, "签约日期", "日期无法识别（应为 2024-03-05 或 20240305）"), (7, "重点人群类别", "取值不在允许范围（老年人、孕产妇、儿童、高血压患者、糖尿病患者、严重精神障碍患者、肺结核患者、残疾人、脱贫人口）"),
                   (8, "身份证号", "身份证号为空")]  # fmt: skip
    message = str(caught.value)
    assert good_id[:17] not in message and good_id[6:14] not in message
    assert f"{good_id[:3]}***********" in message
    root = dataset_dir(tmp_path / "var", "family_doctor")
    assert not list(root.glob("*/*")) and not list(root.glob(".tmp-*"))


def test_missing_columns_and_wrong_types(tmp_path: Path, key: PseudonymKey) -> None:
    (tmp_path / "x.csv").write_text("身份证号,姓名\n11010519491231002X,示例\n", encoding="utf-8")
    with pytest.raises(RecordsRejected) as caught:
        ingest(FD, tmp_path / "x.csv", data_dir=tmp_path, key=key, org_units=["130102"])
    assert [(p.row, p.field) for p in caught.value.problems] == [(None, "县区代码"), (None, "签约日期")]
    (tmp_path / "x.xlsx").write_bytes(b"PK")
    with pytest.raises(RecordsRejected, match="不支持的文件类型"):
        ingest(FD, tmp_path / "x.xlsx", data_dir=tmp_path, key=key, org_units=["130102"])


def test_gb18030_csv_and_parquet_input(
    tmp_path: Path, fd_file: Path, key: PseudonymKey, counties: list[str]
) -> None:
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(fd_file.read_text(encoding="utf-8").encode("gb18030"))
    assert ingest(FD, gbk, data_dir=tmp_path / "g", key=key, org_units=counties).batch.rows == 600
    parquet = tmp_path / "in.parquet"
    duckdb.execute(
        f"COPY (SELECT * FROM read_csv('{fd_file}', all_varchar=true)) TO '{parquet}' (FORMAT parquet)"
    )
    assert ingest(FD, parquet, data_dir=tmp_path / "p", key=key, org_units=counties).batch.rows == 600
    assert {r[0] for r in _zone(tmp_path / "g")} == {r[0] for r in _zone(tmp_path / "p")}


def test_a_failed_write_leaves_nothing(tmp_path: Path, fd_file: Path, key: PseudonymKey, counties: list[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("yigai.core.records.zone.os.replace", crash)
    with pytest.raises(OSError, match="disk full"):
        ingest(FD, fd_file, data_dir=tmp_path, key=key, org_units=counties)
    root = dataset_dir(tmp_path, "family_doctor")
    assert batches(tmp_path, "family_doctor") == [] and not [p for p in root.iterdir() if p.name != ".lock"]
