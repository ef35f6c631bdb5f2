"""The numbers on the dashboard, scorecards and briefing, computed from one :class:`~.inputs.Inputs`.

Counts per area roll up the subtree (an item placed in 固安县 counts for 廊坊市 too); items placed at the
scope itself (a provincial task kept at province level) count in the tiles and under "本级".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from yigai.apps.dashboard.inputs import Group, Inputs, areas_below
from yigai.apps.ledger.board import HEX, LIT
from yigai.apps.ledger.selectors import ItemLight
from yigai.apps.orgunits.models import OrgUnit
from yigai.core.indicators.status import STATUSES
from yigai.core.ledger import COLOURS

AT_RISK = ("needs_acceleration", "limited_progress", "deterioration")
OWN_LEVEL = "本级"  # items placed at the scope itself


@dataclass
class Tally:
    """Counts for one row: an area, a responsible unit, or the whole scope."""

    code: str
    name: str
    level: str = ""
    total: int = 0
    closed: int = 0
    closed_on_time: int = 0
    overdue: int = 0
    colours: Counter[str] = field(default_factory=Counter)
    on_time: int = 0  # reports
    late: int = 0
    missing: int = 0
    targets: Counter[str] = field(default_factory=Counter)

    @property
    def by_colour(self) -> dict[str, int]:
        """A plain dict for templates (a Counter answers 0 to the template's ``.items`` lookup)."""
        return dict(self.colours)

    @property
    def lit(self) -> int:
        return sum(self.colours[c] for c in LIT)

    @property
    def lit_share(self) -> float | None:
        """Share of red/orange/yellow/blue items (the ones that call for attention), 0–1."""
        return round(self.lit / self.total, 4) if self.total else None

    @property
    def expected(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.expected, 4) if self.expected else None

    @property
    def reporting_rate(self) -> float | None:
        return round((self.on_time + self.late) / self.expected, 4) if self.expected else None

    @property
    def on_schedule(self) -> int:
        """Items not overdue and not closed late (open within the deadline, or closed by it)."""
        return self.total - self.overdue - (self.closed - self.closed_on_time)

    @property
    def at_risk(self) -> int:
        return sum(self.targets[s] for s in AT_RISK)

    def add(self, g: Group) -> None:
        self.total += g.n
        self.colours[g.colour] += g.n
        if g.status == "closed":
            self.closed += g.n
            self.closed_on_time += g.closed_on_time
        self.overdue += g.n if g.overdue else 0
        self.on_time, self.late, self.missing = (
            self.on_time + g.on_time,
            self.late + g.late,
            self.missing + g.missing,
        )


@dataclass
class Summary:
    inputs: Inputs
    total: Tally
    areas: list[Tally]
    units: list[Tally]
    colours: list[tuple[str, str, str]]  # (colour, label, hex) worst first, those present

    @property
    def scope(self) -> OrgUnit:
        return self.inputs.scope

    def overdue(self, limit: int = 15) -> list[ItemLight]:
        """Overdue items, the longest overdue first."""
        return self.inputs.overdue(limit)


def area_of(path: str, areas: dict[str, OrgUnit]) -> str:
    """The code of the area (child of the scope) a path lies in, or "" for the scope itself."""
    return next((c for c in path.split("/") if c and c in areas), "")


def summarise(inputs: Inputs) -> Summary:
    scope = inputs.scope
    below = {a.code: a for a in areas_below(scope)} if scope.level != "county" else {}
    total = Tally(scope.code, scope.name, scope.level)
    areas = {code: Tally(code, a.name, a.level) for code, a in below.items()}
    own = Tally(scope.code, f"{scope.name}（{OWN_LEVEL}）", scope.level)
    units: dict[str, Tally] = {}
    for g in inputs.groups:
        total.add(g)
        areas.get(area_of(g.path, below), own).add(g)
        name = g.unit
        units.setdefault(name, Tally(name, name)).add(g)
    paths = dict(OrgUnit.objects.values_list("code", "path")) if inputs.targets else {}
    for row in inputs.targets:
        total.targets[row.status] += 1
        code = next((c for c in paths.get(row.org_unit, "").split("/") if c in below), "")
        areas.get(code, own).targets[row.status] += 1
    area_rows = list(areas.values()) + ([own] if own.total or sum(own.targets.values()) else [])
    return Summary(inputs, total, area_rows, _worst_first(units.values()), _colours(inputs.groups))


def _worst_first(rows: Iterable[Tally]) -> list[Tally]:
    return sorted(rows, key=lambda t: (-t.colours["red"], -t.lit, -t.overdue, -t.total, t.name))


def _colours(groups: list[Group]) -> list[tuple[str, str, str]]:
    labels: dict[str, str] = {}
    for g in groups:
        labels.setdefault(g.colour, g.label)
    return [(c, labels[c], HEX.get(c, "#888")) for c in COLOURS if c in labels]


def target_counts(tally: Tally) -> list[tuple[str, int]]:
    return [(s, tally.targets[s]) for s in STATUSES]
