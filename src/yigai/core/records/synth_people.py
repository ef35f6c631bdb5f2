"""The made-up residents of the synthetic data: ID numbers computed, never stored, and family-doctor contracts.

Person ``k`` (0 ≤ k < n) of a county is a pure function of (county, k): a fixed permutation of ``k``
picks a birth day slot from an age pyramid (integer arithmetic, so the pair birth day + 3-digit serial
is unique within the county) and the 18-digit number gets its GB 11643 check digit. Nothing is kept
per person, so memory does not grow with the population: a chunk of visits draws (county, k) pairs and
computes their numbers in a few vectorised numpy passes.

>>> import numpy as np
>>> p = People(["130102"], np.array([1000]), year=2024)
>>> numbers = p.id_numbers(np.zeros(1000, dtype=np.int64), np.arange(1000))
>>> len(set(numbers.to_pylist())), numbers[0].as_py()[:6]
(1000, '130102')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yigai.core.records.idnumber import CHECK_CHARS, WEIGHTS

IntArray = np.ndarray[Any, np.dtype[np.int64]]
BIRTH_START = dt.date(1930, 1, 1)
_PERMUTE = (
    2_147_483_647  # a prime larger than any county's population: k → (k·P + offset) mod n is a bijection
)
# Relative number of people per birth day by age in whole years (a rough pyramid).
AGE_WEIGHTS = (
    (0, 7, 80),
    (7, 15, 95),
    (15, 35, 100),
    (35, 60, 125),
    (60, 70, 110),
    (70, 80, 70),
    (80, 95, 25),
)
MAX_SERIAL = 999

# Family-doctor contracts: who signs (probability) and with which key group, checked in this order.
CONTRACT_OTHER = 0.22
CONTRACT_KEY = 0.75
CHRONIC = (("高血压患者", 0.13), ("糖尿病患者", 0.05))  # among people aged 35–64 (older ones are 老年人)
RARE = (("残疾人", 0.012), ("脱贫人口", 0.006), ("严重精神障碍患者", 0.003), ("肺结核患者", 0.0006))
PREGNANT = 0.05  # among women aged 20–39


def _day_weights(year: int) -> IntArray:
    """Integer weight of each birth day from :data:`BIRTH_START` to the end of ``year - 1``."""
    first = np.datetime64(BIRTH_START.isoformat())
    days = np.arange(first, np.datetime64(f"{year}-01-01"), dtype="datetime64[D]")
    age = year - 1 - days.astype("datetime64[Y]").astype(np.int64) - 1970
    weights = np.zeros(len(days), dtype=np.int64)
    for low, high, w in AGE_WEIGHTS:
        weights[(age >= low) & (age < high)] = w
    return weights


class People:
    """The residents of ``counties`` (populations ``sizes``) in ``year``; person = (county index, k)."""

    def __init__(self, counties: Sequence[str], sizes: IntArray, *, year: int) -> None:
        self.counties = list(counties)
        self.sizes = np.asarray(sizes, dtype=np.int64)
        self.year = year
        self._region = np.array([int(c) for c in counties], dtype=np.int64)
        self._offset = (np.arange(len(counties), dtype=np.int64) * 7919 + 17) % np.maximum(self.sizes, 1)
        self._cum = np.cumsum(_day_weights(year))
        self._total = int(self._cum[-1])
        if int(self.sizes.max(initial=0)) * int(_day_weights(year).max()) // self._total >= MAX_SERIAL:
            raise ValueError("county population too large for 3-digit serial numbers per birth day")

    def birth_and_serial(self, county: IntArray, k: IntArray) -> tuple[IntArray, IntArray]:
        """Birth day (days after :data:`BIRTH_START`) and serial number of persons (county, k)."""
        n = self.sizes[county]
        slot = (k * _PERMUTE + self._offset[county]) % n
        day = np.searchsorted(self._cum, (slot * self._total) // n, side="right")
        before = np.where(day > 0, self._cum[np.maximum(day - 1, 0)], 0)
        start = (before * n + self._total - 1) // self._total  # first slot of that day in the county
        return day.astype(np.int64), (slot - start).astype(np.int64)

    def birth_dates(self, day: IntArray) -> np.ndarray[Any, np.dtype[np.datetime64]]:
        return np.datetime64(BIRTH_START.isoformat(), "D") + day

    def id_numbers(self, county: IntArray, k: IntArray) -> pa.Array:
        """18-digit ID numbers (valid check digit) of persons (county, k), as an Arrow string array."""
        day, serial = self.birth_and_serial(county, k)
        born = self.birth_dates(day)
        year = born.astype("datetime64[Y]").astype(np.int64) + 1970
        month = born.astype("datetime64[M]").astype(np.int64) % 12 + 1
        mday = (born - born.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
        first17 = self._region[county] * 10**11 + (year * 10_000 + month * 100 + mday) * 1000 + serial
        total = np.zeros(len(first17), dtype=np.int64)
        rest = first17.copy()
        for w in reversed(WEIGHTS):  # last digit first
            total += (rest % 10) * w
            rest //= 10
        check = np.array(list(CHECK_CHARS))[total % 11]
        return pc.binary_join_element_wise(pa.array(first17).cast(pa.string()), pa.array(check), "")

    def sex_and_age(self, county: IntArray, k: IntArray, at: dt.date) -> tuple[IntArray, IntArray]:
        """Sex (1 male, 2 female: odd serial = male) and age in whole years on ``at``."""
        day, serial = self.birth_and_serial(county, k)
        born = self.birth_dates(day)
        years = at.year - (born.astype("datetime64[Y]").astype(np.int64) + 1970)
        md = born - born.astype("datetime64[Y]").astype("datetime64[D]")
        had_birthday = md.astype(np.int64) <= (at - dt.date(at.year, 1, 1)).days
        return np.where(serial % 2 == 1, 1, 2), years - (~had_birthday).astype(np.int64)


def contract_chunks(
    people: People, rng_for: Any, *, chunk: int = 1_000_000
) -> Iterator[tuple[int, pa.Table]]:
    """Family-doctor contracts, county by county: (persons looked at, contracts table) per chunk.

    ``rng_for(i)`` returns the random generator of chunk ``i`` (so each chunk is reproducible alone).
    """
    year = people.year
    mid = dt.date(year, 7, 1)
    start = np.datetime64(f"{year}-01-01")
    i = 0
    for c, code in enumerate(people.counties):
        for lo in range(0, int(people.sizes[c]), chunk):
            rng = rng_for(i)
            i += 1
            k = np.arange(lo, min(lo + chunk, int(people.sizes[c])), dtype=np.int64)
            looked = len(k)
            county = np.full(len(k), c, dtype=np.int64)
            group = _key_groups(people, county, k, mid, rng)
            signs = rng.random(len(k)) < np.where(group == "", CONTRACT_OTHER, CONTRACT_KEY)
            county, k, group = county[signs], k[signs], group[signs]
            signed = start + rng.integers(0, 365, len(k))
            ended = signed + np.timedelta64(364, "D")
            team = np.char.add(f"T{code}", np.char.zfill(rng.integers(1, 21, len(k)).astype(str), 2))
            table = pa.table({
                "id_number": people.id_numbers(county, k),
                "county": pa.array(np.full(len(k), code)),
                "sign_date": pa.array(signed.astype("datetime64[D]")),
                "team_code": pa.array(team),
                "key_group": pa.array(group, mask=group == ""),
                "end_date": pa.array(ended.astype("datetime64[D]")),
            })  # fmt: skip
            yield looked, table


def _key_groups(people: People, county: IntArray, k: IntArray, at: dt.date, rng: Any) -> Any:
    sex, age = people.sex_and_age(county, k, at)
    group = np.full(len(k), "", dtype=object)
    u = rng.random(len(k))
    low = 0.0
    for name, share in RARE:
        group[(u >= low) & (u < low + share)] = name
        low += share
    v = rng.random(len(k))
    middle = (age >= 35) & (age < 65)
    low = 0.0
    for name, share in CHRONIC:
        group[middle & (v >= low) & (v < low + share)] = name
        low += share
    group[(sex == 2) & (age >= 20) & (age < 40) & (rng.random(len(k)) < PREGNANT)] = "孕产妇"
    group[age < 7] = "儿童"
    group[age >= 65] = "老年人"
    return group.astype(str)
