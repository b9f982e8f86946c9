"""Build analysis rows by hand, the way the read layer would return them from a store."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dmarcwatch.analysis.read import DkimResult, SpfResult, canonical
from dmarcwatch.analysis.read.rows import ROW_COLUMNS, normalise_rows

DAY0 = 20_000  # days since the epoch (2024-10-04)


def row(
    ip: str = "149.72.1.1",
    header_from: str = "email.physio.ch",
    *,
    dkim: str = "",
    spf: str = "",
    envelope_from: str = "",
    pe: tuple[str, str] = ("pass", "pass"),
    adkim: str = "r",
    aspf: str = "r",
    p: str = "none",
    pct: int = 100,
    domain: str | None = None,
    disposition: str = "none",
    reasons: str = "",
    receiver: str = "google.com",
    messages: int = 10,
    day: int = DAY0,
) -> dict[str, Any]:
    """One aggregated row, results in a short notation (test data has no ``|`` or spaces).

    ``dkim``: ``"d|s|result d|s|result"``; ``spf``: ``"d|mfrom|result"``; ``reasons``: types
    separated by spaces.
    """
    return {
        "domain": domain or header_from,
        "day": day,
        "receiver": receiver,
        "adkim": adkim,
        "aspf": aspf,
        "p": p,
        "sp": p,
        "pct": pct,
        "source_ip": ip,
        "header_from": header_from,
        "envelope_from": envelope_from,
        "disposition": disposition,
        "pe_dkim": pe[0],
        "pe_spf": pe[1],
        "dkim_results": canonical(DkimResult(*p.split("|")) for p in dkim.split()),
        "spf_results": canonical(SpfResult(*p.split("|")) for p in spf.split()),
        "reasons": canonical(reasons.split()),
        "messages": messages,
        "records": 1,
        "report_end": day * 86400 + 86399,
    }


def rows(*items: dict[str, Any]) -> pd.DataFrame:
    return normalise_rows(pd.DataFrame(list(items), columns=ROW_COLUMNS))
