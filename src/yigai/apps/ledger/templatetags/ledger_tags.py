"""Template filters for the ledger pages."""

from __future__ import annotations

from django import template

from yigai.apps.ledger.adapters import place_unit as _place_unit
from yigai.apps.ledger.models import LedgerItem

register = template.Library()


@register.filter
def place_unit(item: LedgerItem) -> str:
    """The responsible unit as people name it: 固安县人民政府 rather than 县（市、区）人民政府."""
    return _place_unit(item)
