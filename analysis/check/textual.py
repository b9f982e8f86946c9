"""Evidence lines quoting DNS answers, and the ``dns-error`` observation, shared by the rules."""

from __future__ import annotations

from ..dns.lookup import Lookup, Status
from .model import Observation, Severity


def describe(lookup: Lookup) -> str:
    """One evidence line: ``TXT _dmarc.example.ch: "v=DMARC1; p=none"`` or the negative answer."""
    where = f"{lookup.rdtype} {lookup.name}"
    if lookup.status is Status.ERROR:
        return f"{where}: error ({lookup.error})"
    if lookup.status is Status.NXDOMAIN:
        return f"{where}: no such name (NXDOMAIN)"
    if lookup.status is Status.NODATA:
        return f"{where}: no {lookup.rdtype} record"
    via = f" (via CNAME to {lookup.canonical})" if lookup.canonical not in ("", lookup.name) else ""
    return f"{where}{via}: " + " | ".join(f'"{value}"' for value in lookup.values)


def txt_evidence(lookup: Lookup) -> tuple[str, ...]:
    return (describe(lookup),)


def dns_error(lookup: Lookup) -> Observation:
    params = {"name": lookup.name, "rdtype": lookup.rdtype, "error": lookup.error}
    return Observation("dns-error", Severity.WARNING, "dns-error", params, (describe(lookup),))
