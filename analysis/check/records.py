"""The record texts a check saw: SPF at the domain, the DMARC record that applies, DKIM keys.

They are kept with each recorded run so that a change between two runs can be told
(``dns-changed``). Only definite answers count: a lookup that failed (timeout, SERVFAIL) says
nothing about the record, so it is left out rather than recorded as "none".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..dns.dmarc import is_dmarc_candidate
from ..dns.lookup import Lookup

SPF, DMARC, DKIM = "spf", "dmarc", "dkim"


@dataclass(frozen=True, slots=True)
class RecordText:
    """A record as published: its kind, the name asked, the text (``None``: none there)."""

    kind: str
    name: str
    text: str | None


def record_texts(lookups: Iterable[Lookup], domain: str) -> tuple[RecordText, ...]:
    """The SPF, DMARC and DKIM record texts among a check's *lookups* of *domain*."""
    found: list[RecordText] = []
    for lookup in lookups:
        if lookup.rdtype != "TXT" or not lookup.ok:
            continue
        kind = _kind(lookup.name, domain)
        if kind is None:
            continue
        texts = sorted(v for v in lookup.values if _belongs(kind, v))
        text = " | ".join(texts) if texts else None
        if kind == DMARC and text is None and lookup.name != f"_dmarc.{domain}":
            continue  # a parent without a record says nothing new
        found.append(RecordText(kind, lookup.name, text))
    return tuple(sorted(found, key=lambda r: (r.kind, r.name)))


def _kind(name: str, domain: str) -> str | None:
    if name == domain:
        return SPF
    if name.endswith(f"._domainkey.{domain}"):
        return DKIM
    if name.startswith("_dmarc.") and (domain == name[7:] or domain.endswith("." + name[7:])):
        return DMARC
    return None


def _belongs(kind: str, text: str) -> bool:
    if kind == SPF:
        return text.lower().startswith("v=spf1") and (len(text) == 6 or text[6] == " ")
    if kind == DMARC:
        return is_dmarc_candidate(text)
    return True  # a DKIM key record: whatever is published at the selector
