"""Indicator tables (主要指标表): 指标名称 | 单位 | 2020年基期值 | 2025年目标值 | 指标属性.

>>> table = [["指标名称", "单位", "2020年", "2025年目标值", "指标属性"],
...          ["一、健康水平", "", "", "", ""],
...          ["人均预期寿命", "岁", "77.3", "78左右", "预期性"],
...          ["婴儿死亡率", "‰", "5.4", "≤5", "约束性"]]
>>> is_indicator_table(table)
True
>>> [(t.indicator, t.comparator, t.value, t.unit, t.year) for t in indicator_table_targets(table)]
[('人均预期寿命', '=', 78, '岁', 2025), ('婴儿死亡率', '<=', 5, '‰', 2025)]
"""

from __future__ import annotations

import re

from yigai.core.parse.normalise import canon, squeeze
from yigai.core.parse.numbers import parse_number
from yigai.core.parse.target_lexicon import BAD_DIRECTION
from yigai.core.parse.target_lists import Found
from yigai.core.plan import RATIO_UNIT, Hint

_VALUE = re.compile(r"^(?P<pre>≥|≤|>|<|＞|＜|不低于|不少于|不高于|不超过|低于|高于|超过|达到)?\s*"
                    r"(?P<num>\d+(?:\.\d+)?)(?:\s*[:：]\s*(?P<ratio>\d+(?:\.\d+)?))?\s*(?:%|‰)?\s*(?:[-~至](?P<num2>\d+(?:\.\d+)?))?\s*(?P<unit>%|‰)?\s*"
                    r"(?P<post>以上|以下|左右|以内)?$")  # fmt: skip
_COMP = {"≥": ">=", "≤": "<=", ">": ">", "<": "<", "＞": ">", "＜": "<", "不低于": ">=", "不少于": ">=",
         "不高于": "<=", "不超过": "<=", "低于": "<", "高于": ">", "超过": ">", "达到": ">="}  # fmt: skip


def _header(table: list[list[str]]) -> tuple[int, list[str]] | None:
    for i, row in enumerate(table[:4]):
        cells = [squeeze(c) for c in row]
        if any(len(c) > 16 for c in cells):
            continue  # a data row, not a header
        named = any("指标" in c and len(c) <= 8 for c in cells)
        target_col = any(
            re.search(r"^(?:(?:19|20)\d{2}年?)?(?:目标值?|预期值|规划值)?$", c) and c for c in cells
        )
        if named and target_col and any(re.search(r"(?:19|20)\d{2}|目标", c) for c in cells):
            return i, cells
    return None


def is_indicator_table(table: list[list[str]]) -> bool:
    return _header(table) is not None


def _target_column(header: list[str]) -> tuple[int, int | None] | None:
    best: tuple[int, int | None] | None = None
    for i, cell in enumerate(header):
        year = re.search(r"((?:19|20)\d{2})", cell)
        if "基" in cell or "现状" in cell or "实际" in cell:
            continue
        if "目标" in cell or year:
            y = int(year.group(1)) if year else None
            if best is None or (y or 0) >= (best[1] or 0):
                best = (i, y)
    return best


def indicator_table_targets(table: list[list[str]], *, default_year: int | None = None) -> list[Found]:
    found = _header(table)
    if found is None:
        return []
    at, header = found
    col = _target_column(header)
    if col is None:
        return []
    name_col = next((i for i, c in enumerate(header) if "指标" in c and "属性" not in c), 0)
    unit_col = next((i for i, c in enumerate(header) if c in ("单位", "计量单位")), None)
    index, year = col
    year = year or default_year
    out: list[Found] = []
    for row in table[at + 1 :]:
        if len(row) <= index:
            continue
        raw = squeeze(row[index])
        m = _VALUE.match(canon(raw))
        name = re.sub(r"^\d+[.．、]|^[（(]\d+[）)]", "", squeeze(row[name_col]))
        if not m or not name:
            continue
        marked = "%" if "%" in raw else "‰" if "‰" in raw else None
        if unit_col is not None and not marked:
            marked = re.sub(r"^1(?=/)", "", squeeze(row[unit_col])) or None  # "1/10万" → "/10万"
        unit = m.group("unit") or marked or (squeeze(row[unit_col]) if unit_col is not None else None) or None
        comparator = _COMP.get(m.group("pre") or "")
        explicit = comparator is not None or m.group("post") is not None
        if m.group("post") == "左右":
            comparator = "="
        elif m.group("post") in ("以上",):
            comparator = ">="
        elif m.group("post") in ("以下", "以内"):
            comparator = "<="
        if m.group("num2"):
            comparator = "range"
        if comparator is None:
            comparator = "<=" if BAD_DIRECTION.search(name) else ">="
        value = parse_number(m.group("num"))
        if value is None:
            continue
        if m.group("ratio") and value:  # "1:1.2" in a 医护比 row: the plan's ratio convention
            value, unit = round(float(m.group("ratio")) / float(value), 4), RATIO_UNIT
        out.append(
            Found(
                indicator=re.sub(r"[（(][^）)]*[）)]$", "", name) or name,
                comparator=comparator,
                value=value,
                value_max=parse_number(m.group("num2")) if m.group("num2") else None,
                unit=unit,
                per=None,
                year=year,
                due=f"{year}-12-31" if year else None,
                recurring=None,
                scope=None,
                condition=None,
                quote=raw,
                start=0,
                hint=Hint(
                    rule="indicator_table", span=f"{name}｜{raw}", confidence=0.85 if explicit else 0.7
                ),
            )
        )
    return out
