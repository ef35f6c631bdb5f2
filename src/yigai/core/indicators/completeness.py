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


def unreported(
    chains: Mapping[str, tuple[str, ...]], reporters: Iterable[str], units: Iterable[str]
) -> list[str]:
    """Those of ``units`` (in their order) that nobody at or below them reported for: a value anywhere in a
    county's subtree (the county's own total, one facility's) is a report of that county — the same
    coverage upwards as :class:`Completeness` counts; whether it is *complete* is that class's question.

    >>> chains = {"P": ("P",), "A": ("A", "P"), "B": ("B", "P"), "b1": ("b1", "B", "P")}
    >>> unreported(chains, {"b1"}, ["A", "B"])
    ['A']
    """
    covered = {org for r in reporters for org in chains.get(r, (r,))}
    return [u for u in units if u not in covered]


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
        self._elements: dict[str, tuple[frozenset[str], frozenset[OwnRef]]] = {}

    def of(
        self, ind: Indicator, org: str, period: str, own_value: Callable[[str, str | None], float | None]
    ) -> tuple[int, int]:
        """``(reported, expected)`` of one computed value; ``own_value(code, option)`` reads the unit's
        element table (for the elements that are not summed)."""
        if ind.code not in self._elements:
            self._elements[ind.code] = indicator_elements(self.catalogue, ind)
        summed, own = self._elements[ind.code]
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
    """DuckDB CTEs (after ``closure``, ``orgs`` and ``timed``) giving ``expected(org_unit, expected)`` and
    ``reported(g, org_unit, period, reported)`` for the g-th element set of ``groups`` — the same counts as
    :class:`Completeness`, by depth: a leaf is covered under every unit no deeper than the shallowest of
    its nearest reporters. One pass for every set (a join per indicator cost more than the whole rest)."""
    members = [
        f"({i}, {literal(code)}, {len(codes)})" for i, codes in enumerate(groups) for code in sorted(codes)
    ]
    group_rows = (
        f"SELECT * FROM (VALUES {', '.join(members)}) v(g, data_element, n)"  # nosec B608: catalogue codes through `literal`
        if members
        else "SELECT CAST(NULL AS INTEGER) AS g, CAST(NULL AS VARCHAR) AS data_element, "
        "CAST(NULL AS INTEGER) AS n WHERE false"
    )
    return ",\n".join(
        [
            "depths AS MATERIALIZED (SELECT descendant AS org_unit, count(*) AS depth FROM closure GROUP BY descendant)",
            "leaves AS MATERIALIZED (SELECT org_unit FROM orgs WHERE org_unit NOT IN "
            "(SELECT parent FROM orgs WHERE parent IS NOT NULL))",
            "lineage AS MATERIALIZED (SELECT c.descendant AS leaf, c.ancestor, d.depth FROM leaves l "
            "JOIN closure c ON c.descendant = l.org_unit JOIN depths d ON d.org_unit = c.ancestor)",
            "expected AS MATERIALIZED (SELECT ancestor AS org_unit, count(*) AS expected FROM lineage GROUP BY ancestor)",
            f"group_elements AS ({group_rows})",
            "cover AS (  -- per leaf, period and element: the depth of the nearest unit on its path that reported it\n"
            "  SELECT a.leaf, r.period, r.data_element, max(a.depth) AS depth FROM lineage a "
            "JOIN (SELECT DISTINCT org_unit, period, data_element FROM timed) r ON r.org_unit = a.ancestor "
            "GROUP BY a.leaf, r.period, r.data_element)",
            "covered AS (  -- per element set: leaves with every element, up to the shallowest nearest reporter\n"
            "  SELECT m.g, c.leaf, c.period, min(c.depth) AS depth FROM cover c "
            "JOIN group_elements m ON m.data_element = c.data_element "
            "GROUP BY m.g, c.leaf, c.period HAVING count(*) = any_value(m.n))",
            "reported AS MATERIALIZED (SELECT k.g, a.ancestor AS org_unit, k.period, count(*) AS reported "
            "FROM covered k JOIN lineage a ON a.leaf = k.leaf AND a.depth <= k.depth GROUP BY k.g, a.ancestor, k.period)",
        ]
    )


def completeness_sql(
    catalogue: Catalogue, ind: Indicator, groups: list[frozenset[str]], column: Callable[[OwnRef], str]
) -> tuple[str, str]:
    """(element set number or -1, the unit's own report 0/1 when -1) for one indicator's SELECT."""
    summed, own = indicator_elements(catalogue, ind)
    if summed:
        return str(groups.index(summed)), "0"
    if own:
        present = " AND ".join(
            f"{column(r)} IS NOT NULL" for r in sorted(own, key=lambda r: (r[0], r[1] or ""))
        )
        return "-1", f"CAST({present} AS INTEGER)"
    return "-1", "1"


COMPLETENESS_COLUMNS = (
    "CASE WHEN u.g < 0 THEN u.own ELSE coalesce(r.reported, 0) END AS reported, "
    "CASE WHEN u.g < 0 THEN 1 ELSE e.expected END AS expected"
)
COMPLETENESS_JOINS = (
    "LEFT JOIN reported r ON r.g = u.g AND r.org_unit = u.org_unit AND r.period = u.period "
    "LEFT JOIN expected e ON e.org_unit = u.org_unit"
)


__all__ = [
    "COMPLETENESS_COLUMNS",
    "COMPLETENESS_JOINS",
    "Completeness",
    "OwnRef",
    "Reports",
    "completeness_ctes",
    "completeness_sql",
    "indicator_elements",
    "leaves",
]
