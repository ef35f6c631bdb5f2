"""Small-count suppression: primary (<k) and complementary (a total must not reveal a hidden cell)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.core.records.suppression import suppress_count, suppress_group


@pytest.mark.parametrize(
    ("n", "k", "text"), [(0, 5, "0"), (1, 5, "<5"), (4, 5, "<5"), (5, 5, "5"), (9, 10, "<10"), (10, 10, "10")]
)
def test_primary(n: int, k: int, text: str) -> None:
    shown = suppress_count(n, k)
    assert shown.text == text and (shown.value is None) == (0 < n < k)


def test_no_total_means_no_complementary() -> None:
    cells, total = suppress_group({"a": 3, "b": 50}, total=None)
    assert (cells["a"].text, cells["b"].text, total) == ("<5", "50", None)


def test_single_hidden_cell_gets_a_partner_of_at_least_k() -> None:
    cells, total = suppress_group({"a": 3, "b": 0, "c": 6, "d": 90}, total=99)
    assert [cells[x].text for x in "abcd"] == ["<5", "0", "*", "90"] and total.text == "99"
    assert cells["c"].suppressed == "complementary"


def test_only_zeros_left_hides_the_total() -> None:
    cells, total = suppress_group({"a": 3, "b": 0}, total=3)
    assert total.text == "<5"
    cells, total = suppress_group({"a": 3, "b": 0, "c": 2}, total=5)
    assert total.text == "5"  # two hidden: 3+2=5 could be 1+4, 2+3, …: not pinned down
    cells, total = suppress_group({"a": 4, "b": 4, "c": 0}, total=8)  # 8 = 4+4 pins both; no cell ≥ 5 to add
    assert [cells[x].text for x in "abc"] == ["<5", "<5", "0"] and total.text == "*"


def test_two_ones_are_pinned_down_by_their_sum() -> None:
    cells, _ = suppress_group({"a": 1, "b": 1, "c": 20, "d": 8}, total=30)
    assert [cells[x].text for x in "abcd"] == ["<5", "<5", "20", "*"]


def _candidates(shown: dict, total: int, k: int) -> list[tuple[int, ...]]:
    """Every assignment of the hidden cells consistent with what is shown."""
    hidden = [name for name, s in shown.items() if s.value is None]
    visible = sum(s.value for s in shown.values() if s.value is not None)
    ranges = [range(1, k) if shown[h].suppressed == "primary" else range(k, total + 1) for h in hidden]
    return [combo for combo in itertools.product(*ranges) if sum(combo) == total - visible]


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 12), min_size=1, max_size=5))
def test_no_hidden_cell_is_recoverable_from_the_total(cells: dict[str, int]) -> None:
    k, total = 5, sum(cells.values())
    shown, shown_total = suppress_group(cells, total, k)
    assert all(
        shown[n].text == str(v) for n, v in cells.items() if v == 0 or (v >= k and shown[n].suppressed == "")
    )
    if shown_total is None or shown_total.value is None or all(s.value is not None for s in shown.values()):
        return
    options = _candidates(shown, total, k)
    hidden = [name for name, s in shown.items() if s.value is None]
    for i, name in enumerate(hidden):
        assert len({o[i] for o in options}) > 1, (cells, name, options)
