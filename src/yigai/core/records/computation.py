"""Record indicators from the zone: measures computed by an engine, indicators by the catalogue's rules.

Two steps, kept apart so the engine never holds indicator semantics:

1. :func:`compute_elements` — the engine (DuckDB or Spark, :mod:`.engines`) turns the zone's Parquet
   files into data-element values per county and month (or year): the heavy, record-scale part;
2. :func:`indicator_rows` — those values (a few thousand) go through the indicator engine
   (:func:`yigai.core.indicators.compute`) with the org-unit tree: city and province values are sums of
   the counties' numerators and denominators, never averages of county ratios; an element records do not
   give (resident population) comes from the reported values the caller passes in.

Values grouped under a code outside the tree (a facility in Beijing 110105 treating Hebei patients) are
left out of the indicator rows and counted in :attr:`ElementRun.outside`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from yigai.core.indicators.compute import DataValue, IndicatorValue, compute
from yigai.core.indicators.periods import Period, parse_period
from yigai.core.records.definitions import Definitions
from yigai.core.records.engines import ElementCell, EngineError, Inputs, engine
from yigai.core.records.engines.sql import compile_measures
from yigai.core.records.reference import DrgWeights, zone_drg_weights
from yigai.core.records.spec import shipped_specs
from yigai.core.records.zone import DATA_FILE, ZONE, batches, dataset_dir


@dataclass(frozen=True)
class SourceBatch:
    dataset: str
    content_hash: str
    source_file: str
    rows: int


@dataclass(frozen=True)
class ElementRun:
    """The element values of one run and where they came from (the provenance shown with the results)."""

    engine: str
    master: str
    indicators: tuple[str, ...]
    period: str  # the --period filter, '' for all
    cells: tuple[ElementCell, ...]
    batches: tuple[SourceBatch, ...]
    weights: str  # the DRG weight table's file name and hash
    started_at: str
    seconds: float
    skipped: tuple[str, ...] = ()  # indicators of the whole set left out: their dataset has no batch yet


def period_bounds(period: str | None) -> tuple[Period | None, dt.date | None, dt.date | None]:
    """A period string → (period, first day, first day after); all None for no period.

    >>> period_bounds("2024Q2")[1:]
    (datetime.date(2024, 4, 1), datetime.date(2024, 7, 1))
    """
    if not period:
        return None, None, None
    p = parse_period(period)
    after = p.end_month + 1  # months since year 0
    return p, dt.date(p.start_month // 12, p.start_month % 12 + 1, 1), dt.date(after // 12, after % 12 + 1, 1)


def zone_inputs(
    data_dir: Path, datasets: Iterable[str], *, url: str | None = None, weights: DrgWeights | None = None
) -> tuple[Inputs, tuple[SourceBatch, ...], DrgWeights]:
    """The zone's Parquet files per dataset (as ``url`` + relative path when the zone is on a shared
    store), the batches they come from and the weight table. Raises :class:`EngineError`."""
    files: dict[str, list[str]] = {}
    found: list[SourceBatch] = []
    for dataset in sorted(set(datasets)):
        listed = batches(data_dir, dataset)
        if not listed:
            raise EngineError(f"数据集 {dataset} 还没有导入任何记录")
        if len({b.key_fingerprint for b in listed}) > 1:
            raise EngineError(f"数据集 {dataset} 的批次使用了不同的假名化密钥，不能合并计数")
        paths = [dataset_dir(data_dir, dataset) / b.content_hash / DATA_FILE for b in listed]
        if url:
            prefix = url.rstrip("/")
            files[dataset] = [f"{prefix}/{p.relative_to(data_dir).as_posix()}" for p in paths]
        else:
            files[dataset] = [str(p) for p in paths]
        found += [SourceBatch(dataset, b.content_hash, b.source_file, b.rows) for b in listed]
    table = weights or zone_drg_weights(data_dir)
    pairs = tuple((k, Decimal(str(w)).quantize(Decimal("0.0001"))) for k, w in table.rows())
    return Inputs(files, pairs), tuple(found), table


def compute_elements(
    definitions: Definitions, *, data_dir: Path, indicators: Sequence[str] = (), period: str | None = None,
    engine_name: str = "duckdb", master: str | None = None, url: str | None = None,
) -> ElementRun:  # fmt: skip
    """Run the measures of ``indicators`` (default: the whole record indicator set) on one engine."""
    codes = tuple(indicators) or definitions.indicators
    unknown = [c for c in codes if c not in definitions.indicators]
    if unknown:
        raise EngineError(
            f"不是记录级指标：{'、'.join(unknown)}（可用：{'、'.join(definitions.indicators)}）"
        )
    skipped: tuple[str, ...] = ()
    if not indicators:  # the whole set: what the imported datasets allow (asked for by name: an error)
        empty = {m.dataset for m in definitions.measures if not batches(data_dir, m.dataset)}
        skipped = tuple(
            c for c in codes if {definitions.measure(e).dataset for e in definitions.elements_of(c)} & empty
        )
        codes = tuple(c for c in codes if c not in skipped) or codes
    measures = definitions.for_indicators(list(codes))
    _, start, end = period_bounds(period)
    specs = shipped_specs()
    flags = frozenset(c.key for s in specs.values() for c in s.kept if c.role == "flag")
    queries = compile_measures(measures, flags=flags, start=start, end=end)
    inputs, found, table = zone_inputs(data_dir, {m.dataset for m in measures}, url=url)
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    scratch = str(data_dir / ZONE)
    cells = engine(engine_name, master=master, scratch=scratch).run(queries, inputs)
    return ElementRun(
        engine=engine_name, master=master or "", indicators=codes, period=period or "",
        cells=tuple(sorted(cells)), batches=found, weights=f"{table.source} {table.content_hash[:12]}",
        started_at=started.isoformat(timespec="seconds"), seconds=round(time.perf_counter() - clock, 3),
        skipped=skipped,
    )  # fmt: skip


def indicator_rows(
    definitions: Definitions, cells: Iterable[ElementCell], parents: Mapping[str, str | None], *,
    indicators: Sequence[str] = (), period: str | None = None, reported: Iterable[DataValue] = (),
) -> tuple[list[IndicatorValue], int]:  # fmt: skip
    """Indicator rows (every org unit of the tree) and how many cells lay outside the tree.

    Periods: ``period`` when given, else every period an indicator's elements have values for.
    ``reported`` supplies elements records do not give (population), from stored values.
    """
    codes = tuple(indicators) or definitions.indicators
    inside = [c for c in cells if c.org_unit in parents]
    outside = sum(1 for c in cells if c.org_unit not in parents)
    values = [DataValue(c.org_unit, c.element, c.period, c.value) for c in inside]
    extra = list(reported)
    groups: dict[tuple[str, ...], list[str]] = {}  # indicators with the same periods: one pass of the engine
    for code in codes:
        mine = set(definitions.elements_of(code))
        periods = (period,) if period else tuple(sorted({c.period for c in inside if c.element in mine}))
        if periods:
            groups.setdefault(periods, []).append(code)
    rows: list[IndicatorValue] = []
    for periods, group in groups.items():
        mine = {e for code in group for e in definitions.elements_of(code)}
        foreign = {e for code in group for e in definitions.foreign_elements(code)}
        used = [v for v in values if v.data_element in mine] + [v for v in extra if v.data_element in foreign]
        rows += compute(definitions.catalogue, used, parents, list(periods), indicators=group)
    rows.sort(key=lambda r: (codes.index(r.indicator), r.org_unit, parse_period(r.period)))
    return rows, outside
