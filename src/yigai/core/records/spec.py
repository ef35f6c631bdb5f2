"""Record dataset specs: which columns a record file has, which identify a person, which are dropped.

Rules are data (CONVENTIONS §6): each shipped dataset is a YAML file ``yigai/data/record_<code>.yaml``
(schema ``yigai.records/2``; ``/1`` specs still load — ``/2`` only adds roles and fields). A spec says,
column by column, what happens on ingest:

=========== ==================================================================================
role        on ingest
=========== ==================================================================================
person_id   the 身份证号: normalised, checked, replaced by a keyed pseudonym; sex and age band are
            derived from it first (the birth date itself is never stored)
drop        personal information no indicator needs (姓名, 电话, 住址): read, never written
org_unit    an administrative-division code (county adcode), checked against the org-unit tree
date        a date (2024-03-05, 20240305, 2024/3/5), stored as DATE
code        a short code or category kept as text, optionally limited to listed ``values``
record_id   a source record number (就诊流水号) kept so the same record loaded twice counts once
number      an amount (费用, 元): a decimal ≥ 0 stored as DECIMAL(18,2)                           (/2)
flag        是/否 (also 1/0, Y/N), stored as BOOLEAN                                               (/2)
=========== ==================================================================================

Column fields added by ``/2``: ``pattern`` (a code's regular expression: ICD-10 ``[A-Z][0-9]{2}(\\.[0-9A-Z]{1,4})?``),
``lookup`` (a code must be a key of a reference table such as ``drg_weights``), ``outside`` (an org-unit
column also accepts well-formed 6-digit codes with these 2-digit province prefixes: facilities in
Beijing ``11`` or Tianjin ``12`` treat Hebei patients). ``required: false`` makes any kept column
nullable (an empty date is NULL). Spec-level ``checks`` compare two columns of a row:
``{not_after: [admission_date, service_date]}`` and ``{not_greater: [insurance_paid, total_cost]}``.

Columns of a file that the spec does not name are dropped too (data minimisation: only what is declared
is kept). ``measures`` turn the records into data-element values (see :mod:`.aggregate`).

>>> spec = load_spec_text('''
... schema: yigai.records/1
... code: demo
... name: 示例
... columns:
...   - {name: 身份证号, role: person_id}
...   - {name: 姓名, role: drop}
...   - {name: 县区代码, role: org_unit, as: county}
...   - {name: 日期, role: date, as: day}
... age_at: day
... measures:
...   - {data_element: FD_CONTRACTED, count: persons, org_unit: county, date: day, period: year}
... ''')
>>> spec.person_id.name, [c.key for c in spec.kept], spec.dropped
('身份证号', ['county', 'day'], ('姓名',))
>>> load_spec_text('schema: yigai.records/1\\ncode: x\\nname: x\\ncolumns: [{name: a, role: secret}]')
Traceback (most recent call last):
...
yigai.core.records.spec.SpecError: record spec x: columns[0] (a): unknown role 'secret'; valid: code, date, drop, flag, number, org_unit, person_id, record_id
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import yaml

SCHEMA = "yigai.records/2"
SCHEMAS = ("yigai.records/1", SCHEMA)
Role = Literal["person_id", "drop", "org_unit", "date", "code", "record_id", "number", "flag"]
ROLES: tuple[Role, ...] = ("person_id", "drop", "org_unit", "date", "code", "record_id", "number", "flag")
CheckKind = Literal["not_after", "not_greater"]
CHECKS: tuple[CheckKind, ...] = ("not_after", "not_greater")
LOOKUPS = ("drg_weights",)  # reference tables a code column may be checked against
CountKind = Literal["persons", "records"]
COUNTS: tuple[CountKind, ...] = ("persons", "records")
PeriodKind = Literal["year", "quarter", "month"]
PERIODS: tuple[PeriodKind, ...] = ("year", "quarter", "month")
CONDITIONS = ("equals", "in", "not_empty", "same_as")
DERIVED = ("sex", "age_band")  # zone columns made from the ID number
PID = "person_pid"
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")


class SpecError(ValueError):
    """A record spec that cannot be used, naming the dataset, the entry and the valid choices."""


@dataclass(frozen=True)
class Column:
    name: str  # the header as written in source files
    role: Role
    key: str  # the zone column name (English); '' for dropped columns and the person ID
    aliases: tuple[str, ...] = ()
    required: bool = True  # a kept column's cells may not be empty
    values: tuple[str, ...] = ()  # allowed values of a code column (empty: any)
    pattern: str = ""  # a regular expression a code must match in full
    lookup: str = ""  # a reference table whose keys the code must be one of
    outside: tuple[str, ...] = ()  # org_unit: 2-digit province prefixes also accepted

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Condition:
    column: str
    kind: str  # one of CONDITIONS
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Check:
    """A rule between two columns of one row: ``first`` not after / not greater than ``second``."""

    kind: CheckKind
    first: str
    second: str


@dataclass(frozen=True)
class Measure:
    """One data element computed from the records, per org unit (a zone column) and period."""

    data_element: str
    count: CountKind
    org_unit: str
    date: str
    period: PeriodKind
    where: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class DatasetSpec:
    code: str
    name: str
    columns: tuple[Column, ...]
    measures: tuple[Measure, ...] = ()
    description: str = ""
    source: str = ""
    legal_basis: str = ""
    retention_years: int | None = None
    convert_15: bool = True
    age_at: str | None = None  # the date column an age is computed at
    age_bands: tuple[int, ...] = (0, 14, 35, 65)
    checks: tuple[Check, ...] = ()

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def person_id(self) -> Column:
        return next(c for c in self.columns if c.role == "person_id")

    @property
    def kept(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.key)

    @property
    def dropped(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.role == "drop")

    @property
    def record_id(self) -> Column | None:
        return next((c for c in self.columns if c.role == "record_id"), None)

    @property
    def zone_columns(self) -> tuple[str, ...]:
        """The columns of the record zone's Parquet files, in order."""
        return (PID, *DERIVED, *(c.key for c in self.kept))


def age_band_labels(bounds: tuple[int, ...]) -> tuple[str, ...]:
    """Labels of age bands from their lower bounds.

    >>> age_band_labels((0, 14, 35, 65))
    ('0-13', '14-34', '35-64', '65+')
    """
    upper = [f"{lo}-{hi - 1}" for lo, hi in itertools.pairwise(bounds)]
    return (*upper, f"{bounds[-1]}+")


# ---- loading -----------------------------------------------------------------------------------


def _fail(where: str, message: str) -> SpecError:
    return SpecError(f"record spec {where}: {message}")


def _fields(
    entry: Any, allowed: tuple[str, ...], where: str, fail: Callable[[str, str], ValueError] = _fail
) -> Mapping[str, Any]:
    """``entry`` as a mapping with only ``allowed`` keys; else ``fail(where, message)`` is raised (each YAML
    loader of records passes its own error)."""
    if not isinstance(entry, Mapping):
        raise fail(where, "expected a mapping")
    unknown = sorted(set(entry) - set(allowed))
    if unknown:
        raise fail(where, f"unknown field {unknown[0]!r}; valid: {', '.join(sorted(allowed))}")
    return entry


def _choice(value: Any, valid: tuple[str, ...], what: str, where: str) -> Any:
    if value not in valid:
        raise _fail(where, f"unknown {what} {value!r}; valid: {', '.join(sorted(valid))}")
    return value


def _column(entry: Any, where: str) -> Column:
    e = _fields(
        entry, ("name", "role", "as", "aliases", "required", "values", "pattern", "lookup", "outside"), where
    )
    name = str(e.get("name", "")).strip()
    where = f"{where} ({name})"
    role: Role = _choice(e.get("role"), ROLES, "role", where)
    key = str(e.get("as", "")) if role not in ("person_id", "drop") else ""
    if role not in ("person_id", "drop") and not _KEY.fullmatch(key):
        raise _fail(where, "'as' must name the zone column in lower_case ASCII (e.g. as: county)")
    if key in (PID, *DERIVED):
        raise _fail(where, f"'as: {key}' is reserved for a derived column")
    values = tuple(str(v) for v in e.get("values") or ())
    pattern = str(e.get("pattern") or "")
    if pattern:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise _fail(where, f"pattern is not a regular expression: {exc}") from None
    lookup = str(e.get("lookup") or "")
    if lookup:
        _choice(lookup, LOOKUPS, "lookup table", where)
    outside = tuple(str(p) for p in e.get("outside") or ())
    if outside and (role != "org_unit" or not all(re.fullmatch(r"[1-9][0-9]", p) for p in outside)):
        raise _fail(where, "outside: 2-digit province prefixes (e.g. [11, 12]) on an org_unit column")
    if (pattern or lookup or values) and role != "code":
        raise _fail(where, "values, pattern and lookup apply to code columns only")
    return Column(name, role, key, tuple(str(a) for a in e.get("aliases") or ()),
                  bool(e.get("required", True)), values, pattern, lookup, outside)  # fmt: skip


def _check(entry: Any, keyed: Mapping[str, Column], where: str) -> Check:
    e = _fields(entry, CHECKS, where)
    if len(e) != 1:
        raise _fail(where, f"one rule per check; valid: {', '.join(CHECKS)}")
    kind, pair = next(iter(e.items()))
    role = "date" if kind == "not_after" else "number"
    if not isinstance(pair, list) or len(pair) != 2 or any(keyed.get(k, None) is None for k in pair):
        raise _fail(where, f"{kind}: write two column names, e.g. {kind}: [a, b]")
    if any(keyed[k].role != role for k in pair):
        raise _fail(where, f"{kind} compares two {role} columns")
    return Check(_choice(kind, CHECKS, "check", where), str(pair[0]), str(pair[1]))


def _conditions(entry: Any, keys: set[str], where: str) -> tuple[Condition, ...]:
    out = []
    for column, test in (entry or {}).items():
        if column not in keys:
            raise _fail(where, f"where: unknown column {column!r}; valid: {', '.join(sorted(keys))}")
        for kind, arg in _fields(test, CONDITIONS, f"{where} where.{column}").items():
            if kind == "same_as" and arg not in keys:
                raise _fail(where, f"where.{column}.same_as: unknown column {arg!r}")
            if kind == "not_empty" and arg is not True:
                raise _fail(where, f"where.{column}.not_empty: write 'not_empty: true'")
            if kind == "in" and not isinstance(arg, list):
                raise _fail(where, f"where.{column}.in: write a list, e.g. in: [门诊, 住院]")
            values = () if kind == "not_empty" else tuple(str(v) for v in (arg if kind == "in" else [arg]))
            out.append(Condition(str(column), kind, values))
    return tuple(out)


def _measure(entry: Any, spec_columns: dict[str, Column], where: str) -> Measure:
    e = _fields(entry, ("data_element", "count", "org_unit", "date", "period", "where"), where)
    element = str(e.get("data_element", ""))
    where = f"{where} ({element})"
    if not _CODE.fullmatch(element):
        raise _fail(where, "data_element must be a catalogue code (UPPER_CASE)")
    org, date = e.get("org_unit"), e.get("date")
    orgs = tuple(k for k, c in spec_columns.items() if c.role == "org_unit")
    dates = tuple(k for k, c in spec_columns.items() if c.role == "date")
    return Measure(
        element, _choice(e.get("count"), COUNTS, "count", where), _choice(org, orgs, "org_unit column", where),
        _choice(date, dates, "date column", where), _choice(e.get("period", "year"), PERIODS, "period", where),
        _conditions(e.get("where"), {*spec_columns, *DERIVED}, where),
    )  # fmt: skip


SPEC_FIELDS = ("schema", "code", "name", "description", "source", "legal_basis", "retention_years",
               "convert_15", "age_at", "age_bands", "columns", "measures", "checks")  # fmt: skip


def load_spec_text(text: str) -> DatasetSpec:
    """Validate one YAML spec into a :class:`DatasetSpec`; raises :class:`SpecError` naming the problem."""
    raw = yaml.safe_load(text)
    code = str(raw.get("code", "?")) if isinstance(raw, Mapping) else "?"
    doc = _fields(raw, SPEC_FIELDS, code)
    if doc.get("schema") not in SCHEMAS:
        raise _fail(code, f"schema must be {SCHEMA} (or {SCHEMAS[0]})")
    if not _KEY.fullmatch(code):
        raise _fail(code, "code must be lower_case ASCII")
    columns = tuple(_column(c, f"{code}: columns[{i}]") for i, c in enumerate(doc.get("columns") or ()))
    if [c.role for c in columns].count("person_id") != 1:
        raise _fail(code, "exactly one column must have role person_id")
    keyed = {c.key: c for c in columns if c.key}
    headers = [h for c in columns for h in c.headers]
    if len(keyed) != sum(1 for c in columns if c.key) or len(set(headers)) != len(headers):
        raise _fail(code, "column names and 'as' names must be unique")
    if sum(c.role == "record_id" for c in columns) > 1:
        raise _fail(code, "at most one record_id column")
    age_at = doc.get("age_at")
    if age_at is not None and (age_at not in keyed or keyed[age_at].role != "date"):
        raise _fail(code, f"age_at must name a date column, not {age_at!r}")
    bands = tuple(int(b) for b in doc.get("age_bands") or (0, 14, 35, 65))
    if bands[0] != 0 or list(bands) != sorted(set(bands)):
        raise _fail(code, "age_bands: increasing lower bounds starting at 0")
    measures = tuple(
        _measure(m, keyed, f"{code}: measures[{i}]") for i, m in enumerate(doc.get("measures") or ())
    )
    checks = tuple(_check(c, keyed, f"{code}: checks[{i}]") for i, c in enumerate(doc.get("checks") or ()))
    if doc.get("schema") == SCHEMAS[0] and (checks or any(c.role in ("number", "flag") for c in columns)):
        raise _fail(code, f"number and flag columns and checks need schema {SCHEMA}")
    return DatasetSpec(
        checks=checks, code=code, name=str(doc.get("name", code)), columns=columns, measures=measures,
        description=str(doc.get("description", "")), source=str(doc.get("source", "")),
        legal_basis=str(doc.get("legal_basis", "")), retention_years=doc.get("retention_years"),
        convert_15=bool(doc.get("convert_15", True)), age_at=age_at, age_bands=bands,
    )  # fmt: skip


@cache
def shipped_specs() -> dict[str, DatasetSpec]:
    """The datasets shipped in ``yigai/data/record_*.yaml``, by code.

    >>> sorted(shipped_specs())
    ['family_doctor', 'services']
    """
    specs = {}
    for entry in sorted(files("yigai.data").iterdir(), key=lambda e: e.name):
        if entry.name.startswith("record_") and entry.name.endswith(".yaml"):
            spec = load_spec_text(entry.read_text(encoding="utf-8"))
            specs[spec.code] = spec
    return specs
