"""The responsible-unit directory (单位名录): map a unit name as written to its canonical name.

Policy documents name responsible units in many ways ("省医保局", "省医疗保障局",
"（责任单位:市发改委", "各县（市、区）人民政府"). The extractor stores canonical names and the
platform loads the same directory, so both agree on who a unit is. The data lives in
``yigai/data/units.yaml``; see docs/guide/units.md for how to add a unit.

>>> canonical_unit("省医保局")
'省医疗保障局'
>>> canonical_unit("市发改委"), canonical_unit("市人社局"), canonical_unit("省发展改革委员会")
('市发展改革委', '市人力资源和社会保障局', '省发展改革委')
>>> canonical_unit("市委编委办")
'市委编办'
>>> info = lookup_unit("市卫计委")
>>> info.canonical, info.level, info.history
('市卫生健康委', 'city', ('2018年由市卫生计生委更名为市卫生健康委',))
>>> lookup_unit("各县（市、区）人民政府").expands_to
'county'
>>> lookup_unit("廊坊银保监分局").canonical
'廊坊金融监管分局'
>>> unknown = lookup_unit(" 某某研究会、")
>>> unknown.canonical, unknown.known
('某某研究会', False)
>>> looks_like_unit("市中医院"), looks_like_unit("2025年底前")
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path

from yigai.core.units.index import Index
from yigai.core.units.resolve import UnitDirectory, UnitInfo
from yigai.core.units.schema import UnitDirectoryError, load_spec_path, load_spec_text

__all__ = [
    "UnitDirectory",
    "UnitDirectoryError",
    "UnitInfo",
    "canonical_unit",
    "default_directory",
    "iter_aliases",
    "iter_directory",
    "load_directory",
    "looks_like_unit",
    "lookup_unit",
]


def load_directory(*, text: str | None = None, path: str | Path | None = None) -> UnitDirectory:
    """Load and validate a directory from YAML text or a file; raises :class:`UnitDirectoryError`.

    >>> load_directory(text="schema: yigai.units/1\\ndepartments: [{id: a, canonical: 财政局, aliases: 1}]")
    Traceback (most recent call last):
    ...
    yigai.core.units.schema.UnitDirectoryError: units.yaml: departments[0] (a): 'aliases' must be a list of non-empty strings, got 1
    """
    if text is not None and path is None:
        spec = load_spec_text(text)
    elif path is not None and text is None:
        spec = load_spec_path(path)
    else:
        raise TypeError("give exactly one of text= or path=")
    return UnitDirectory(Index(spec))


@cache
def default_directory() -> UnitDirectory:
    """The packaged directory (``yigai/data/units.yaml``), loaded once."""
    return load_directory(text=files("yigai.data").joinpath("units.yaml").read_text(encoding="utf-8"))


def lookup_unit(name: str) -> UnitInfo:
    """Resolve a name as written; never raises. Unknown names come back cleaned with ``known=False``.

    >>> lookup_unit("（国家卫生健康委、").canonical
    '国家卫生健康委'
    >>> lookup_unit("省爱卫会其他成员单位参与").kind
    'group'
    """
    return default_directory().lookup(name)


def canonical_unit(name: str) -> str:
    """The canonical name (``lookup_unit(name).canonical``).

    >>> canonical_unit("省人力资源和社会保障厅")
    '省人力资源社会保障厅'
    """
    return default_directory().canonical(name)


def looks_like_unit(text: str) -> bool:
    """Is this span plausibly ONE unit name (not a clause, a date or a list)?

    >>> looks_like_unit("临空经济区（廊坊）管委会"), looks_like_unit("按职责分工负责")
    (True, False)
    """
    return default_directory().looks_like(text)


def iter_directory() -> Iterator[UnitInfo]:
    """Every current canonical unit (departments at 省/市/县 and national level, placeholders, groups).

    >>> any(u.canonical == "省卫生健康委" for u in iter_directory())
    True
    """
    return default_directory().iter_directory()


def iter_aliases() -> Iterator[tuple[str, str]]:
    """Every enumerated ``(name as written, canonical name)`` pair, for the platform's alias table.

    >>> ("市发改委", "市发展改革委") in set(iter_aliases())
    True
    """
    return default_directory().iter_aliases()
