"""Domain names: normalising user and DNS input, the RFC 7489 Organizational Domain by the Public
Suffix List, and the names the RFC 9989 tree walk queries.

The PSL is the one bundled with the ``publicsuffixlist`` package (offline, both ICANN and
private sections, as most receivers use it), loaded once per process. Names are compared
lower-case, without a trailing dot.
"""

from __future__ import annotations

import functools
import ipaddress
import re

from publicsuffixlist import PublicSuffixList

from ..errors import InvalidArgument

_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
MAX_NAME = 253  # RFC 1035 §2.3.4, as text without the final dot
MAX_WALK_LABELS = 8  # RFC 9989 §4.10: a longer name is shortened after the first query
SHORTENED_LABELS = 7


class InvalidDomain(InvalidArgument):
    """A string that is not a usable DNS domain name."""


def normalise(name: str) -> str:
    """Lower-case, strip spaces and one trailing dot; no validation (report data as given)."""
    return name.strip().rstrip(".").lower()


def normalise_domain(text: str) -> str:
    """Lower-case A-label form of *text* without the final dot; raise InvalidDomain if bad."""
    name = text.strip().rstrip(".").lower()
    if not name:
        raise InvalidDomain("empty domain name")
    try:
        name = name.encode("idna").decode("ascii") if not name.isascii() else name
    except UnicodeError as exc:
        raise InvalidDomain(f"not a valid domain name: {exc}") from exc
    if len(name) > MAX_NAME:
        raise InvalidDomain("domain name longer than 253 characters")
    if not all(_LABEL.match(label) for label in name.split(".")):
        raise InvalidDomain("a label is empty, too long or has characters DNS names cannot have")
    return name


def is_valid_domain(text: str) -> bool:
    try:
        normalise_domain(text)
    except InvalidDomain:
        return False
    return True


@functools.cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


@functools.lru_cache(maxsize=65536)
def psl_org_domain(name: str) -> str:
    """The Organizational Domain by the Public Suffix List (RFC 7489 §3.2).

    The longest public suffix plus one label; a name that is itself a public suffix is its
    own Organizational Domain. *name* is normalised first.
    """
    name = normalise(name)
    if not name:
        return name
    private = _psl().privatesuffix(name)
    return str(private) if private else name


def is_public_suffix(domain: str) -> bool:
    """True for a name that is itself a public suffix (``ch``, ``co.uk``, ``github.io``)."""
    return bool(_psl().is_public(domain))


def walk_names(name: str) -> list[str]:
    """The names whose ``_dmarc`` record the RFC 9989 tree walk queries, in order (§4.10).

    It starts at *name*; a name of more than 8 labels is shortened to 7 labels after the
    first query; then one label at a time is removed, down to the top-level domain.
    """
    labels = normalise(name).split(".")
    if labels == [""]:
        return []
    start = SHORTENED_LABELS if len(labels) > MAX_WALK_LABELS else len(labels) - 1
    return [".".join(labels), *(".".join(labels[-n:]) for n in range(start, 0, -1))]


def reverse_name(ip: str) -> str | None:
    """The ``in-addr.arpa``/``ip6.arpa`` name of an address for a PTR query; ``None`` if not one
    (a stored value that is not a plain address, such as ``fe80::1%eth0``, is never looked up)."""
    try:
        address = ipaddress.ip_address(ip.strip())
        if getattr(address, "scope_id", None) is not None:  # a zone index names no PTR
            return None
        return address.reverse_pointer
    except ValueError:
        return None
