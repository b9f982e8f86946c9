"""DMARC records: the one parser (RFC 7489 §6.3, RFC 9989 §4.7), pure and never raising.

:func:`parse_dmarc` reads and validates one record; :func:`single_record` picks the record a
receiver uses among the TXT strings at a ``_dmarc`` name (exactly one ``v=DMARC1`` record, or
none: RFC 7489 §6.6.3, RFC 9989 §4.10).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass

from .names import is_valid_domain

POLICIES = ("none", "quarantine", "reject")
REMOVED_TAGS = ("pct", "rf", "ri")  # RFC 9989 Appendix C.5.2
_KNOWN_TAGS = {"v", "p", "sp", "np", "adkim", "aspf", "fo", "rua", "ruf", "t", "psd", *REMOVED_TAGS}
_CHOICES = {
    "sp": POLICIES,
    "np": POLICIES,
    "adkim": ("r", "s"),
    "aspf": ("r", "s"),
    "t": ("y", "n"),
    "psd": ("y", "n", "u"),
}
_CANDIDATE = re.compile(r"^\s*v\s*=\s*dmarc1\s*(;|$)", re.IGNORECASE)
_TAG = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*)$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class ReportUri:
    """One ``rua``/``ruf`` URI: ``mailto:`` address, its host, and any obsolete ``!size``."""

    raw: str
    address: str = ""
    host: str = ""
    size: str = ""
    error: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    """A defect of a DMARC record; ``fatal`` ones make receivers ignore the record or its p=."""

    detail: str
    fatal: bool = False


@dataclass(frozen=True, slots=True)
class DmarcRecord:
    text: str
    tags: dict[str, str]
    problems: tuple[Problem, ...] = ()
    rua: tuple[ReportUri, ...] = ()
    ruf: tuple[ReportUri, ...] = ()

    @property
    def policy(self) -> str | None:
        value = self.tags.get("p", "").lower()
        return value if value in POLICIES else None

    def subdomain_policy(self, exists: bool = True) -> str | None:
        """The policy for a subdomain that inherits this record (RFC 9989 §4.10.1)."""
        tag = "sp" if exists else "np"
        value = self.tags.get(tag, self.tags.get("sp", "") if tag == "np" else "").lower()
        return value if value in POLICIES else self.policy

    @property
    def psd(self) -> str:
        """The ``psd`` tag, lower-case (``""`` when absent): ``y``/``n`` end a tree walk."""
        return self.tags.get("psd", "").lower()


def is_dmarc_candidate(text: str) -> bool:
    """A TXT record that claims to be DMARC: its first tag is ``v=DMARC1`` (RFC 9989 §4.10)."""
    return bool(_CANDIDATE.match(text))


def looks_like_dmarc(text: str) -> bool:
    """A near miss: mentions DMARC1 but does not start with a valid ``v=DMARC1`` tag."""
    return "dmarc1" in text.lower() and not is_dmarc_candidate(text)


def parse_dmarc(text: str) -> DmarcRecord:
    """Parse and validate a DMARC record (RFC 7489 §6.3, RFC 9989 §4.7); never raises."""
    tags: dict[str, str] = {}
    problems: list[Problem] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        match = _TAG.match(part)
        if not match:
            problems.append(Problem(f"not a tag=value pair: {part!r}", fatal=True))
            continue
        name, value = match.group(1).lower(), match.group(2).strip()
        if name in tags:
            problems.append(Problem(f"tag {name}= appears twice", fatal=True))
        tags.setdefault(name, value)
    problems.extend(_version_problems(text, tags))
    problems.extend(_value_problems(tags))
    rua = _parse_uris(tags.get("rua", ""))
    ruf = _parse_uris(tags.get("ruf", ""))
    problems.extend(Problem(f"rua: {u.error}") for u in rua if u.error)
    problems.extend(Problem(f"ruf: {u.error}") for u in ruf if u.error)
    return DmarcRecord(text, tags, tuple(problems), rua, ruf)


def _version_problems(text: str, tags: dict[str, str]) -> list[Problem]:
    problems = []
    if not text.startswith("v=DMARC1"):
        problems.append(Problem("the record must start exactly with v=DMARC1 (case-sensitive)"))
    if "p" not in tags:
        problems.append(Problem("no p= tag (RFC 7489 requires it; RFC 9989 reads it as p=none)"))
    elif list(tags)[1:2] != ["p"]:
        problems.append(Problem("p= does not directly follow v=DMARC1, as RFC 7489 requires"))
    return problems


def _value_problems(tags: dict[str, str]) -> list[Problem]:
    problems = []
    if "p" in tags and tags["p"].lower() not in POLICIES:
        problems.append(Problem(f"p={tags['p']} is not none, quarantine or reject", fatal=True))
    for name, allowed in _CHOICES.items():
        if name in tags and tags[name].lower() not in allowed:
            problems.append(Problem(f"{name}={tags[name]} is not one of {', '.join(allowed)}"))
    if "fo" in tags and not re.fullmatch(r"[01ds](:[01ds])*", tags["fo"].replace(" ", "")):
        problems.append(Problem(f"fo={tags['fo']} is not a colon list of 0, 1, d and s"))
    if "pct" in tags and not (tags["pct"].isdigit() and int(tags["pct"]) <= 100):
        problems.append(Problem(f"pct={tags['pct']} is not a number from 0 to 100"))
    unknown = sorted(set(tags) - _KNOWN_TAGS)
    problems.extend(Problem(f"unknown tag {name}= (receivers ignore it)") for name in unknown)
    rua = [u for u in tags.get("rua", "").split(",") if u.strip()]
    if len(rua) > 2:
        problems.append(Problem(f"{len(rua)} rua addresses; receivers only promise to use 2"))
    return problems


def _parse_uris(value: str) -> tuple[ReportUri, ...]:
    return tuple(_parse_uri(raw.strip()) for raw in value.split(",") if raw.strip())


def _parse_uri(raw: str) -> ReportUri:
    """A ``mailto:`` report URI, with the obsolete ``!size`` suffix split off (RFC 7489 §6.2)."""
    uri, _, size = raw.partition("!")
    if not uri.lower().startswith("mailto:"):
        return ReportUri(raw, error=f"{raw!r} is not a mailto: address")
    address = urllib.parse.unquote(uri[len("mailto:") :]).strip()
    local, at, host = address.rpartition("@")
    host = host.rstrip(".").lower()
    if not at or not local or not is_valid_domain(host):
        return ReportUri(raw, address, error=f"{raw!r} is not a valid mail address")
    if size and not re.fullmatch(r"\d+[kmgt]?", size.lower()):
        return ReportUri(raw, address, host, size, error=f"bad size limit in {raw!r}")
    return ReportUri(raw, address, host, size)


def candidates(texts: Iterable[str]) -> tuple[str, ...]:
    """The TXT strings that claim to be DMARC records."""
    return tuple(text for text in texts if is_dmarc_candidate(text))


def single_record(texts: Iterable[str]) -> DmarcRecord | None:
    """The record a receiver uses among the TXT strings at a ``_dmarc`` name, else ``None``.

    Strings not starting with ``v=DMARC1`` are discarded; several records discard all
    (RFC 7489 §6.6.3, RFC 9989 §4.10).
    """
    found = candidates(texts)
    return parse_dmarc(found[0]) if len(found) == 1 else None
