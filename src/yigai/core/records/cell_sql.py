"""The SQL a record import runs on each cell: its typed value, and the reason it is refused (or NULL).

:class:`Cells` builds DuckDB expressions for one input file from the dataset spec and the file's columns
with their DuckDB types. A CSV gives text everywhere; a Parquet export usually gives typed columns (dates
as ``DATE``, amounts as ``DOUBLE``), and those are used as they are: a typed date needs no parsing, a typed
amount no text-to-number cast, so a typed file is checked at a fraction of the cost of its text. Text
cells are trimmed and an empty cell is NULL; the reasons read the same whatever the type.

The ID number column is not checked here row by row: an import checks, normalises and hashes each
*distinct* ID once (table ``ids``, see :mod:`yigai.core.records.zone`), and these expressions refer to
its columns ``ids.problem`` and ``ids.birth``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from yigai.core.records.spec import Check, Column, DatasetSpec, age_band_labels

FLAG_TRUE = ("是", "1", "Y", "y", "true", "TRUE", "True")
FLAG_FALSE = ("否", "0", "N", "n", "false", "FALSE", "False")
DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y.%m.%d")
LOOKUP_NAMES = {"drg_weights": "DRG 权重表"}
NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL")  # fmt: skip
IDS_PROBLEM = "ids.problem"  # the ID check's reason, per distinct ID (see the module docstring)
IDS_BIRTH = "ids.birth"


def quote(identifier: str) -> str:
    """A DuckDB identifier, quoted (headers come from files: anything may be in them)."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Cells:
    """Expressions over one input: ``headers`` maps spec column name → the file's header (None: an
    optional column the file lacks); ``types`` maps a header → its DuckDB type (``VARCHAR`` for CSV)."""

    spec: DatasetSpec
    headers: Mapping[str, str | None]
    types: Mapping[str, str]

    def _type(self, header: str) -> str:
        return self.types.get(header, "VARCHAR").split("(")[0].upper()

    def raw(self, header: str) -> str:
        """The cell as text, untrimmed (for the ID number, whose clean-up is its own)."""
        q = quote(header)
        return q if self._type(header) == "VARCHAR" else f"CAST({q} AS VARCHAR)"

    def text(self, header: str | None) -> str:
        """The cell as trimmed text, NULL when empty."""
        if header is None:
            return "CAST(NULL AS VARCHAR)"
        if self._type(header) == "VARCHAR":
            return f"NULLIF(trim({quote(header)}), '')"
        return f"CAST({quote(header)} AS VARCHAR)"

    def date(self, header: str | None) -> str:
        if header is not None and self._type(header) == "DATE":
            return quote(header)
        if header is not None and self._type(header).startswith("TIMESTAMP"):
            return f"CAST({quote(header)} AS DATE)"
        formats = ", ".join(literal(f) for f in DATE_FORMATS)
        cell = self.text(header)
        return f"coalesce(TRY_CAST({cell} AS DATE), CAST(TRY_STRPTIME({cell}, [{formats}]) AS DATE))"

    def is_empty(self, header: str) -> str:
        """True for an empty cell (a typed column is tested as it is, without its text)."""
        if self._type(header) == "VARCHAR":
            return f"{self.text(header)} IS NULL"
        return f"{quote(header)} IS NULL"

    def number(self, header: str | None) -> str:
        if header is not None and self._type(header) in NUMERIC_TYPES:
            return f"TRY_CAST({quote(header)} AS DECIMAL(18, 2))"
        return f"TRY_CAST(replace({self.text(header)}, ',', '') AS DECIMAL(18, 2))"

    def flag(self, header: str | None) -> str:
        if header is not None and self._type(header) == "BOOLEAN":
            return quote(header)
        yes = ", ".join(literal(v) for v in FLAG_TRUE)
        cell = self.text(header)
        return f"(CASE WHEN {cell} IS NULL THEN NULL ELSE {cell} IN ({yes}) END)"

    # ---- what is stored ----------------------------------------------------------------------------

    def stored(self, column: Column) -> str:
        """The zone's typed value of a checked cell: DATE, DECIMAL(18,2), BOOLEAN or text."""
        header = self.headers[column.name]
        if column.role == "date":
            return self.date(header)
        if column.role == "number":
            return self.number(header)
        if column.role == "flag":
            return self.flag(header)
        return self.text(header)

    def age_band(self) -> str:
        """The age band at the spec's ``age_at`` date (today without one), from the ID's birth date."""
        at = "current_date"
        if self.spec.age_at is not None:
            column = next(c for c in self.spec.kept if c.key == self.spec.age_at)
            at = self.date(self.headers[column.name])
        age = f"date_sub('year', {IDS_BIRTH}, {at})"
        labels = age_band_labels(self.spec.age_bands)
        whens = " ".join(
            f"WHEN {age} >= {lo} THEN {literal(label)}"
            for lo, label in reversed(list(zip(self.spec.age_bands, labels, strict=True)))
        )
        return f"(CASE {whens} END)"

    # ---- what is refused ---------------------------------------------------------------------------

    def checks(self) -> list[tuple[str, str]]:
        """(field, reason-or-NULL expression) for every checked column and rule; the ID number first."""
        spec = self.spec
        out = [(spec.person_id.name, IDS_PROBLEM)]
        for column in spec.kept:
            header = self.headers[column.name]
            if header is None:
                continue
            reason = self._reason(column, header)
            if column.key == spec.age_at:
                early = f"CASE WHEN {self.date(header)} < {IDS_BIRTH} THEN '日期早于身份证号中的出生日期' END"
                reason = f"coalesce({reason}, {early})"
            out.append((column.name, reason))
        for check in spec.checks:
            first, second = spec.column(check.first), spec.column(check.second)
            a, b = self.headers[first.name], self.headers[second.name]
            if a is not None and b is not None:
                out.append((first.name, self._cross(check, first, second, a, b)))
        return out

    def _cross(self, check: Check, first: Column, second: Column, a: str, b: str) -> str:
        """A rule between two cells of a row (NULL when either is empty or unreadable: reported on its own)."""
        if check.kind == "not_after":
            x, y, word = self.date(a), self.date(b), "晚于"
        else:
            x, y, word = self.number(a), self.number(b), "大于"
        text = f"'{first.name}{word}{second.name}（' || CAST({x} AS VARCHAR) || ' > ' || CAST({y} AS VARCHAR) || '）'"
        valid = (
            "" if check.kind == "not_after" else f" AND {y} >= 0"
        )  # a negative amount is reported on its own
        return f"(CASE WHEN {x} > {y}{valid} THEN {text} END)"

    def _reason(self, column: Column, header: str) -> str:
        cell = self.text(header)
        empty = "'为空'" if column.required else "NULL"
        if column.role == "org_unit":
            known = f"{cell} NOT IN (SELECT code FROM org_units)"  # nosec B608  # quoted identifiers and literals only
            if column.outside:
                prefixes = "|".join(column.outside)
                known += f" AND NOT regexp_full_match({cell}, '({prefixes})[0-9]{{4}}')"
            rule = f"WHEN {known} THEN '未知的行政区划代码：' || {cell}"
        elif column.role == "number":
            number, unreadable = self.number(header), f"{self.number(header)} IS NULL"
            if self._type(header) in ("FLOAT", "DOUBLE"):  # no cast per row: NaN, infinities, too large
                number, unreadable = quote(header), f"NOT (abs({quote(header)}) < 1e16)"
            rule = (
                f"WHEN {unreadable} THEN '不是数字（金额，元）：' || {cell} "
                f"WHEN {number} < 0 THEN '金额不能为负数：' || {cell}"
            )
        elif column.role == "flag":
            if self._type(header) == "BOOLEAN":
                rule = ""
            else:
                allowed = ", ".join(literal(v) for v in FLAG_TRUE + FLAG_FALSE)
                rule = f"WHEN {cell} NOT IN ({allowed}) THEN '应为“是”或“否”：' || {cell}"
        elif column.role == "code" and (column.pattern or column.lookup or column.values):
            rule = _code_rule(column, cell)
        elif column.role == "date":
            date = self.date(header)
            rule = (
                f"WHEN {date} IS NULL THEN '日期无法识别（应为 2024-03-05 或 20240305）：' || {cell} "
                f"WHEN {date} > current_date THEN '日期晚于今天：' || {cell}"
            )
        else:
            rule = ""
        return f"(CASE WHEN {self.is_empty(header)} THEN {empty} {rule} END)"


def _code_rule(column: Column, cell: str) -> str:
    rules = []
    if column.values:
        allowed = ", ".join(literal(v) for v in column.values)
        rules.append(
            f"WHEN {cell} NOT IN ({allowed}) THEN '取值不在允许范围（{'、'.join(column.values)}）：' || {cell}"
        )
    if column.pattern:
        rules.append(
            f"WHEN NOT regexp_full_match({cell}, {literal(column.pattern)}) THEN '编码格式不符：' || {cell}"
        )
    if column.lookup:
        table = LOOKUP_NAMES.get(column.lookup, column.lookup)
        rules.append(
            f"WHEN {cell} NOT IN (SELECT key FROM lookup_{column.lookup}) THEN '不在{table}中的分组：' || {cell}"  # nosec B608  # quoted identifiers and literals only
        )
    return " ".join(rules)
