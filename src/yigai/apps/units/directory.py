"""Adapter to the core unit directory (``yigai.core.units``), with a small fallback until it lands.

The core module owns names, aliases and levels (shared with the extractor); this adapter maps its
``UnitInfo`` into plain values for the app and recognises placeholders (各市, 各县（市、区）政府) when the
directory does not say what they expand to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_core_units: Any
try:  # the directory is written in parallel; code against its API and degrade gracefully
    from yigai.core import units as _core_units
except ImportError:  # pragma: no cover - depends on the other engineer's progress
    _core_units = None


@dataclass(frozen=True)
class UnitEntry:
    name: str
    level: str = ""
    kind: str = ""
    known: bool = False
    aliases: tuple[str, ...] = ()
    expands_to: str = ""


_PLACEHOLDER = re.compile(r"^各(?P<what>[^（(、，,]*)")


def placeholder_level(name: str) -> str:
    """The level a placeholder expands to ("" for a concrete unit).

    >>> placeholder_level("各县（市、区）政府"), placeholder_level("各市（含定州、辛集市）"), placeholder_level("市卫生健康委")
    ('county', 'city', '')
    """
    m = _PLACEHOLDER.match(name)
    if not m:
        return ""
    what = m.group("what")
    if what.startswith("县") or what.startswith("区"):
        return "county"
    if what.startswith("市"):
        return "city"
    return ""


def _entry(info: Any, fallback_name: str) -> UnitEntry:
    expands = getattr(info, "expands_to", None)
    name = str(getattr(info, "canonical", None) or fallback_name)
    return UnitEntry(
        name=name,
        level=str(getattr(info, "level", "") or ""),
        kind=str(getattr(info, "kind", "") or ""),
        known=bool(getattr(info, "known", False)),
        aliases=tuple(str(a) for a in (getattr(info, "aliases", None) or ())),
        expands_to=expands if isinstance(expands, str) and expands else placeholder_level(name),
    )


def lookup(name: str) -> UnitEntry:
    """The directory's view of one unit name (canonical form, level, placeholder level)."""
    name = name.strip()
    if _core_units is not None and hasattr(_core_units, "lookup_unit"):
        return _entry(_core_units.lookup_unit(name), name)
    return UnitEntry(name=name, expands_to=placeholder_level(name))


def iter_directory() -> Iterator[UnitEntry]:
    """Every unit the core directory knows; empty until the directory lands."""
    if _core_units is None or not hasattr(_core_units, "iter_directory"):
        return
    for info in _core_units.iter_directory():
        yield _entry(info, str(getattr(info, "canonical", "")))
