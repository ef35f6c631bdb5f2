"""Small-count suppression of record-derived counts before they are shown or exported below city level.

In a county, "3 people aged 0-13 signed with team X" can identify them. So a count ``n`` with
``0 < n < k`` (``k`` = 5 unless the commission sets otherwise) is shown as ``<5``; 0 is shown as 0
(nobody to identify).

**Complementary suppression.** When a group's total is shown next to its cells (a city and its counties),
one hidden cell can be recovered as total − the others. So within a group whose total is shown:

* if the hidden cells can be worked out from the difference (one hidden cell; or several whose sum allows
  only one split, such as two cells that must both be 1), the smallest cell with ``n ≥ k`` that leaves
  every hidden cell uncertain is hidden too (shown as ``*``). A cell below ``k`` or a 0 would not do:
  ``*`` says "not 1–4", so with a 0 beside it the difference would give the first cell exactly; and
  ``1`` hidden with ``5`` would still be pinned (1 + 5 = 6 allows only 1 + 5), so the partner may be
  larger than the smallest;
* if there is no such cell, the total is hidden instead.

This protects one-dimensional groups (the counties of a city, in one period). A two-dimensional table
with both row and column totals (counties × months with sums both ways) needs the same rule repeated
across rows and columns until nothing changes, which yigai does not do yet: never show such a table of
record-derived counts below city level.

>>> [s.text for s in suppress_counts([0, 3, 12], k=5)]
['0', '<5', '12']
>>> cells, total = suppress_group({"甲县": 3, "乙县": 40, "丙县": 7}, total=50, k=5)
>>> [cells[c].text for c in ("甲县", "乙县", "丙县")], total.text
(['<5', '40', '*'], '50')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

DEFAULT_K = 5
Reason = Literal["", "primary", "complementary"]


@dataclass(frozen=True)
class Shown:
    """How one count is shown: ``value`` is None when withheld."""

    value: int | None
    text: str
    suppressed: Reason = ""


def suppress_count(n: int, k: int = DEFAULT_K) -> Shown:
    """``<k`` for 0 < n < k, else the number itself.

    >>> suppress_count(4).text, suppress_count(5).text, suppress_count(0).text
    ('<5', '5', '0')
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    if 0 < n < k:
        return Shown(None, f"<{k}", "primary")
    return Shown(n, str(n))


def suppress_counts(values: Iterable[int], k: int = DEFAULT_K) -> list[Shown]:
    return [suppress_count(n, k) for n in values]


def _hidden(n: int) -> Shown:
    return Shown(None, "*", "complementary")


def suppress_group(
    cells: Mapping[str, int], total: int | None, k: int = DEFAULT_K
) -> tuple[dict[str, Shown], Shown | None]:
    """Primary and complementary suppression of a group's cells and its total (None: no total shown).

    >>> cells, total = suppress_group({"甲县": 2, "乙县": 0}, total=2)
    >>> cells["甲县"].text, cells["乙县"].text, total.text
    ('<5', '0', '<5')
    >>> cells, total = suppress_group({"甲县": 1, "乙县": 1, "丙县": 30}, total=32)
    >>> [cells[c].text for c in ("甲县", "乙县", "丙县")]
    ['<5', '<5', '*']
    """
    shown = {name: suppress_count(n, k) for name, n in cells.items()}
    shown_total = None if total is None else suppress_count(total, k)
    if shown_total is None or shown_total.value is None:
        return shown, shown_total
    primary = [cells[name] for name, s in shown.items() if s.suppressed == "primary"]
    if not primary or not _pinned(primary, [], k):
        return shown, shown_total
    for n, name in sorted((n, name) for name, n in cells.items() if n >= k):
        if not _pinned(primary, [n], k):
            shown[name] = _hidden(n)
            return shown, shown_total
    return shown, _hidden(total or 0)


def _pinned(primary: list[int], complementary: list[int], k: int) -> bool:
    """Whether a reader who knows the hidden cells' sum (total − shown cells) can tell any one of them:
    ``<k`` cells lie in 1..k−1, ``*`` cells in k..∞; a cell is pinned when its range collapses.

    >>> _pinned([3], [], 5), _pinned([1, 1], [], 5), _pinned([2, 3], [], 5), _pinned([1], [5], 5), _pinned([2], [5], 5)
    (True, True, False, True, False)
    """
    total = sum(primary) + sum(complementary)
    lows = [1] * len(primary) + [k] * len(complementary)
    highs: list[float] = [k - 1] * len(primary) + [float("inf")] * len(complementary)
    for i in range(len(lows)):
        others_low = sum(lows) - lows[i]
        others_high = sum(highs) - highs[i]
        low, high = max(lows[i], total - others_high), min(highs[i], total - others_low)
        if low >= high:
            return True
    return False
