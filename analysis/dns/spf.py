"""SPF records (RFC 7208): the one parser, pure: record text in, terms and syntax errors out.

Walking a record through DNS (includes, redirects, the look-up limits) is
:mod:`~dmarcwatch.analysis.dns.spfwalk`.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from .lookup import Lookup

LOOKUP_LIMIT = 10  # RFC 7208 §4.6.4
VOID_LIMIT = 2  # RFC 7208 §4.6.4
MX_LIMIT = 10  # RFC 7208 §4.6.4: address lookups per mx term
SIZE_BUDGET = 450  # RFC 7208 §3.4: keep the answer within one 512-octet UDP response

_MECHANISMS = {"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"}
COUNTED = frozenset({"include", "a", "mx", "ptr", "exists", "redirect"})  # §4.6.4
_NEEDS_TARGET = {"include", "exists"}
_MODIFIER_NAME = re.compile(r"^[a-z][a-z0-9_.-]*$")
_MACRO = re.compile(r"%\{[slodiphcrtv]\d*r?[.+,/_=-]*\}|%%|%_|%-", re.IGNORECASE)
_VERSION = re.compile(r"^v=spf1(?: |$)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Term:
    """A directive (``qualifier``, mechanism ``name``) or a modifier (``name=value``)."""

    raw: str
    name: str
    qualifier: str = "+"
    target: str | None = None
    cidr: str = ""
    modifier: bool = False

    @property
    def has_macro(self) -> bool:
        return self.target is not None and "%" in self.target

    @property
    def prefixes(self) -> tuple[int, int]:
        """IPv4 and IPv6 prefix lengths of an ``a``/``mx`` term (``a/24//64``, RFC 7208 §5.6)."""
        match = re.match(r"^(?:/(\d{1,2}))?(?://(\d{1,3}))?$", self.cidr)
        if not match:
            return 32, 128
        return int(match.group(1) or 32), int(match.group(2) or 128)


@dataclass(frozen=True, slots=True)
class SpfRecord:
    text: str
    terms: tuple[Term, ...]
    errors: tuple[str, ...] = ()

    def modifier(self, name: str) -> Term | None:
        return next((t for t in self.terms if t.modifier and t.name == name), None)

    @property
    def all_term(self) -> Term | None:
        return next((t for t in self.terms if not t.modifier and t.name == "all"), None)


def is_spf(text: str) -> bool:
    """A TXT record is an SPF record when it starts with ``v=spf1`` (RFC 7208 §4.5)."""
    return bool(_VERSION.match(text))


def spf_records(lookup: Lookup) -> list[str]:
    return [value for value in lookup.values if is_spf(value)]


def parse_spf(text: str) -> SpfRecord:
    """Parse an SPF record into terms; syntax errors are listed, not raised (RFC 7208 §12)."""
    words = text.split(" ")[1:]
    terms: list[Term] = []
    errors: list[str] = []
    for word in words:
        if not word:
            continue
        term, error = _parse_term(word)
        if error:
            errors.append(error)
        if term is not None:
            terms.append(term)
    errors.extend(_modifier_errors(terms))
    return SpfRecord(text, tuple(terms), tuple(errors))


def _parse_term(word: str) -> tuple[Term | None, str]:
    head = re.match(r"^([a-zA-Z][a-zA-Z0-9_.-]*)=", word)
    if head and head.group(1).lower() not in _MECHANISMS:
        return _parse_modifier(word, head.group(1).lower())
    qualifier = word[0] if word[0] in "+-~?" else "+"
    body = word[1:] if word[0] in "+-~?" else word
    match = re.match(r"^([a-zA-Z0-9]+)(?:([:/])(.*))?$", body)
    if not match or match.group(1).lower() not in _MECHANISMS:
        return None, f"unknown term {word!r}"
    name = match.group(1).lower()
    rest = (match.group(2) or "") + (match.group(3) or "")
    return _parse_mechanism(word, qualifier, name, rest)


def _parse_modifier(word: str, name: str) -> tuple[Term | None, str]:
    value = word.split("=", 1)[1]
    term = Term(word, name, target=value or None, modifier=True)
    if name in ("redirect", "exp") and not _valid_domain_spec(value):
        return term, f"{name}= needs a domain name, found {word!r}"
    if not _MODIFIER_NAME.match(name):
        return None, f"bad modifier name in {word!r}"
    return term, ""


def _parse_mechanism(word: str, qualifier: str, name: str, rest: str) -> tuple[Term | None, str]:
    if name == "all":
        return (Term(word, name, qualifier), "") if not rest else (None, f"bad term {word!r}")
    if name in ("ip4", "ip6"):
        return _parse_ip(word, qualifier, name, rest)
    target, cidr = _split_cidr(rest[1:] if rest.startswith(":") else "", rest)
    if name in _NEEDS_TARGET and not target:
        return None, f"{name} needs a domain name, found {word!r}"
    if target and not _valid_domain_spec(target):
        return None, f"bad domain name in {word!r}"
    if cidr and (name in ("include", "exists", "ptr") or not _valid_dual_cidr(cidr)):
        return None, f"bad prefix length in {word!r}"
    return Term(word, name, qualifier, target or None, cidr), ""


def _split_cidr(spec: str, rest: str) -> tuple[str, str]:
    if not rest.startswith(":"):
        return "", rest  # "a/24": no domain, only a prefix length
    slash = spec.find("/")
    return (spec, "") if slash < 0 else (spec[:slash], spec[slash:])


def _parse_ip(word: str, qualifier: str, name: str, rest: str) -> tuple[Term | None, str]:
    if not rest.startswith(":"):
        return None, f"{name} needs an address, found {word!r}"
    network = rest[1:]
    try:
        parsed = ipaddress.ip_network(network, strict=False)
    except ValueError:
        return None, f"bad address in {word!r}"
    if (parsed.version == 4) != (name == "ip4"):
        return None, f"wrong address family in {word!r}"
    return Term(word, name, qualifier, network), ""


def _valid_dual_cidr(cidr: str) -> bool:
    match = re.match(r"^(?:/(\d{1,2}))?(?://(\d{1,3}))?$", cidr)
    if not match:
        return False
    v4, v6 = match.group(1), match.group(2)
    return (v4 is None or int(v4) <= 32) and (v6 is None or int(v6) <= 128)


def _valid_domain_spec(spec: str) -> bool:
    """A domain-spec: a name, possibly with macros (RFC 7208 §7.1), ending in a real label."""
    if not spec:
        return False
    if "%" in spec:
        return "%" not in _MACRO.sub("", spec)
    labels = spec.rstrip(".").split(".")
    if len(labels) < 2 or labels[-1].isdigit():
        return False
    return all(re.match(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$", x) for x in labels)


def _modifier_errors(terms: list[Term]) -> list[str]:
    errors = []
    for name in ("redirect", "exp"):
        if sum(1 for t in terms if t.modifier and t.name == name) > 1:
            errors.append(f"{name}= appears more than once")
    return errors
