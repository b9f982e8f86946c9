"""The DKIM/SPF auth results of a row, read back from their signature texts (see load.py).

A signature text is ``"domain|selector|result"`` parts joined by spaces (SPF: scope in the
middle). Work is done once per distinct text; frames map the results back with codes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Signature:
    domain: str
    selector: str
    result: str


def parse_dkim(text: str) -> tuple[Signature, ...]:
    """The DKIM results in a signature text."""
    return tuple(_part(p) for p in text.split(" ") if p)


def _part(text: str) -> Signature:
    domain, _, rest = text.partition("|")
    middle, _, result = rest.rpartition("|")
    return Signature(domain, middle, result)


def parse_spf(text: str) -> tuple[str, str]:
    """``(domain, result)`` of the SPF check DMARC uses: the ``mfrom`` one, else the first.

    RFC 7489 §3.1.2: only the MAIL FROM identity counts (HELO stands in for a null path, and
    reporters then give scope ``helo``; it is used when it is all there is).
    """
    parts = [_part(p) for p in text.split(" ") if p]
    if not parts:
        return "", "none"
    chosen = next((p for p in parts if p.selector in ("mfrom", "")), parts[0])
    return chosen.domain, chosen.result


def map_unique(series: pd.Series, func: Callable[[str], T]) -> npt.NDArray[np.object_]:
    """Apply *func* once per distinct value of *series*; return the results row by row."""
    codes, uniques = pd.factorize(series.fillna("").astype(str), use_na_sentinel=False)
    results = np.empty(len(uniques), dtype=object)
    for i, value in enumerate(uniques):
        results[i] = func(str(value))
    return results[codes] if len(codes) else np.empty(0, dtype=object)
