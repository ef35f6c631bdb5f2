"""Mirror the shipped YAML catalogue into the database (idempotent: a second run writes nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from yigai.apps.indicators.models import DataElement, Indicator
from yigai.core.indicators import Catalogue, default_catalogue
from yigai.core.indicators.expressions import element_refs


@dataclass(frozen=True)
class SyncResult:
    created: int
    updated: int


def _element_fields(de: Any) -> dict[str, Any]:
    return {
        "name": de.name, "aliases": list(de.aliases), "value_type": de.value_type,
        "aggregation": de.aggregation, "period_type": de.period_type, "org_aggregation": de.org_aggregation,
        "unit": de.unit or "", "disaggregation": de.disaggregation or "",
        "options": [{"code": o.code, "name": o.name} for o in de.options],
        "definition": de.definition or "", "source": de.source or "",
    }  # fmt: skip


def _indicator_fields(ind: Any, order: int) -> dict[str, Any]:
    return {
        "name": ind.name, "aliases": list(ind.aliases), "numerator": ind.numerator,
        "denominator": ind.denominator, "factor": ind.factor, "unit": ind.unit, "per": ind.per or "",
        "decimals": ind.decimals, "direction": ind.direction, "definition": ind.definition or "",
        "numerator_text": ind.numerator_text or "", "denominator_text": ind.denominator_text or "",
        "group": ind.group or "", "standard": ind.standard or "", "national": ind.national, "order": order,
    }  # fmt: skip


def _upsert(model: Any, code: str, fields: dict[str, Any], existing: dict[str, Any]) -> tuple[Any, int, int]:
    row = existing.get(code)
    if row is None:
        return model.objects.create(code=code, **fields), 1, 0
    changed = [k for k, v in fields.items() if getattr(row, k) != v]
    if changed:
        for k in changed:
            setattr(row, k, fields[k])
        row.save(update_fields=changed)
    return row, 0, int(bool(changed))


@transaction.atomic
def catalogue_sync(*, catalogue: Catalogue | None = None) -> SyncResult:
    """Create or update every data element and indicator of the catalogue; never deletes (values refer to them)."""
    cat = catalogue or default_catalogue()
    created = updated = 0
    elements = {d.code: d for d in DataElement.objects.all()}
    for code, de in cat.data_elements.items():
        elements[code], c, u = _upsert(DataElement, code, _element_fields(de), elements)
        created, updated = created + c, updated + u
    indicators = {i.code: i for i in Indicator.objects.all()}
    order = {code: i for i, code in enumerate(cat.order)}
    for code, ind in cat.indicators.items():
        row, c, u = _upsert(Indicator, code, _indicator_fields(ind, order.get(code, 0)), indicators)
        created, updated = created + c, updated + u
        refs = {e for e, _ in element_refs(ind.numerator_expr) | element_refs(ind.denominator_expr)}
        if c or u:
            row.data_elements.set([elements[e] for e in refs])
    return SyncResult(created, updated)


def catalogue_ensure() -> None:
    """Sync once if the tables are empty (commands and pages call this before reading)."""
    if not Indicator.objects.exists():
        catalogue_sync()
