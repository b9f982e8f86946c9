"""What the stored reports say about a domain's senders: DKIM selectors, senders, bounce names.

``dmarcwatch check`` uses this so that selectors and senders seen in reports are checked
without being named on the command line (reference §7.3: DNS cannot enumerate selectors).
Only records whose From domain is the checked domain count, from the last *days* days.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from ..catalogue import Catalogue
from ..dns.names import psl_org_domain as org_domain_psl
from ..read import Reader, Selection
from .senders import SENDGRID

DEFAULT_DAYS = 90
_MAX_IPS = 5000  # distinct source IPs classified per check; enough to see every sender
_SENDGRID_DKIM = ("sendgrid.net", "sendgrid.info")
MAX_REPORT_SELECTORS = 10
"""DKIM selectors from reports checked per domain, those in the most reports first: anyone can
send a report naming thousands, which would crowd out the real ones and the DNS budget."""


@dataclass(frozen=True, slots=True)
class Seen:
    """Selectors (for ``d=<domain>``), sender ids and SendGrid return-path names seen."""

    selectors: tuple[str, ...] = ()
    senders: tuple[str, ...] = ()
    return_paths: tuple[str, ...] = ()
    selectors_left_out: int = 0
    """Selectors seen beyond :data:`MAX_REPORT_SELECTORS` (those in the fewest reports)."""


def seen_in_reports(
    reader: Reader, domain: str, catalogue: Catalogue, days: int = DEFAULT_DAYS
) -> Seen:
    """Read what reports of the last *days* days show about mail from *domain*.

    Records with this From domain count, in reports for it or its organisational domain.
    """
    since = int(time.time()) - days * 86400
    sel = Selection(domains=(domain, org_domain_psl(domain)), since=since, from_domains=(domain,))
    found = reader.identities(sel, max_ips=_MAX_IPS)
    seen = [s for d, s in found.dkim if d == domain and s and _selector_ok(s)]
    selectors = list(dict.fromkeys(seen))  # in the most reports first
    signers = {d for d, _ in found.dkim}
    envelopes = set(found.spf_domains) | {e.rpartition("@")[2] for e in found.envelope_froms}
    pattern = re.compile(rf"^em\d+\.{re.escape(domain)}$")
    return_paths = sorted({e for e in envelopes if pattern.match(e)})
    ips = list(found.source_ips)
    senders = {str(s) for s in catalogue.ranges.lookup(ips) if s} if ips else set()
    if return_paths or signers & set(_SENDGRID_DKIM):
        senders.add(SENDGRID)
    return Seen(
        tuple(selectors[:MAX_REPORT_SELECTORS]),
        tuple(sorted(senders)),
        tuple(return_paths),
        selectors_left_out=max(0, len(selectors) - MAX_REPORT_SELECTORS),
    )


def _selector_ok(selector: str) -> bool:
    """Reporter-supplied text becomes a DNS name: accept plain labels only."""
    return bool(re.fullmatch(r"[a-z0-9_-]{1,63}(\.[a-z0-9_-]{1,63})*", selector))
