"""Per-distinct-value work: compute once per distinct value (or combination), map back to rows.

The analysis rows repeat a few values (IPs, names, tuples of auth results) many times; every
look-up runs once per distinct one and the rows get the results through numpy indexing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

T = TypeVar("T")


def map_unique(series: pd.Series, func: Callable[[str], T]) -> npt.NDArray[np.object_]:
    """Apply *func* once per distinct text of *series* (missing: ``""``); results by row."""
    codes, uniques = pd.factorize(series.fillna("").astype(str), use_na_sentinel=False)
    results = np.empty(len(uniques), dtype=object)
    for i, value in enumerate(uniques):
        results[i] = func(str(value))
    return results[codes] if len(codes) else np.empty(0, dtype=object)


class Distinct:
    """The distinct combinations of some columns' values (any hashable values, e.g. tuples
    of auth results), to compute something once per combination and map it back to rows."""

    def __init__(self, *columns: pd.Series) -> None:
        key = np.zeros(len(columns[0]), dtype=np.int64)
        for column in columns:
            codes, uniques = pd.factorize(column.astype(object), use_na_sentinel=False)
            key, _ = pd.factorize(key * len(uniques) + codes)
        _, firsts = np.unique(key, return_index=True)  # key is 0…n-1: firsts[i] has key i
        values = [column.to_numpy(dtype=object) for column in columns]
        self._key = key
        self._combinations = [tuple(v[row] for v in values) for row in firsts]

    def map(self, func: Callable[..., T]) -> npt.NDArray[np.object_]:
        """*func* of each combination (one argument per column), row by row."""
        results = np.empty(len(self._combinations), dtype=object)
        for i, combination in enumerate(self._combinations):
            results[i] = func(*combination)
        return results[self._key] if len(self._key) else np.empty(0, dtype=object)


def map_distinct(func: Callable[..., T], *columns: pd.Series) -> npt.NDArray[np.object_]:
    """Apply *func* once per distinct combination of the *columns*' values; results by row."""
    return Distinct(*columns).map(func)
