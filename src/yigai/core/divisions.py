"""Reference data for the org-unit tree: the packaged division list and its reporting-tree exceptions.

The division CSV's ``parent_adcode`` follows the administrative codes; the tree a commission reports
through differs for a few rows (DESIGN.md, "Reference data"). The exceptions are data, kept here next
to the file they amend, so a second province ships its own pair.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

DIVISIONS_FILE = "hebei_divisions.csv"

# adcode -> reporting parent adcode
REPORTING_EXCEPTIONS: dict[str, str] = {
    "130682": "130000",  # 定州市: provincially administered (seed 000: "各市（含定州、辛集市）")
    "130181": "130000",  # 辛集市: provincially administered
    "130638": "133100",  # 雄县 → 雄安新区
    "130629": "133100",  # 容城县 → 雄安新区
    "130632": "133100",  # 安新县 → 雄安新区
}

LEVELS = {"province": "province", "prefecture": "city", "city": "city", "county": "county"}


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent_code: str | None


def read_divisions(file_name: str = DIVISIONS_FILE) -> list[Division]:
    """The packaged divisions with the reporting-tree parents applied, parents before children."""
    text = resources.files("yigai.data").joinpath(file_name).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    out = [
        Division(
            code=r["adcode"],
            name=r["name"],
            level=LEVELS[r["level"]],
            parent_code=REPORTING_EXCEPTIONS.get(r["adcode"], r["parent_adcode"] or None),
        )
        for r in rows
    ]
    order = {"province": 0, "city": 1, "county": 2}
    return sorted(out, key=lambda d: (order[d.level], d.code))
