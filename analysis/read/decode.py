"""Columns of JSON array texts (from :mod:`ingest.jsonrows`) as tuples of values, once per text."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from .results import Fields

T = TypeVar("T")


def decode_column(texts: pd.Series, decode: Callable[[list[Fields]], tuple[T, ...]]) -> pd.Series:
    """A column of JSON array texts (``None``: no rows) as tuples, decoded once per text."""
    codes, uniques = pd.factorize(texts.astype(object), use_na_sentinel=False)
    decoded = np.empty(len(uniques), dtype=object)
    for i, text in enumerate(uniques):
        decoded[i] = decode(json.loads(text)) if isinstance(text, str) else ()
    values = decoded[codes] if len(codes) else np.empty(0, dtype=object)
    return pd.Series(values, index=texts.index, dtype=object)
