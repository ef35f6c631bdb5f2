"""The map's target dropdown lists each target once (the demo's plan 5 states four targets twice)."""

from __future__ import annotations

from collections import Counter

import pytest

from yigai.apps.dashboard import mapdata

pytestmark = pytest.mark.django_db


def test_each_target_name_once_in_the_map_menu(leaders) -> None:
    names = Counter(mapdata.target_name(t) for t in mapdata.target_choices(user=None))
    assert any(n > 1 for n in names.values())  # the demo does state some targets twice
    menu = [entry["name"] for entry in mapdata.target_menu(user=None)]
    assert sorted(menu) == sorted(names) and len(menu) == len(set(menu))
