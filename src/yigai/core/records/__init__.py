"""Record-level service data: dataset specs, pseudonymisation on ingest, the record zone, aggregation into
data-element values, and small-count suppression. Framework-free; the CLI wires it to Django.

See docs/guide/records.md for what is stored and what is not.
"""

from yigai.core.records.aggregate import Aggregated, Cell, aggregate, values_csv
from yigai.core.records.keys import PseudonymKey, PseudonymKeyError, load_key
from yigai.core.records.spec import DatasetSpec, SpecError, load_spec_text, shipped_specs
from yigai.core.records.suppression import DEFAULT_K, Shown, suppress_count, suppress_group
from yigai.core.records.zone import (
    Batch,
    Ingested,
    RecordProblem,
    RecordsRejected,
    ZoneError,
    batches,
    ingest,
)

__all__ = [
    "DEFAULT_K",
    "Aggregated",
    "Batch",
    "Cell",
    "DatasetSpec",
    "Ingested",
    "PseudonymKey",
    "PseudonymKeyError",
    "RecordProblem",
    "RecordsRejected",
    "Shown",
    "SpecError",
    "ZoneError",
    "aggregate",
    "batches",
    "ingest",
    "load_key",
    "load_spec_text",
    "shipped_specs",
    "suppress_count",
    "suppress_group",
    "values_csv",
]
