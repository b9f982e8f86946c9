"""Report destinations of a DMARC record: may they receive the reports, and can they?

:func:`check_destination` verifies a ``rua`` host the way a reporter does: the external-
destination authorisation record (RFC 7489 §7.1, RFC 9990), needed when the host is in
another Organizational Domain by the Public Suffix List or by the tree walk, and its MX.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..dns.discovery import tree_walk
from ..dns.dmarc import ReportUri, is_dmarc_candidate
from ..dns.lookup import Lookup, Status, mx_hosts
from ..dns.names import MAX_NAME, psl_org_domain
from ..dns.resolver import Resolver


@dataclass(frozen=True, slots=True)
class Destination:
    """What a receiver finds when it wants to send reports for *policy_domain* to *uri*."""

    uri: ReportUri
    needs_psl: bool
    needs_walk: bool
    authorisation: Lookup | None
    authorised: bool
    mx: Lookup
    address: Lookup | None

    @property
    def needs_authorisation(self) -> bool:
        return self.needs_psl or self.needs_walk


def check_destination(
    resolver: Resolver, policy_domain: str, policy_walk_org: str, uri: ReportUri
) -> Destination:
    """Does *uri* accept reports for *policy_domain*? (RFC 7489 §7.1, RFC 9990 §3).

    Authorisation is needed when the URI's host is in another Organizational Domain, by the
    Public Suffix List (RFC 7489) or by the tree walk (RFC 9989): both are computed.
    """
    host = uri.host
    needs_psl = psl_org_domain(host) != psl_org_domain(policy_domain)
    needs_walk = tree_walk(resolver, host).org_domain != policy_walk_org
    authorisation = None
    authorised = False
    if needs_psl or needs_walk:
        authorisation, authorised = _authorisation(resolver, policy_domain, host)
    mx = resolver.query(host, "MX")
    address = resolver.query(host, "A") if mx.void else None
    return Destination(uri, needs_psl, needs_walk, authorisation, authorised, mx, address)


def authorisation_name(policy_domain: str, host: str) -> str:
    return f"{policy_domain}._report._dmarc.{host}"


def _authorisation(resolver: Resolver, policy_domain: str, host: str) -> tuple[Lookup | None, bool]:
    name = authorisation_name(policy_domain, host)
    if len(name) > MAX_NAME:  # RFC 9990: a name too long for DNS means no authorisation
        return None, False
    lookup = resolver.txt(name)
    return lookup, any(is_dmarc_candidate(value) for value in lookup.values)


def mx_state(destination: Destination) -> str:
    """``ok``, ``null-mx``, ``address-only``, ``none``, ``nxdomain`` or ``error``."""
    mx = destination.mx
    if not mx.ok:
        return "error"
    if mx.status is Status.ANSWER:
        hosts = mx_hosts(mx)
        return "null-mx" if hosts in (["@"], [""], ["."]) else "ok"
    if mx.status is Status.NXDOMAIN:
        return "nxdomain"
    address = destination.address
    if address is not None and address.status is Status.ANSWER:
        return "address-only"
    return "none"
