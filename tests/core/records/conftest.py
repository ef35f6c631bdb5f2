"""Record-zone fixtures: a data directory, a fixed key, county codes and small synthetic files."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from yigai.core.divisions import read_divisions
from yigai.core.records import PseudonymKey, synthetic

COUNTIES = [d.code for d in read_divisions() if d.level == "county"]


@pytest.fixture
def key() -> PseudonymKey:
    return PseudonymKey(b"test-key-0123456789-0123456789-abcdef")


@pytest.fixture
def counties() -> list[str]:
    return COUNTIES


@pytest.fixture
def fd_file(tmp_path: Path) -> Path:
    path = tmp_path / "示例数据_签约.csv"
    synthetic.family_doctor_csv(
        path, rows=600, persons=400, counties=COUNTIES[:12], years=(2023, 2024), seed=7
    )
    return path


@pytest.fixture
def services_file(tmp_path: Path) -> Path:
    path = tmp_path / "示例数据_就诊.csv"
    synthetic.services_csv(path, rows=3000, persons=900, counties=COUNTIES[:15], seed=3)
    return path


@pytest.fixture
def write_csv() -> Callable[[Path, list[dict[str, str]]], Path]:
    """Write rows (dicts with the same keys, the first row's keys as the header) as a UTF-8 CSV file."""

    def write(path: Path, rows: list[dict[str, str]]) -> Path:
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write
