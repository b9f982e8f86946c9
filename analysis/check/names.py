"""Domain names: normalising user and DNS input, and the RFC 7489 Organizational Domain."""

from __future__ import annotations

import functools
import re

from publicsuffixlist import PublicSuffixList

from dmarcwatch.analysis.errors import InvalidArgument

_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_MAX_NAME = 253  # RFC 1035 §2.3.4, as text without the final dot


class InvalidDomain(InvalidArgument):
    """A string that is not a usable DNS domain name."""


def normalise_domain(text: str) -> str:
    """Lower-case A-label form of *text* without the final dot; raise InvalidDomain if bad."""
    name = text.strip().rstrip(".").lower()
    if not name:
        raise InvalidDomain("empty domain name")
    try:
        name = name.encode("idna").decode("ascii") if not name.isascii() else name
    except UnicodeError as exc:
        raise InvalidDomain(f"not a valid domain name: {exc}") from exc
    if len(name) > _MAX_NAME:
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


def org_domain_psl(domain: str) -> str:
    """The Organizational Domain by the Public Suffix List (RFC 7489 §3.2).

    The longest public suffix plus one label; a name that is itself a public suffix is its
    own Organizational Domain.
    """
    return str(_psl().privatesuffix(domain) or domain)


def is_public_suffix(domain: str) -> bool:
    """True for a name that is itself a public suffix (``ch``, ``co.uk``, ``github.io``)."""
    return bool(_psl().is_public(domain))


def walk_names(domain: str) -> list[str]:
    """The names whose ``_dmarc`` record the RFC 9989 tree walk queries, in order (§4.10).

    It starts at *domain*; a name of more than 8 labels is shortened to 7 labels after the
    first query; then one label at a time is removed, down to the top-level domain.
    """
    labels = domain.split(".")
    names = [domain]
    start = min(len(labels) - 1, 7)
    for count in range(start, 0, -1):
        names.append(".".join(labels[-count:]))
    return names


def is_subdomain(name: str, parent: str) -> bool:
    """True when *name* is *parent* or below it."""
    return name == parent or name.endswith("." + parent)
