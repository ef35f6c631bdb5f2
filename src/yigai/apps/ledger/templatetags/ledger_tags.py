"""Template filters for the ledger pages."""

from __future__ import annotations

from django import template

from yigai.apps.ledger.adapters import place_unit as _place_unit
from yigai.apps.ledger.models import LedgerItem
from yigai.apps.ledger.selectors import ItemLight
from yigai.core.ledger import OVERDUE_LABEL

register = template.Library()


@register.filter
def place_unit(item: LedgerItem) -> str:
    """The responsible unit as people name it: 固安县人民政府 rather than 县（市、区）人民政府."""
    return _place_unit(item)


@register.filter
def overdue(light: ItemLight) -> bool:
    """Whether the item reads 已逾期 (open and past its deadline)."""
    return light.status_label == OVERDUE_LABEL


@register.filter
def count_of(counts: dict[str, int], key: str) -> int | str:
    """``counts[key]``, or nothing when absent (one lookup; a ``{% for %}`` over the dict per cell was the
    board's slowest part)."""
    return counts.get(key, "")
