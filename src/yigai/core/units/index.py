"""Precomputed lookup tables built from a validated :class:`~yigai.core.units.schema.DirectorySpec`.

Every name that can be enumerated (prefix × body, national names, placeholders, localities, groups)
is resolved once into :attr:`Index.exact`, successors and history included, so that a lookup of a
common name is one dict access. The builder rejects an alias that would give two canonical names.

>>> from yigai.core.units.schema import load_spec_text
>>> spec = load_spec_text('''
... schema: yigai.units/1
... prefixes: [{prefix: 市, level: city}]
... departments:
...   - {id: health, canonical: 卫生健康委, aliases: [卫健委]}
...   - {id: old, canonical: 卫生计生委, aliases: [卫计委], renamed_to: health, year: 2018}
... ''')
>>> Index(spec).exact["市卫计委"]
Resolved(canonical='市卫生健康委', level='city', kind='department', history=('2018年由市卫生计生委更名为市卫生健康委',), expands_to=None)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from yigai.core.units.schema import LOCAL_LEVELS, Department, DirectorySpec, Prefix, UnitDirectoryError

NATIONAL = "国家"
_FALLBACK = {
    None: ("city", "province", "county"),
    "province": ("province", "city", "county"),
    "city": ("city", "county", "province"),
    "county": ("county", "city", "province"),
}
_HISTORY = {
    "renamed_to": "{year}年由{old}更名为{new}",
    "merged_into": "{year}年{old}并入{new}",
    "functions_moved_to": "{year}年{old}职能划入{new}",
}


@dataclass(frozen=True)
class Resolved:
    """A name resolved to its current canonical form (the part of a UnitInfo that the index knows)."""

    canonical: str
    level: str | None
    kind: str
    history: tuple[str, ...] = ()
    expands_to: str | None = None


class Index:
    """Lookup tables for one directory."""

    def __init__(self, spec: DirectorySpec) -> None:
        self.spec = spec
        self.by_id = {d.id: d for d in spec.departments}
        self.prefixes: dict[str, Prefix] = {p.text: p for p in spec.prefixes}
        self.prefix_texts = sorted(self.prefixes, key=len, reverse=True)
        self.primary: dict[str, str] = {}
        for p in spec.prefixes:
            self.primary.setdefault(p.level, p.text)
        self.bodies: dict[str, dict[str, Department]] = {k: self._bodies(k) for k in ["", *self.prefixes]}
        self.bare_place: dict[str, Department] = self._bare_place_bodies()
        self.placeholders = sorted(
            ((alias, ph) for ph in spec.placeholders for alias in (ph.canonical, *ph.aliases)),
            key=lambda pair: -len(pair[0]),
        )
        self.exact: dict[str, Resolved] = {}
        self._origin: dict[str, str] = {}
        self._build_exact()

    # ------------------------------------------------------------------ bodies
    def _names(self, dept: Department, pkey: str) -> Iterator[str]:
        local = [dept.canonical[lv] for lv in LOCAL_LEVELS if lv in dept.canonical]
        if not local:
            return
        for name in dict.fromkeys([*local, *dept.aliases]):
            if pkey == "" and ("{p}" in name or name.startswith("委") or len(name) < 2):
                continue  # 委组织部 / 委{p}直工委 only make sense after a prefix
            yield name.replace("{p}", pkey)

    def _bodies(self, pkey: str) -> dict[str, Department]:
        table: dict[str, Department] = {}
        for dept in self.spec.departments:
            for name in self._names(dept, pkey):
                other = table.get(name)
                if other is not None and other.id != dept.id:
                    raise UnitDirectoryError(
                        f"units.yaml: alias {name!r} belongs to both {other.id!r} and {dept.id!r}"
                    )
                table[name] = dept
        return table

    def _bare_place_bodies(self) -> dict[str, Department]:
        return {name: d for name, d in self.bodies[""].items() if d.bare_place}

    def body(self, dept: Department, level: str | None, pkey: str) -> str:
        """The canonical body of ``dept`` at ``level`` (falling back to a neighbouring level)."""
        for lv in _FALLBACK[level]:
            if lv in dept.canonical:
                return dept.canonical[lv].replace("{p}", pkey)
        return dept.canonical["national"]

    def _kept_body(self, dept: Department, written: str, prefix: Prefix | None, pkey: str) -> str:
        compat = (prefix.level, *prefix.also) if prefix else LOCAL_LEVELS
        for lv in compat:
            if dept.canonical.get(lv, "").replace("{p}", pkey) == written:
                return written
        return self.body(dept, prefix.level if prefix else None, pkey)

    # ------------------------------------------------------------------ resolution
    def resolve_dept(self, dept: Department, pkey: str, written_prefix: str, written_body: str) -> Resolved:
        """Resolve ``written_prefix + written_body`` where the body belongs to ``dept``."""
        prefix = self.prefixes.get(pkey)
        level = prefix.level if prefix else None
        name = written_prefix + self._kept_body(dept, written_body, prefix, pkey)
        history: list[str] = []
        while dept.successor and dept.relation and dept.year:
            nxt = self.by_id[dept.successor.get(level or "city") or next(iter(dept.successor.values()))]
            new_name = written_prefix + self.body(nxt, level, pkey)
            history.append(_HISTORY[dept.relation].format(year=dept.year, old=name, new=new_name))
            dept, name = nxt, new_name
        history += self._notes(dept, name, lambda d: written_prefix + self.body(d, level, pkey))
        return Resolved(name, level, dept.kind, tuple(history))

    def resolve_national(self, dept: Department) -> Resolved:
        """Resolve the national counterpart of ``dept`` (国家卫生健康委, 财政部 …)."""
        name = self._national_name(dept)
        history: list[str] = []
        while dept.successor and dept.relation and dept.year:
            nxt = self.by_id[dept.successor.get("national") or next(iter(dept.successor.values()))]
            history.append(
                _HISTORY[dept.relation].format(year=dept.year, old=name, new=self._national_name(nxt))
            )
            dept, name = nxt, self._national_name(nxt)
        history += self._notes(dept, name, self._national_name)
        return Resolved(name, "national", dept.kind, tuple(history))

    def _national_name(self, dept: Department) -> str:
        return dept.canonical.get("national") or NATIONAL + self.body(dept, None, "")

    def _notes(self, dept: Department, name: str, name_of: Callable[[Department], str]) -> list[str]:
        names = _Names(self, name, name_of)
        return [note.format_map(names) for note in dept.notes]

    # ------------------------------------------------------------------ exact table
    def _add(self, key: str, resolved: Resolved, origin: str, *, weak: bool = False) -> None:
        old = self.exact.get(key)
        if old is not None and (old.canonical, old.kind) != (resolved.canonical, resolved.kind):
            if weak:
                return
            raise UnitDirectoryError(
                f"units.yaml: {key!r} would mean both {old.canonical!r} ({self._origin[key]}) "
                f"and {resolved.canonical!r} ({origin})"
            )
        if old is None:
            self.exact[key], self._origin[key] = resolved, origin

    def _build_exact(self) -> None:
        for named in (*self.spec.placeholders, *self.spec.localities, *self.spec.groups):
            resolved = Resolved(named.canonical, named.level, named.kind, named.notes, named.expands_to)
            for key in (named.canonical, *named.aliases):
                self._add(key, resolved, f"{named.kind} {named.canonical}")
        for dept in self.spec.departments:
            if "national" in dept.canonical:
                national = self.resolve_national(dept)
                for key in (dept.canonical["national"], *dept.national_aliases):
                    self._add(key, national, dept.id)
        for pkey in self.prefixes:
            for name, dept in self.bodies[pkey].items():
                self._add(pkey + name, self.resolve_dept(dept, pkey, pkey, name), dept.id)
        for name, dept in self.bodies[""].items():
            self._add(name, self.resolve_dept(dept, "", "", name), dept.id)
        for dept in self.spec.departments:
            if "national" in dept.canonical:
                for name in self._names(dept, ""):
                    self._add(NATIONAL + name, self.resolve_national(dept), dept.id, weak=True)

    # ------------------------------------------------------------------ directory listing
    def current_entries(self) -> Iterable[Resolved]:
        """Every current canonical unit: departments per listed level, then named entries."""
        for dept in self.spec.departments:
            if dept.successor:
                continue
            for level in dept.levels:
                if level == "national":
                    yield self.resolve_national(dept)
                else:
                    pkey = self.primary[level]
                    yield self.resolve_dept(dept, pkey, pkey, self.body(dept, level, pkey))
        for named in (*self.spec.placeholders, *self.spec.localities, *self.spec.groups):
            yield Resolved(named.canonical, named.level, named.kind, named.notes, named.expands_to)


class _Names(dict[str, str]):
    """format_map mapping for notes: {self} and {<department id>}."""

    def __init__(self, index: Index, own: str, name_of: Callable[[Department], str]) -> None:
        super().__init__(self=own)
        self.index, self.name_of = index, name_of

    def __missing__(self, key: str) -> str:
        return self.name_of(self.index.by_id[key])
