"""Where the findings ``alert`` watches come from: one list of sources, each a function.

A source gets the reader, the query (with its ``as_of`` day) and the analysis already made
for that query, and returns findings: :func:`diagnosed` (the report analysis) and
:func:`checked` (what ``dmarcwatch check`` recorded: ``dns-changed`` and the latest run's
critical findings).
"""

from __future__ import annotations

from collections.abc import Callable

from .api import Analysis, Query
from .check.history import stored_findings
from .findings import Finding, worst_first
from .read import Reader

FindingSource = Callable[[Reader, Query, Analysis], list[Finding]]


def diagnosed(reader: Reader, query: Query, analysis: Analysis) -> list[Finding]:
    """What ``diagnose`` finds for the query's period."""
    return analysis.findings


def checked(reader: Reader, query: Query, analysis: Analysis) -> list[Finding]:
    """The stored DNS-check findings of the query's domains, up to its ``as_of`` moment."""
    return stored_findings(reader, query.domains, query.as_of_end)


SOURCES: list[FindingSource] = [diagnosed, checked]
"""Every source, in order; add one with ``SOURCES.append(function)``."""


def collect(
    reader: Reader,
    query: Query,
    analysis: Analysis,
    sources: list[FindingSource] | None = None,
) -> list[Finding]:
    """The findings of every source, worst first."""
    chosen = SOURCES if sources is None else sources
    found = [f for source in chosen for f in source(reader, query, analysis)]
    return worst_first(found)
