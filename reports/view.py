"""What the page shows, as plain values already put into words for one language.

The template only lays these out: every number here is formatted for the locale, every
sentence comes from a catalogue. Text from reports (domains, receiver names, reverse DNS) is
kept as it is; the template escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # alert and the text outputs use these views without drawing (matplotlib)
    from .charts import RenderedChart

TONES = ("good", "warn", "bad", "neutral")


@dataclass(frozen=True)
class Metric:
    """One headline figure: a label, a value, an optional change and how good it is."""

    label: str
    value: str
    detail: str = ""
    tone: str = "neutral"


@dataclass(frozen=True)
class FindingView:
    severity: str  # critical | warning | info | ok (the CSS class)
    severity_label: str
    code: str
    title: str  # the sender or the subject of the finding
    summary: str
    fix: str
    actor: str
    evidence: str
    text_lang: str = ""  # the language of summary and fix when it is not the page's
    failure_reports: tuple[str, ...] = ()  # failure reports that explain it, one line each


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False
    tone: str = ""


@dataclass(frozen=True)
class TableView:
    key: str
    caption: str
    columns: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class ChartNote:
    """Said instead of a chart that has nothing to draw."""

    key: str
    title: str
    text: str


@dataclass(frozen=True)
class DomainView:
    index: int
    anchor: str
    domain: str
    has_data: bool
    metrics: tuple[Metric, ...]
    verdict: Metric
    verdict_text: str
    findings: tuple[FindingView, ...]
    charts: tuple[RenderedChart, ...]
    chart_notes: tuple[ChartNote, ...]
    tables: tuple[TableView, ...]
    check: tuple[FindingView, ...] | None = None
    counts: tuple[tuple[str, str, int], ...] = ()  # (severity, its label, findings), non-zero
    tls_tables: tuple[TableView, ...] = ()  # SMTP TLS reports (RFC 8460), when there are any


@dataclass(frozen=True)
class RollupRow:
    anchor: str
    domain: str
    messages: str
    pass_share: str
    pass_tone: str
    change: str
    change_note: str  # when the previous period had reports on only some of its days
    policy: str
    worst: FindingView | None


@dataclass(frozen=True)
class ReportView:
    lang: str
    title: str
    period: str
    generated: str
    generated_iso: str
    domains: tuple[DomainView, ...]
    rollup: tuple[RollupRow, ...]
    generator: str
    summary: str  # one line: domains, messages, share passing
    stale: str = ""  # a warning when the newest stored report is old ("" when fresh)
