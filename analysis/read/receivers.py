"""Receivers' common names and domains (``data/receivers.toml``), and what a name matches.

A report names its receiver twice, in ``org_name`` and in the ``email`` it came from, and
neither is what people type: ``--receiver Google``, ``gmail.com`` or
``protection.outlook.com``. A name matches a report when the report's org name equals it or
one of its aliases, or the report's address is at one of them or at a subdomain of one (all
case-insensitive). :func:`names_for` gives the names to look for; :func:`matches` is the
same test on one report in Python, for deciding whether a name is known at all.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable
from pathlib import Path

ALIASES = Path(__file__).resolve().parents[1] / "data" / "receivers.toml"


@functools.cache
def _groups() -> tuple[frozenset[str], ...]:
    data = tomllib.loads(ALIASES.read_text(encoding="utf-8"))
    return tuple(
        frozenset(entry["alias"].lower() for entry in receiver["aliases"])
        for receiver in data["receivers"]
    )


def is_alias(name: str) -> bool:
    """Whether *name* is one of the known receivers' aliases."""
    wanted = _normal(name)
    return any(wanted in group for group in _groups())


def names_for(name: str) -> tuple[str, ...]:
    """*name* (lower-case) and, when it is an alias, every alias of that receiver, sorted."""
    wanted = _normal(name)
    names = {wanted}
    for group in _groups():
        if wanted in group:
            names |= group
    return tuple(sorted(names))


def matches(name: str, org_name: str, email: str) -> bool:
    """Whether a report from *org_name* at *email* is one of receiver *name*'s."""
    return any(_matches_one(n, org_name.lower(), email.lower()) for n in names_for(name))


def _matches_one(name: str, org_name: str, email: str) -> bool:
    return org_name == name or email.endswith((f"@{name}", f".{name}"))


def unknown(names: Iterable[str], reporters: Iterable[tuple[str, str]]) -> list[str]:
    """The *names* that are no known alias and match none of the (org_name, email) *reporters*."""
    seen = list(reporters)
    return [
        name
        for name in names
        if not is_alias(name) and not any(matches(name, org, email) for org, email in seen)
    ]


def _normal(name: str) -> str:
    return name.strip().lower().rstrip(".")
