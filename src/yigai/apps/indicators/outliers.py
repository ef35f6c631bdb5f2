"""Outlier scores over an org unit's own history (DHIS2 outlier detection): z-score and modified z.

>>> [round(s, 2) for s in modified_z([10, 11, 10, 12, 11, 40])]
[-0.67, 0.0, -0.67, 0.67, 0.0, 19.56]
>>> flag(z=1.2, mod_z=19.6), flag(z=1.0, mod_z=1.0)
(True, False)
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

Z_LIMIT = 3.0
MOD_Z_LIMIT = 3.5
MIN_POINTS = 4  # fewer values say nothing about what is unusual


def z_scores(values: Sequence[float]) -> list[float | None]:
    if len(values) < MIN_POINTS:
        return [None] * len(values)
    sd = statistics.pstdev(values)
    mean = statistics.fmean(values)
    return [None if sd == 0 else (v - mean) / sd for v in values]


def modified_z(values: Sequence[float]) -> list[float | None]:
    """0.6745 × (x − median) / MAD (Iglewicz and Hoaglin); None when the MAD is 0."""
    if len(values) < MIN_POINTS:
        return [None] * len(values)
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values)
    return [None if mad == 0 else 0.6745 * (v - med) / mad for v in values]


def flag(*, z: float | None, mod_z: float | None) -> bool:
    return (z is not None and abs(z) > Z_LIMIT) or (mod_z is not None and abs(mod_z) > MOD_Z_LIMIT)
