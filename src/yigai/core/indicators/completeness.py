"""Reporting completeness: how many of the reporters a value stands for have reported (DHIS2's reporting rate).

A parent's value is a sum over its subtree, so a province value with one county reported is that county's
number. Every computed value therefore carries two counts:

- **expected**: the leaves of the org-unit tree under the unit (the units that report; a leaf counts for
  itself). The tree is the one given for the period, so a boundary change moves reporters with it.
- **reported**: the leaves *covered* for every data element the indicator sums over the tree: a leaf is
  covered when it, or a unit on its path up to the org unit, has a value of the element inside the period
  (a county's own total covers the facilities below it).

An indicator whose elements are all ``org_aggregation: none`` (a survey rate) expects one report, the unit's
own; one that reads no element (a constant) is complete.

>>> from yigai.core.indicators.catalogue import default_catalogue
>>> from yigai.core.indicators.compute import DataValue, compute
>>> rows = [DataValue("A", "BEDS", "2025", 60), DataValue("A", "POP_RESIDENT", "2025", 10_000),
...         DataValue("B", "BEDS", "2025", 10)]  # B has not reported its population yet
>>> parents = {"P": None, "A": "P", "B": "P", "C": "P"}
>>> [(r.org_unit, r.reported, r.expected) for r in compute(default_catalogue(), rows, parents, ["2025"],
...                                                         indicators=["BEDS_PER_1000"])]
[('A', 1, 1), ('B', 0, 1), ('C', 0, 1), ('P', 1, 3)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from yigai.core.indicators.catalogue import Catalogue, Indicator
from yigai.core.indicators.expressions import element_refs

#: ``(period, data element) → org units with a value of the element inside the period``
Reports = Mapping[tuple[str, str], set[str]]


def leaves(chains: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Org units no other unit reports to, in a stable order."""
    inner = {chain[1] for chain in chains.values() if len(chain) > 1}
    return sorted(org for org in chains if org not in inner)


OwnRef = tuple[str, str | None]  # (element, option or None for the total)


def indicator_elements(catalogue: Catalogue, ind: Indicator) -> tuple[frozenset[str], frozenset[OwnRef]]:
    """(elements summed over the tree, references read at the unit itself) of an indicator, with those
    of the indicators it refers to."""
    refs: set[OwnRef] = set()
    for code in (ind.code, *catalogue.dependencies(ind.code)):
        other = catalogue.indicator(code)
        refs |= element_refs(other.numerator_expr) | element_refs(other.denominator_expr)
    own = frozenset(r for r in refs if catalogue.element(r[0]).org_aggregation == "none")
    return frozenset(c for c, _ in refs - own), own


class Completeness:
    """Reported and expected counts per indicator, org unit and period, computed once per element set."""

    def __init__(self, catalogue: Catalogue, chains: Mapping[str, tuple[str, ...]], reports: Reports) -> None:
        self.catalogue = catalogue
        self.chains = chains
        self.reports = reports
        self.leaves = leaves(chains)
        self.expected: dict[str, int] = defaultdict(int)
        for leaf in self.leaves:
            for org in chains[leaf]:
                self.expected[org] += 1
        self._reported: dict[tuple[frozenset[str], str], dict[str, int]] = {}

    def of(
        self, ind: Indicator, org: str, period: str, own_value: Callable[[str, str | None], float | None]
    ) -> tuple[int, int]:
        """``(reported, expected)`` of one computed value; ``own_value(code, option)`` reads the unit's
        element table (for the elements that are not summed)."""
        summed, own = indicator_elements(self.catalogue, ind)
        if summed:
            key = (summed, period)
            if key not in self._reported:
                self._reported[key] = self._count(summed, period)
            return self._reported[key].get(org, 0), self.expected[org]
        if own:
            return int(all(own_value(code, option) is not None for code, option in own)), 1
        return 1, 1

    def _count(self, codes: Iterable[str], period: str) -> dict[str, int]:
        """Org unit → leaves covered for every code: a leaf counts for each unit at or above the lowest
        unit on its path that reported all of them (the nearest reporter of each code, the highest of those)."""
        by_code = [self.reports.get((period, code), set()) for code in codes]
        out: dict[str, int] = defaultdict(int)
        for leaf in self.leaves:
            chain = self.chains[leaf]
            highest = 0
            for reporters in by_code:
                nearest = next((i for i, org in enumerate(chain) if org in reporters), None)
                if nearest is None:
                    break
                highest = max(highest, nearest)
            else:
                for org in chain[highest:]:
                    out[org] += 1
        return out


def completeness_ctes(groups: Iterable[frozenset[str]], literal: Callable[[str], str]) -> str:
    """DuckDB CTEs (after ``closure``, ``orgs`` and ``timed``): ``expected(org_unit, expected)`` and, for
    the i-th element set of ``groups``, ``rep_i(org_unit, period, reported)`` — the same counts as
    :class:`Completeness`, by depth: a leaf is covered under every unit no deeper than the shallowest of
    its nearest reporters."""
    parts = [
        "depths AS (SELECT descendant AS org_unit, count(*) AS depth FROM closure GROUP BY descendant)",
        "leaves AS (SELECT org_unit FROM orgs WHERE org_unit NOT IN "
        "(SELECT parent FROM orgs WHERE parent IS NOT NULL))",
        "expected AS (SELECT c.ancestor AS org_unit, count(*) AS expected FROM leaves l "
        "JOIN closure c ON c.descendant = l.org_unit GROUP BY c.ancestor)",
        "reports AS (SELECT DISTINCT org_unit, period, data_element FROM timed)",
        "cover AS (SELECT c.descendant AS leaf, r.period, r.data_element, max(d.depth) AS depth "
        "FROM leaves l JOIN closure c ON c.descendant = l.org_unit JOIN reports r ON r.org_unit = c.ancestor "
        "JOIN depths d ON d.org_unit = c.ancestor GROUP BY c.descendant, r.period, r.data_element)",
    ]
    for i, codes in enumerate(groups):
        names = ", ".join(literal(c) for c in sorted(codes))
        parts.append(
            f"rep_{i} AS (SELECT c.ancestor AS org_unit, k.period, count(*) AS reported FROM ("
            f"SELECT leaf, period, min(depth) AS depth FROM cover WHERE data_element IN ({names}) "
            f"GROUP BY leaf, period HAVING count(*) = {len(codes)}) k "
            "JOIN closure c ON c.descendant = k.leaf JOIN depths d ON d.org_unit = c.ancestor "
            "WHERE d.depth <= k.depth GROUP BY c.ancestor, k.period)"
        )
    return ",\n".join(parts)


def completeness_sql(
    catalogue: Catalogue, ind: Indicator, groups: list[frozenset[str]], column: Callable[[OwnRef], str]
) -> tuple[str, str, str]:
    """(extra join, reported SQL, expected SQL) for one indicator's SELECT over ``base``."""
    summed, own = indicator_elements(catalogue, ind)
    if summed:
        i = groups.index(summed)
        return (f"LEFT JOIN rep_{i} USING (org_unit, period) JOIN expected USING (org_unit)",
                f"coalesce(rep_{i}.reported, 0)", "expected.expected")  # fmt: skip
    if own:
        present = " AND ".join(
            f"{column(r)} IS NOT NULL" for r in sorted(own, key=lambda r: (r[0], r[1] or ""))
        )
        return "", f"CAST({present} AS INTEGER)", "1"
    return "", "1", "1"


__all__ = [
    "Completeness",
    "OwnRef",
    "Reports",
    "completeness_ctes",
    "completeness_sql",
    "indicator_elements",
    "leaves",
]
