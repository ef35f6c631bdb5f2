"""Fixtures for the indicators app: the catalogue in the database, files to import, demo values."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture
def catalogue(orgunits: None) -> None:
    from yigai.apps.indicators.services import catalogue_sync

    catalogue_sync()


@pytest.fixture
def demo_values(catalogue: None) -> Callable[[str], int]:
    """Store the demo generator's values for the counties of one city (fast), returning the count."""

    def load(city: str = "131000") -> int:
        from yigai.apps.indicators.demo_data import generate
        from yigai.apps.indicators.models import DataElement, DataValue
        from yigai.apps.orgunits.models import OrgUnit

        counties = list(OrgUnit.objects.filter(parent__code=city).select_related("parent"))
        elements = {d.code: d for d in DataElement.objects.all()}
        orgs = {o.code: o for o in counties}
        objs = [
            DataValue(data_element=elements[de], org_unit=orgs[org], period=p, period_type="year", year=int(p),
                      disaggregation=opt, value=v, is_demo=True)
            for org, de, p, opt, v in generate(counties)
        ]  # fmt: skip
        DataValue.objects.bulk_create(objs)
        return len(objs)

    return load
