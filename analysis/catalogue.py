"""The catalogue of known senders (``data/senders.toml``) and its refreshed IP snapshot.

The catalogue is reviewed data: every fact has a source. The IP networks of entries that
publish them through SPF can be refreshed (``dmarcwatch senders update``); such a snapshot is a
JSON file ``{"version", "fetched_at", "networks": {sender id: [cidr, ...]}}`` that replaces the
bundled networks of the senders it names. Classification uses :class:`Catalogue` only.
"""

from __future__ import annotations

import ipaddress
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from .errors import CatalogueError as CatalogueError
from .netranges import RangeTable

BUNDLED = Path(__file__).with_name("data") / "senders.toml"
KINDS = frozenset({"esp", "mailbox", "hosting", "access", "gateway"})
CONFIDENCES = frozenset({"high", "low"})


@dataclass(frozen=True, slots=True)
class Fact:
    """Where a matcher comes from, and how sure it is."""

    source: str
    confidence: str


@dataclass(frozen=True, slots=True)
class NetworkFact:
    cidrs: tuple[str, ...]
    fact: Fact


@dataclass(frozen=True, slots=True)
class RdnsFact:
    suffix: str
    fact: Fact


@dataclass(frozen=True, slots=True)
class DkimFact:
    """A DKIM signature matcher: ``d=`` suffix and/or a selector pattern (full match)."""

    domain: str | None
    selector: str | None
    provider: bool
    cosign: bool
    fact: Fact

    def matches(self, domain: str, selector: str) -> bool:
        if self.domain is not None and not _under(domain, self.domain):
            return False
        return self.selector is None or re.fullmatch(self.selector, selector) is not None


@dataclass(frozen=True, slots=True)
class EnvelopeFact:
    regex: str
    fact: Fact


@dataclass(frozen=True, slots=True)
class Sender:
    id: str
    name: str
    kind: str
    spf: tuple[str, ...] = ()
    networks: tuple[NetworkFact, ...] = ()
    rdns: tuple[RdnsFact, ...] = ()
    dkim: tuple[DkimFact, ...] = ()
    envelope: tuple[EnvelopeFact, ...] = ()

    def provider_domain(self, domain: str) -> bool:
        """Whether DKIM ``d=domain`` is this sender's own domain (never a customer's)."""
        return any(f.provider and f.domain and _under(domain, f.domain) for f in self.dkim)


@dataclass(frozen=True)
class Catalogue:
    version: str
    senders: tuple[Sender, ...]
    snapshot: str | None = None
    by_id: Mapping[str, Sender] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {s.id: s for s in self.senders})

    def name(self, sender_id: str) -> str:
        sender = self.by_id.get(sender_id)
        return sender.name if sender else sender_id

    @cached_property
    def ranges(self) -> RangeTable:
        """Every sender's networks as one lookup table labelled with sender ids."""
        return RangeTable.build(
            (cidr, s.id) for s in self.senders for n in s.networks for cidr in n.cidrs
        )

    def with_networks(self, snapshot: Mapping[str, list[str]], label: str) -> Catalogue:
        """A copy whose senders named in *snapshot* use those networks instead of the bundled."""
        fact = Fact(source=f"dmarcwatch senders update ({label})", confidence="high")
        senders = [
            replace(s, networks=(NetworkFact(tuple(snapshot[s.id]), fact),))
            if snapshot.get(s.id)
            else s
            for s in self.senders
        ]
        return Catalogue(version=self.version, senders=tuple(senders), snapshot=label)


def _under(name: str, suffix: str) -> bool:
    return name == suffix or name.endswith("." + suffix)


def load_catalogue(path: Path | None = None, snapshot: Path | None = None) -> Catalogue:
    """Load the catalogue (the bundled one by default), then apply *snapshot* if it exists."""
    catalogue = parse_catalogue(_read(path or BUNDLED))
    if snapshot is not None and snapshot.exists():
        label, networks = parse_snapshot(snapshot.read_bytes())
        catalogue = catalogue.with_networks(networks, label)
    return catalogue


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"sender catalogue {path}: {exc}") from exc


def parse_catalogue(data: Mapping[str, Any]) -> Catalogue:
    """Validate the TOML structure and build the catalogue; errors name the sender."""
    if data.get("schema") != 1:
        raise CatalogueError("sender catalogue: unsupported schema (expected schema = 1)")
    senders = tuple(_sender(entry) for entry in data.get("senders", []))
    ids = [s.id for s in senders]
    if len(set(ids)) != len(ids):
        raise CatalogueError("sender catalogue: duplicate sender id")
    return Catalogue(version=str(data.get("version", "")), senders=senders)


def _sender(entry: Mapping[str, Any]) -> Sender:
    sender_id = str(entry.get("id", ""))
    try:
        if entry["kind"] not in KINDS:
            raise ValueError(f"kind {entry['kind']!r} not in {sorted(KINDS)}")
        return Sender(
            id=sender_id,
            name=str(entry["name"]),
            kind=str(entry["kind"]),
            spf=tuple(str(s) for s in entry.get("spf", [])),
            networks=tuple(_network(n) for n in entry.get("networks", [])),
            rdns=tuple(RdnsFact(str(r["suffix"]).lower(), _fact(r)) for r in entry.get("rdns", [])),
            dkim=tuple(_dkim(d) for d in entry.get("dkim", [])),
            envelope=tuple(_envelope(e) for e in entry.get("envelope", [])),
        )
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise CatalogueError(f"sender catalogue: entry {sender_id!r}: {exc}") from exc


def _fact(entry: Mapping[str, Any]) -> Fact:
    confidence = str(entry.get("confidence", "high"))
    if confidence not in CONFIDENCES:
        raise ValueError(f"confidence {confidence!r}")
    if not str(entry.get("source", "")).strip():
        raise ValueError("a fact without a source")
    return Fact(source=str(entry["source"]), confidence=confidence)


def _network(entry: Mapping[str, Any]) -> NetworkFact:
    cidrs = tuple(str(ipaddress.ip_network(c, strict=True)) for c in entry["cidrs"])
    return NetworkFact(cidrs=cidrs, fact=_fact(entry))


def _dkim(entry: Mapping[str, Any]) -> DkimFact:
    domain = entry.get("domain")
    selector = entry.get("selector")
    if domain is None and selector is None:
        raise ValueError("a DKIM matcher needs a domain or a selector")
    if selector is not None:
        re.compile(selector)
    return DkimFact(
        domain=str(domain).lower() if domain is not None else None,
        selector=str(selector) if selector is not None else None,
        provider=bool(entry.get("provider", False)),
        cosign=bool(entry.get("cosign", False)),
        fact=_fact(entry),
    )


def _envelope(entry: Mapping[str, Any]) -> EnvelopeFact:
    re.compile(entry["regex"])
    return EnvelopeFact(regex=str(entry["regex"]), fact=_fact(entry))


def parse_snapshot(data: bytes) -> tuple[str, dict[str, list[str]]]:
    """Read a network snapshot written by ``senders update``; returns (label, networks)."""
    try:
        doc = json.loads(data)
        networks = {
            str(k): [str(ipaddress.ip_network(c, strict=False)) for c in v]
            for k, v in doc["networks"].items()
        }
        label = f"{doc.get('fetched_at', '?')}"
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CatalogueError(f"sender network snapshot: {exc}") from exc
    return label, networks


def snapshot_json(networks: Mapping[str, list[str]], fetched_at: str, version: str) -> str:
    """The snapshot document for *networks* (sender id → cidrs)."""
    doc = {"version": version, "fetched_at": fetched_at, "networks": dict(sorted(networks.items()))}
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"
