"""Scores and ranks of every assessed unit for one stage, the explanation of each, the JSON a frozen stage
stores (with its hash) and the comparison of two stages.

Total = the components' points + bonus points; a veto makes it 0. Ranks are competition ranks (equal
totals share a rank, the next is skipped: 1, 1, 3), ties ordered by name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from yigai.core.assessment.facts import UnitFacts, facts_to_json
from yigai.core.assessment.rules import Reason
from yigai.core.assessment.scheme import Scheme, Stage

SNAPSHOT_SCHEMA = "yigai.assessment-stage/1"


@dataclass(frozen=True)
class ComponentScore:
    key: str
    name: str
    rule: str
    weight: float
    points: float
    reasons: tuple[Reason, ...]
    veto: bool = False


@dataclass(frozen=True)
class UnitScore:
    key: str
    name: str
    kind: str
    total: float
    rank: int
    vetoed: bool
    components: tuple[ComponentScore, ...]

    def component(self, key: str) -> ComponentScore | None:
        return next((c for c in self.components if c.key == key), None)


@dataclass(frozen=True)
class StageResult:
    scheme: str
    scheme_digest: str
    stage: str
    as_of: dt.date
    units: tuple[UnitScore, ...]

    def unit(self, key: str) -> UnitScore | None:
        return next((u for u in self.units if u.key == key), None)


def score_unit(
    scheme: Scheme, stage: Stage, facts: UnitFacts
) -> tuple[float, bool, tuple[ComponentScore, ...]]:
    parts = []
    for c in scheme.components:
        out = c.rule.score(facts, weight=c.weight, as_of=stage.day)
        parts.append(ComponentScore(c.key, c.name, c.rule.kind, c.weight, out.points, out.reasons, out.veto))
    vetoed = any(p.veto for p in parts)
    total = 0.0 if vetoed else round(sum(p.points for p in parts), 2)
    return total, vetoed, tuple(parts)


def score_stage(scheme: Scheme, stage: Stage, units: Sequence[UnitFacts]) -> StageResult:
    """Every unit scored and ranked.

    >>> from yigai.core.assessment.scheme import load_scheme, example_text
    >>> s = load_scheme(example_text())
    >>> r = score_stage(s, s.stage("2025"), [UnitFacts("a", "甲县", "county"), UnitFacts("b", "乙县", "county")])
    >>> [(u.name, u.rank) for u in r.units]
    [('乙县', 1), ('甲县', 1)]
    """
    scored = [(f, *score_unit(scheme, stage, f)) for f in units]
    scored.sort(key=lambda x: (-x[1], x[0].name))
    rows, rank = [], 0
    for n, (f, total, vetoed, parts) in enumerate(scored):
        if n == 0 or total != scored[n - 1][1]:
            rank = n + 1
        rows.append(UnitScore(f.key, f.name, f.kind, total, rank, vetoed, parts))
    return StageResult(scheme.key, scheme.digest, stage.key, stage.day, tuple(rows))


def result_to_json(result: StageResult) -> dict[str, Any]:
    data = asdict(result)
    data["as_of"] = result.as_of.isoformat()
    return data


def result_from_json(data: dict[str, Any]) -> StageResult:
    units = tuple(
        UnitScore(u["key"], u["name"], u["kind"], u["total"], u["rank"], u["vetoed"], tuple(
            ComponentScore(c["key"], c["name"], c["rule"], c["weight"], c["points"],
                           tuple(Reason(**r) for r in c["reasons"]), c["veto"]) for c in u["components"]))
        for u in data["units"]
    )  # fmt: skip
    return StageResult(
        data["scheme"], data["scheme_digest"], data["stage"], dt.date.fromisoformat(data["as_of"]), units
    )


def snapshot(scheme: Scheme, stage: Stage, units: Sequence[UnitFacts], result: StageResult) -> dict[str, Any]:
    """What a frozen stage stores: the scheme's text, the inputs and the results, as JSON values (lists, not
    tuples), so the stored row equals what was hashed."""
    data = {"schema": SNAPSHOT_SCHEMA, "scheme_text": scheme.text, "stage": {"key": stage.key,
            "date": stage.day.isoformat(), "label": stage.label}, "inputs": facts_to_json(tuple(units)),
            "result": result_to_json(result)}  # fmt: skip
    loaded: dict[str, Any] = json.loads(canonical(data))
    return loaded


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(data: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces) — recorded in the audit chain at freezing."""
    return hashlib.sha256(canonical(data).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class UnitChange:
    key: str
    name: str
    total_a: float | None
    total_b: float | None
    rank_a: int | None
    rank_b: int | None
    components: tuple[tuple[str, float | None, float | None], ...]

    @property
    def change(self) -> float | None:
        if self.total_a is None or self.total_b is None:
            return None
        return round(self.total_b - self.total_a, 2)


def compare(a: StageResult, b: StageResult) -> tuple[UnitChange, ...]:
    """Per unit (in B's order, then units only in A): totals, ranks and each component in A and in B."""
    keys = [u.key for u in b.units] + [u.key for u in a.units if b.unit(u.key) is None]
    found = []
    for key in keys:
        ua, ub = a.unit(key), b.unit(key)
        named = ub or ua
        assert named is not None
        comps = [c.key for c in named.components]
        found.append(UnitChange(
            key, named.name, ua.total if ua else None, ub.total if ub else None, ua.rank if ua else None,
            ub.rank if ub else None,
            tuple((k, _points(ua, k), _points(ub, k)) for k in comps),
        ))  # fmt: skip
    return tuple(found)


def _points(u: UnitScore | None, key: str) -> float | None:
    c = u.component(key) if u else None
    return c.points if c else None
