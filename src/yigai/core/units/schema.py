"""Load and validate ``units.yaml`` (schema ``yigai.units/1``) into typed, immutable specs.

Validation happens here, once, so that the lookup code can trust its tables. Every error names
the section, the entry and the field, so an administrator editing the YAML can fix it:

>>> load_spec_text("schema: yigai.units/1\\nprefixes: []\\ndepartments: [{id: x}]")
Traceback (most recent call last):
...
yigai.core.units.schema.UnitDirectoryError: units.yaml: departments[0] (x): missing field 'canonical'
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SCHEMA = "yigai.units/1"
LOCAL_LEVELS = ("province", "city", "county")
LEVELS = ("national", *LOCAL_LEVELS)
KINDS = ("department", "government", "placeholder", "group", "party", "other")
EXPANSIONS = ("city", "county", "township", "zone")
RELATIONS = ("renamed_to", "merged_into", "functions_moved_to")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class UnitDirectoryError(ValueError):
    """The unit directory is malformed; the message says where and why."""


@dataclass(frozen=True)
class Prefix:
    """A level prefix (省, 市, 县 …): the level it marks and other levels it may also mark."""

    text: str
    level: str
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Department:
    """A body written after a level prefix, with its canonical form per level and its history."""

    id: str
    kind: str
    canonical: Mapping[str, str]
    aliases: tuple[str, ...]
    national_aliases: tuple[str, ...]
    levels: tuple[str, ...]
    bare_place: bool = False
    relation: str | None = None
    successor: Mapping[str, str] | None = None
    year: int | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Named:
    """A whole name (placeholder, locality or group) with its aliases."""

    canonical: str
    kind: str
    aliases: tuple[str, ...]
    level: str | None = None
    expands_to: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vertical:
    """A vertically managed long form: ``<parent><place><tail>`` is read as ``<place><body>``."""

    parent: str
    tails: Mapping[str, str]


@dataclass(frozen=True)
class Heuristics:
    """Word lists for clean-up and for :func:`yigai.core.units.looks_like_unit`."""

    leading_labels: tuple[str, ...]
    leading_words: tuple[str, ...]
    trailing_words: tuple[str, ...]
    trailing_notes: tuple[str, ...]
    group_tails: tuple[str, ...]
    etc_tails: tuple[str, ...]
    unit_suffixes: tuple[str, ...]
    non_unit_suffixes: tuple[str, ...]
    placeholder_suffixes: tuple[str, ...]
    clause_markers: tuple[str, ...]
    zone_words: tuple[str, ...]
    zone_tails: Mapping[str, str]
    place_exclusions: tuple[str, ...]
    vertical: tuple[Vertical, ...]


@dataclass(frozen=True)
class DirectorySpec:
    """The whole validated directory."""

    prefixes: tuple[Prefix, ...]
    departments: tuple[Department, ...]
    placeholders: tuple[Named, ...]
    localities: tuple[Named, ...]
    groups: tuple[Named, ...]
    heuristics: Heuristics


class _Ctx:
    """Where we are in the file, for error messages."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, why: str) -> UnitDirectoryError:
        return UnitDirectoryError(f"units.yaml: {self.where}: {why}")


def _mapping(raw: object, ctx: _Ctx) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise ctx.fail(f"expected a mapping, got {type(raw).__name__}")
    return raw


def _str(raw: Mapping[str, Any], key: str, ctx: _Ctx, default: str | None = None) -> str:
    value = raw.get(key, default)
    if value is None:
        raise ctx.fail(f"missing field {key!r}")
    if not isinstance(value, str) or not value.strip():
        raise ctx.fail(f"{key!r} must be a non-empty string, got {value!r}")
    return value


def _opt_str(raw: Mapping[str, Any], key: str, ctx: _Ctx) -> str | None:
    return _str(raw, key, ctx) if raw.get(key) is not None else None


def _strs(raw: Mapping[str, Any], key: str, ctx: _Ctx) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ctx.fail(f"{key!r} must be a list of non-empty strings, got {value!r}")
    return tuple(value)


def _choice(value: str | None, allowed: tuple[str, ...], key: str, ctx: _Ctx) -> None:
    if value is not None and value not in allowed:
        raise ctx.fail(f"{key!r} is {value!r}; expected one of {', '.join(allowed)}")


def _known_keys(raw: Mapping[str, Any], allowed: set[str], ctx: _Ctx) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ctx.fail(
            f"unknown field(s) {', '.join(unknown)}; expected some of {', '.join(sorted(allowed))}"
        )


def _level_map(raw: object, key: str, ctx: _Ctx, *, levels: tuple[str, ...] = LEVELS) -> dict[str, str]:
    if isinstance(raw, str):
        return dict.fromkeys(LOCAL_LEVELS, raw)
    if not isinstance(raw, dict) or not raw:
        raise ctx.fail(f"{key!r} must be a string or a non-empty mapping level -> name")
    for level, value in raw.items():
        _choice(level, levels, f"{key}.{level}", ctx)
        if not isinstance(value, str) or not value:
            raise ctx.fail(f"{key}.{level} must be a non-empty string")
    return dict(raw)


def _prefix(raw: object, ctx: _Ctx) -> Prefix:
    data = _mapping(raw, ctx)
    _known_keys(data, {"prefix", "level", "also"}, ctx)
    level = _str(data, "level", ctx)
    _choice(level, LOCAL_LEVELS, "level", ctx)
    also = _strs(data, "also", ctx)
    for extra in also:
        _choice(extra, LOCAL_LEVELS, "also", ctx)
    return Prefix(_str(data, "prefix", ctx), level, also)


_DEPT_KEYS = {
    "id",
    "kind",
    "canonical",
    "full",
    "aliases",
    "national_aliases",
    "levels",
    "bare_place",
    "notes",
    "year",
}


def _successor(data: Mapping[str, Any], ctx: _Ctx) -> tuple[str | None, dict[str, str] | None, int | None]:
    present = [r for r in RELATIONS if r in data]
    if not present:
        if "year" in data:
            raise ctx.fail("'year' given without renamed_to / merged_into / functions_moved_to")
        return None, None, None
    if len(present) > 1:
        raise ctx.fail(f"give only one of {', '.join(present)}")
    relation = present[0]
    raw = data[relation]
    target = dict.fromkeys(LEVELS, raw) if isinstance(raw, str) else _level_map(raw, relation, ctx)
    year = data.get("year")
    if not isinstance(year, int) or not 1949 <= year <= 2100:
        raise ctx.fail(f"{relation} needs a 'year' between 1949 and 2100, got {year!r}")
    return relation, target, year


def _department(raw: object, ctx: _Ctx) -> Department:
    data = _mapping(raw, ctx)
    ident = _str(data, "id", ctx)
    ctx.where += f" ({ident})"
    if not _ID.match(ident):
        raise ctx.fail(f"id {ident!r} must be lower-case ASCII letters, digits and underscores")
    _known_keys(data, _DEPT_KEYS | set(RELATIONS), ctx)
    if "canonical" not in data:
        raise ctx.fail("missing field 'canonical'")
    kind = _str(data, "kind", ctx, default="department")
    _choice(kind, KINDS, "kind", ctx)
    canonical = _level_map(data["canonical"], "canonical", ctx)
    levels = _strs(data, "levels", ctx) or tuple(lv for lv in LEVELS if lv in canonical)
    for level in levels:
        _choice(level, LEVELS, "levels", ctx)
    full = _opt_str(data, "full", ctx)
    aliases = _strs(data, "aliases", ctx) + ((full,) if full else ())
    bare = data.get("bare_place", False)
    if not isinstance(bare, bool):
        raise ctx.fail("'bare_place' must be true or false")
    relation, successor, year = _successor(data, ctx)
    national_aliases = _strs(data, "national_aliases", ctx)
    if national_aliases and "national" not in canonical:
        raise ctx.fail("'national_aliases' given but canonical has no 'national' name")
    notes = _strs(data, "notes", ctx)
    return Department(
        ident, kind, canonical, aliases, national_aliases, levels, bare, relation, successor, year, notes
    )


def _named(raw: object, ctx: _Ctx, *, kind: str, placeholder: bool = False) -> Named:
    data = _mapping(raw, ctx)
    canonical = _str(data, "canonical", ctx)
    ctx.where += f" ({canonical})"
    allowed = {"canonical", "aliases", "level", "kind", "notes"} | ({"expands_to"} if placeholder else set())
    _known_keys(data, allowed, ctx)
    level = _opt_str(data, "level", ctx)
    _choice(level, LEVELS, "level", ctx)
    expands = _opt_str(data, "expands_to", ctx)
    _choice(expands, EXPANSIONS, "expands_to", ctx)
    kind = _str(data, "kind", ctx, default=kind)
    _choice(kind, KINDS, "kind", ctx)
    level = level or (expands if expands in LEVELS else None)
    return Named(canonical, kind, _strs(data, "aliases", ctx), level, expands, _strs(data, "notes", ctx))


def _vertical(raw: object, ctx: _Ctx) -> Vertical:
    data = _mapping(raw, ctx)
    tails = data.get("tails")
    if not isinstance(tails, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in tails.items()
    ):
        raise ctx.fail("'tails' must map written tails to bodies")
    return Vertical(_str(data, "parent", ctx), dict(tails))


def _heuristics(raw: object, ctx: _Ctx) -> Heuristics:
    data = _mapping(raw, ctx)
    names = [f for f in Heuristics.__dataclass_fields__ if f not in ("zone_tails", "vertical")]
    lists = {f: _strs(data, f, _Ctx(f"{ctx.where}.{f}")) for f in names}
    zone_tails = data.get("zone_tails", {})
    if not isinstance(zone_tails, dict):
        raise ctx.fail("'zone_tails' must be a mapping")
    vertical = tuple(
        _vertical(v, _Ctx(f"{ctx.where}.vertical[{i}]")) for i, v in enumerate(data.get("vertical", []))
    )
    return Heuristics(**lists, zone_tails=dict(zone_tails), vertical=vertical)


def _section(doc: Mapping[str, Any], name: str) -> list[object]:
    value = doc.get(name, [])
    if not isinstance(value, list):
        raise UnitDirectoryError(f"units.yaml: section {name!r} must be a list")
    return value


def _check_notes(spec: DirectorySpec) -> None:
    ids = {d.id for d in spec.departments} | {"self"}
    for dept in spec.departments:
        for note in dept.notes:
            for _, field, _, _ in string.Formatter().parse(note):
                if field is not None and field not in ids:
                    raise UnitDirectoryError(
                        f"units.yaml: departments ({dept.id}): note refers to unknown id {field!r}"
                    )


def _check_successors(spec: DirectorySpec) -> None:
    by_id = {d.id: d for d in spec.departments}
    duplicates = sorted(i for i, n in Counter(d.id for d in spec.departments).items() if n > 1)
    if duplicates:
        raise UnitDirectoryError(f"units.yaml: departments: duplicate id(s) {', '.join(duplicates)}")
    for dept in spec.departments:
        chain, current = [dept.id], dept
        while current.successor:
            for target in set(current.successor.values()):
                if target not in by_id:
                    raise UnitDirectoryError(
                        f"units.yaml: departments ({current.id}): unknown successor id {target!r}"
                    )
            nxt = by_id[next(iter(current.successor.values()))]
            if nxt.id in chain:
                raise UnitDirectoryError(
                    f"units.yaml: departments: successor cycle {' -> '.join([*chain, nxt.id])}"
                )
            chain.append(nxt.id)
            current = nxt


def parse_spec(doc: object) -> DirectorySpec:
    """Validate a parsed YAML document into a :class:`DirectorySpec`."""
    top = _mapping(doc, _Ctx("top level"))
    if top.get("schema") != SCHEMA:
        raise UnitDirectoryError(f"units.yaml: 'schema' must be {SCHEMA!r}, got {top.get('schema')!r}")
    prefixes = tuple(_prefix(p, _Ctx(f"prefixes[{i}]")) for i, p in enumerate(_section(top, "prefixes")))
    depts = tuple(
        _department(d, _Ctx(f"departments[{i}]")) for i, d in enumerate(_section(top, "departments"))
    )
    spec = DirectorySpec(
        prefixes=prefixes,
        departments=depts,
        placeholders=_named_list(top, "placeholders", "placeholder"),
        localities=_named_list(top, "localities", "government"),
        groups=_named_list(top, "groups", "group"),
        heuristics=_heuristics(top.get("heuristics", {}), _Ctx("heuristics")),
    )
    _check_successors(spec)
    _check_notes(spec)
    return spec


def _named_list(top: Mapping[str, Any], name: str, kind: str) -> tuple[Named, ...]:
    items = _section(top, name)
    return tuple(
        _named(v, _Ctx(f"{name}[{i}]"), kind=kind, placeholder=name == "placeholders")
        for i, v in enumerate(items)
    )


def load_spec_text(text: str) -> DirectorySpec:
    """Parse and validate YAML text."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UnitDirectoryError(f"units.yaml: not valid YAML: {exc}") from exc
    return parse_spec(doc)


def load_spec_path(path: str | Path) -> DirectorySpec:
    """Parse and validate a YAML file."""
    return load_spec_text(Path(path).read_text(encoding="utf-8"))
