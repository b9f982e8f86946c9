"""Authentication results and override reasons as values, decoded from the store's JSON.

The store keeps one row per DKIM signature, SPF check and override reason. The read layer
aggregates them per record into a JSON array (see :mod:`ingest.jsonrows`), so the database does the
quoting; :mod:`.decode` turns each distinct array text once into a sorted tuple of these values.
Equal sets of results are then equal, hashable tuples that pandas can group on.

The values are named tuples, not dataclasses: they are hashed once per row whenever the
analysis groups or factorises a column of them, and a tuple hashes in C (a frozen dataclass
calls Python code per element, about seven times slower on a million rows).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple, TypeVar

T = TypeVar("T")
Fields = list[str]


class DkimResult(NamedTuple):
    """One DKIM signature as the receiver checked it (``auth_results/dkim``)."""

    domain: str
    selector: str
    result: str


class SpfResult(NamedTuple):
    """One SPF check (``auth_results/spf``); ``scope`` is ``mfrom`` or ``helo``."""

    domain: str
    scope: str
    result: str


class Reason(NamedTuple):
    """One policy override reason (``policy_evaluated/reason``), as reported."""

    type: str
    comment: str


def canonical(values: Iterable[T]) -> tuple[T, ...]:
    """*values* in one fixed order, so equal sets are equal tuples.

    The order is that of the values' ``a|b|c`` texts, the order in which exports have always
    listed them (and the analysis picked the first matching signature).
    """
    return tuple(sorted(values, key=_text_key))


def _text_key(value: object) -> str:
    if isinstance(value, tuple):
        return "|".join(str(part) for part in value)
    return str(value)


def dkim_results(items: list[Fields], lower: bool = False) -> tuple[DkimResult, ...]:
    return canonical(DkimResult(*_fields(item, 3, lower)) for item in items)


def spf_results(items: list[Fields], lower: bool = False) -> tuple[SpfResult, ...]:
    return canonical(SpfResult(*_fields(item, 3, lower)) for item in items)


def reason_types(items: list[Fields], lower: bool = False) -> tuple[str, ...]:
    """The reasons' types only (what the analysis groups on)."""
    return canonical(_fields(item, 1, lower)[0] for item in items)


def reasons(items: list[Fields], lower: bool = False) -> tuple[Reason, ...]:
    return canonical(Reason(*_fields(item, 2, lower)) for item in items)


def _fields(item: Fields, size: int, lower: bool) -> list[str]:
    values = [str(v) for v in item[:size]]
    return [v.lower() for v in values] if lower else values
