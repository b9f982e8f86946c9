"""Organizational Domains: the Public Suffix List way (RFC 7489 §3.2) and the DNS tree walk
(RFC 9989, DMARCbis §4.10). Pure: the tree walk is given the DMARC records it may see.

The PSL is the one bundled with the ``publicsuffixlist`` package (offline, both ICANN and
private sections, as most receivers use it). Names are compared lower-case, without a
trailing dot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from publicsuffixlist import PublicSuffixList

MAX_WALK_LABELS = 8
SHORTENED_LABELS = 7


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


def normalise(name: str) -> str:
    """Lower-case, strip spaces and one trailing dot."""
    return name.strip().rstrip(".").lower()


@lru_cache(maxsize=65536)
def psl_org_domain(name: str) -> str:
    """RFC 7489 §3.2: the longest public suffix plus one label; a suffix itself is its own."""
    name = normalise(name)
    if not name:
        return name
    private = _psl().privatesuffix(name)
    return str(private) if private else name


def walk_names(name: str) -> list[str]:
    """The names whose ``_dmarc`` record the tree walk queries, in order (DMARCbis §4.10).

    The walk starts at the name itself; a name of more than 8 labels is shortened to 7
    labels after the first query, then one label is removed per step down to the last label.
    """
    labels = normalise(name).split(".")
    if not labels or labels == [""]:
        return []
    names = [".".join(labels)]
    start = SHORTENED_LABELS if len(labels) > MAX_WALK_LABELS else len(labels) - 1
    names += [".".join(labels[-n:]) for n in range(start, 0, -1)]
    return names


def dmarc_record(texts: Sequence[str]) -> dict[str, str] | None:
    """The one valid DMARC record among the TXT *texts* at a name, as tags; else ``None``.

    Records not starting with ``v=DMARC1`` are discarded; several valid ones discard all
    (DMARCbis §4.10, RFC 7489 §6.6.3).
    """
    valid = [t for t in texts if t.replace(" ", "").startswith("v=DMARC1")]
    if len(valid) != 1:
        return None
    tags: dict[str, str] = {}
    for part in valid[0].split(";"):
        key, sep, value = part.partition("=")
        if sep:
            tags.setdefault(key.strip().lower(), value.strip())
    return tags


def tree_walk_org_domain(name: str, records: Mapping[str, Sequence[str]]) -> str:
    """RFC 9989 (DMARCbis §4.10.2) Organizational Domain of *name*.

    *records* maps a name to the TXT strings at ``_dmarc.<name>`` (names absent from the
    mapping have none). Rules, in order: a record with ``psd=n`` makes its name the
    Organizational Domain; ``psd=y`` at a name other than the start makes the name one label
    below it; otherwise the name with the fewest labels that had a record; otherwise the
    start name itself.
    """
    path = walk_names(name)
    found: list[str] = []
    for position, current in enumerate(path):
        record = dmarc_record(records.get(current, ()))
        if record is None:
            continue
        psd = record.get("psd", "u").lower()
        if psd == "n":
            return current
        if psd == "y" and position > 0:
            return _one_label_below(path[0], current)
        found.append(current)
    if not found:
        return path[0] if path else normalise(name)
    return min(found, key=lambda n: n.count("."))


def _one_label_below(start: str, suffix: str) -> str:
    labels = start.split(".")
    keep = suffix.count(".") + 2
    return ".".join(labels[-keep:])


class OrgDomains:
    """Both kinds of Organizational Domain for many names, with the known DMARC records fixed."""

    def __init__(self, records: Mapping[str, Sequence[str]]) -> None:
        self._records = {normalise(k): tuple(v) for k, v in records.items()}
        self._tree: dict[str, str] = {}

    @classmethod
    def from_policy_domains(cls, domains: Sequence[str]) -> OrgDomains:
        """Assume a plain DMARC record at each domain a report was published for."""
        return cls({d: ("v=DMARC1",) for d in domains if d})

    def psl(self, name: str) -> str:
        return psl_org_domain(name)

    def tree(self, name: str) -> str:
        name = normalise(name)
        if name not in self._tree:
            self._tree[name] = tree_walk_org_domain(name, self._records)
        return self._tree[name]
