"""Which services send for a domain, and how the check learnt of each one.

A service counts as a sender whose SPF include the record must hold when it was named with
``--sender``, when its DKIM CNAME is published (SendGrid's ``s1``/``s2._domainkey`` point into
``sendgrid.net``, reference §4.1), or when the stored reports show its mail (reference §7.1,
"provider coverage"). Each sender keeps every way it was found, strongest first, so the
findings can say where it came from.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from ..dns.lookup import Lookup, Status
from ..dns.resolver import Resolver
from .dkim import SENDGRID_SUFFIX
from .senders import SENDGRID, SenderDns, sender_dns
from .textual import describe

_SENDGRID_SELECTORS = ("s1", "s2")


class Origin(enum.Enum):
    """How a sender became known, in the order the findings name them (a DNS fact first)."""

    DKIM_CNAME = "dkim-cname"
    REPORTS = "reports"
    SENDER_OPTION = "sender-option"


@dataclass(frozen=True, slots=True)
class KnownSender:
    """A sender, the ways it was found (strongest first), and the CNAME that showed it."""

    dns: SenderDns
    origins: tuple[Origin, ...]
    cname: Lookup | None = None

    @property
    def declared(self) -> bool:
        """Named with ``--sender`` or seen in reports, not only inferred from a CNAME."""
        return self.origins != (Origin.DKIM_CNAME,)

    @property
    def found_by(self) -> str:
        return ", ".join(o.value for o in self.origins)


def known_senders(
    resolver: Resolver, domain: str, given: Sequence[str], seen: Sequence[str]
) -> list[KnownSender]:
    """Senders named with ``--sender`` (*given*), seen in reports, or shown by a DKIM CNAME.

    Raises :class:`~analysis.check.senders.UnknownSender` for a name the catalogue lacks.
    """
    found: dict[str, list[Origin]] = {}
    names: dict[str, SenderDns] = {}
    for origin, group in ((Origin.SENDER_OPTION, given), (Origin.REPORTS, seen)):
        for name in group:
            dns = sender_dns(name)
            names.setdefault(dns.id, dns)
            found.setdefault(dns.id, []).append(origin)
    cname = sendgrid_cname(resolver, domain)
    if cname is not None:
        names.setdefault(SENDGRID, sender_dns(SENDGRID))
        found.setdefault(SENDGRID, []).append(Origin.DKIM_CNAME)
    order = list(Origin)
    return [
        KnownSender(names[i], tuple(sorted(set(o), key=order.index)), _cname(i, o, cname))
        for i, o in found.items()
    ]


def sendgrid_cname(resolver: Resolver, domain: str) -> Lookup | None:
    """The first ``s1``/``s2._domainkey`` CNAME of *domain* that points into SendGrid."""
    for selector in _SENDGRID_SELECTORS:
        lookup = resolver.query(f"{selector}._domainkey.{domain}", "CNAME")
        if lookup.status is Status.ANSWER and lookup.values[0].endswith(SENDGRID_SUFFIX):
            return lookup
    return None


def _cname(sender: str, origins: list[Origin], cname: Lookup | None) -> Lookup | None:
    return cname if Origin.DKIM_CNAME in origins and sender == SENDGRID else None


def cname_evidence(sender: KnownSender) -> tuple[str, ...]:
    return (describe(sender.cname),) if sender.cname is not None else ()
