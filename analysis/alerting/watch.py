"""The findings of one day, from every finding source, as ``alert`` evaluates them."""

from __future__ import annotations

import datetime as dt

from ..api import DEFAULT_SPAN, Query, analyse
from ..catalogue import Catalogue
from ..finding_sources import collect
from ..findings import Finding
from ..read import Reader


def findings_as_of(
    reader: Reader,
    day: dt.date,
    catalogue: Catalogue,
    *,
    span: dt.timedelta = DEFAULT_SPAN,
    domains: tuple[str, ...] = (),
) -> list[Finding]:
    """Every finding as at the end of *day* (UTC): reports begun later are ignored."""
    query = Query(domains=domains, span=span, as_of=day)
    analysis = analyse(reader, query, catalogue=catalogue, keep_rows=False)
    return collect(reader, query, analysis)
