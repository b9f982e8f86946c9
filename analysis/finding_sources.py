"""Where the findings ``alert`` watches come from: one list of sources, each a function.

A source gets the reader, the query (with its ``as_of`` day) and the analysis already made
for that query, and returns findings. :func:`diagnosed` (the report analysis) is the first;
stored ``check`` results plug in by appending their function to :data:`SOURCES`.
"""

from __future__ import annotations

from collections.abc import Callable

from dmarcwatch.analysis.api import Analysis, Query
from dmarcwatch.analysis.findings import Finding, worst_first
from dmarcwatch.analysis.read import Reader

FindingSource = Callable[[Reader, Query, Analysis], list[Finding]]


def diagnosed(reader: Reader, query: Query, analysis: Analysis) -> list[Finding]:
    """What ``diagnose`` finds for the query's period."""
    return analysis.findings


SOURCES: list[FindingSource] = [diagnosed]
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
