"""Reference tables the record datasets are checked and weighted against: the DRG weight table.

A DRG weight table (CHS-DRG style) maps a DRG group code to its relative weight; the case-mix index (CMI)
of a hospital is the mean weight of its discharges. yigai ships a **示例** table
(``yigai/data/drg_weights_example.csv``, made-up weights for a few dozen groups) so the pipeline runs out of
the box; a commission loads its own with ``yigai records weights FILE`` — it is then kept in the zone as
``records/reference/drg_weights.csv`` and used both to check the ``drg`` column on import (an unknown group
rejects the file) and to weight the discharges when computing.

File layout: UTF-8 CSV, header ``drg,name,weight``; lines starting with ``#`` are comments; weight > 0
with at most 4 decimals; each group once.

>>> table = parse_drg_weights("drg,name,weight\\nFR23,冠脉,0.7900\\n", "w.csv")
>>> table.weights["FR23"], table.is_example
(0.79, False)
>>> parse_drg_weights("drg,name,weight\\nFR23,冠脉,-1\\n", "w.csv")
Traceback (most recent call last):
...
yigai.core.records.reference.ReferenceError: w.csv：第2行，列“weight”：权重应为大于 0、最多 4 位小数的数：-1
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

EXAMPLE_FILE = "drg_weights_example.csv"
ZONE_FILE = Path("records") / "reference" / "drg_weights.csv"
HEADER = ("drg", "name", "weight")
_WEIGHT = re.compile(r"[0-9]+(\.[0-9]{1,4})?")
_DRG = re.compile(r"[A-Z0-9]{2,8}")


class ReferenceError(ValueError):
    """A reference table that cannot be used; the message names file, row, field and reason (Chinese)."""


@dataclass(frozen=True)
class DrgWeights:
    weights: dict[str, float]
    source: str  # file name
    content_hash: str
    is_example: bool = False

    def rows(self) -> list[tuple[str, float]]:
        return sorted(self.weights.items())


def parse_drg_weights(text: str, source: str, *, is_example: bool = False) -> DrgWeights:
    """Validate a weight table's text; raises :class:`ReferenceError` on the first bad row."""
    lines = [line for line in text.lstrip("\ufeff").splitlines() if not line.startswith("#")]
    reader = csv.reader(lines)
    header = tuple(h.strip() for h in next(reader, ()))
    if header[:3] != HEADER:
        raise ReferenceError(f"{source}：表头应为 drg,name,weight（实际：{','.join(header)}）")
    weights: dict[str, float] = {}
    for row_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [*row, "", "", ""]
        drg, weight = cells[0].strip(), cells[2].strip()
        if not _DRG.fullmatch(drg):
            raise ReferenceError(
                f"{source}：第{row_no}行，列“drg”：DRG 分组代码应为 2–8 位大写字母或数字：{drg}"
            )
        if drg in weights:
            raise ReferenceError(f"{source}：第{row_no}行，列“drg”：分组重复：{drg}")
        if not _WEIGHT.fullmatch(weight) or float(weight) <= 0:
            raise ReferenceError(
                f"{source}：第{row_no}行，列“weight”：权重应为大于 0、最多 4 位小数的数：{weight}"
            )
        weights[drg] = float(weight)
    if not weights:
        raise ReferenceError(f"{source}：没有任何分组")
    digest = hashlib.sha256(text.encode()).hexdigest()
    return DrgWeights(weights, source, digest, is_example)


def example_drg_weights() -> DrgWeights:
    """The shipped 示例 table (made-up weights, for demos and tests)."""
    text = files("yigai.data").joinpath(EXAMPLE_FILE).read_text(encoding="utf-8")
    return parse_drg_weights(text, EXAMPLE_FILE, is_example=True)


def zone_drg_weights(data_dir: Path) -> DrgWeights:
    """The table loaded into the zone, else the shipped 示例 table."""
    path = data_dir / ZONE_FILE
    if path.is_file():
        return parse_drg_weights(path.read_text(encoding="utf-8"), path.name)
    return example_drg_weights()


def store_drg_weights(data_dir: Path, path: Path) -> DrgWeights:
    """Check a user's table and keep it in the zone (replacing the previous one atomically)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        text = path.read_text(encoding="gb18030")
    table = parse_drg_weights(text, path.name)
    target = data_dir / ZONE_FILE
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(text.lstrip("\ufeff"), encoding="utf-8")
    os.replace(tmp, target)
    return table
