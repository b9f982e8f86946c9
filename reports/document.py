"""The whole report: analyse the store, compose every domain, render the page and the digest.

Same store and options, same page, except the generation time: the period is anchored on
the data (analysis), the charts are written with fixed ids and no date, and nothing depends
on the order rows come back from the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from analysis import columns as c
from analysis.api import Analysis, DomainSummary, Period, Query, analyse, prepare
from analysis.catalogue import Catalogue, load_catalogue
from analysis.findings import Severity
from analysis.load import Selection, load_activity, load_rows
from analysis.posture import PostureFinding, ResolverConfig, assess_domain, seen_in_reports
from reports import compose
from reports.charts import RenderedChart
from reports.gallery import domain_gallery
from reports.html import render_html
from reports.i18n import Translator
from reports.text import digest_subject, digest_text
from reports.view import DomainView, ReportView, TableView

DEFAULT_SPAN = dt.timedelta(days=30)
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class ReportOptions:
    """What to report on: domains (all when empty), the period, the language, extras."""

    domains: tuple[str, ...] = ()
    span: dt.timedelta = DEFAULT_SPAN
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    lang: str = "en"
    png: bool = False  # also draw each chart as PNG (for --charts-dir)
    dns: ResolverConfig | None = None  # check each domain's DNS records (report --dns)
    generator: str = "dmarcwatch"  # named in the footer, e.g. "dmarcwatch 0.1.0"


@dataclass(frozen=True)
class Report:
    view: ReportView
    html: str
    text: str
    subject: str

    @property
    def charts(self) -> list[RenderedChart]:
        return [chart for domain in self.view.domains for chart in domain.charts]


def build_report(
    engine: Engine,
    options: ReportOptions = ReportOptions(),  # noqa: B008 - frozen dataclass
    *,
    catalogue: Catalogue | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """Analyse the store and write the report; *now* is the generation time (default: now)."""
    t = Translator.for_language(options.lang)
    now = now or dt.datetime.now(dt.UTC)
    catalogue = catalogue or load_catalogue()
    query = Query(
        domains=options.domains, span=options.span, since=options.since, until=options.until
    )
    result = analyse(engine, query, catalogue=catalogue, now=now)
    before = previous_totals(engine, result, catalogue)
    view = compose_report(engine, result, before, options, t=t, now=now)
    return Report(view, render_html(view, t), digest_text(view, t), digest_subject(view, t))


def compose_report(
    engine: Engine,
    result: Analysis,
    before: dict[str, compose.Totals],
    options: ReportOptions,
    *,
    t: Translator,
    now: dt.datetime,
) -> ReportView:
    first, last = _days(result.period)
    ordered = sorted(result.domains, key=_order)
    domains = []
    rollup = []
    for index, summary in enumerate(ordered, start=1):
        anchor = f"domain-{index}"
        previous = before.get(summary.domain)
        names = summary.catalogue.name
        rollup.append(compose.rollup_row(anchor, summary, previous, names, t))
        posture = _posture(engine, summary, options, t)
        view = _domain_view(
            summary, index, previous=previous, days=(first, last), posture=posture, t=t,
            png=options.png,
        )  # fmt: skip
        domains.append(view)
    messages = sum(d.messages for d in result.domains)
    passing = sum(d.messages * d.dmarc_pass_share for d in result.domains)
    return ReportView(
        lang=t.lang,
        title=t.gettext("DMARC report"),
        period=t.date_range(first, last),
        generated=t.moment(now),
        generated_iso=now.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
        domains=tuple(domains),
        rollup=tuple(rollup) if len(domains) > 1 else (),
        generator=options.generator,
        summary=_summary_line(len(domains), messages, passing, t),
    )


def _order(summary: DomainSummary) -> tuple[int, str]:
    worst = compose.worst(summary.findings)
    return (worst.severity.rank if worst else len(Severity), summary.domain)


def _days(period: Period) -> tuple[dt.date, dt.date]:
    return period.since.date(), (period.until - ONE_DAY).date()


def _summary_line(domains: int, messages: int, passing: float, t: Translator) -> str:
    parts = [
        t.ngettext("%(count)s domain", "%(count)s domains", domains, count=t.number(domains)),
        t.ngettext("%(count)s message", "%(count)s messages", messages, count=t.number(messages)),
    ]
    if messages:
        parts.append(t.gettext("%(share)s passing DMARC", share=t.percent(passing / messages)))
    return " \u00b7 ".join(parts)


def _domain_view(
    summary: DomainSummary,
    index: int,
    *,
    previous: compose.Totals | None,
    days: tuple[dt.date, dt.date],
    posture: tuple[PostureFinding, ...] | None,
    t: Translator,
    png: bool,
) -> DomainView:
    anchor = f"domain-{index}"
    names = summary.catalogue.name
    gallery = domain_gallery(summary, index, days[0], days[1], t, png=png)
    verdict, verdict_text = compose.verdict(summary.findings, t)
    tables: tuple[TableView, ...] = ()
    if summary.messages:
        tables = (
            compose.senders_table(summary.senders(), names, t),
            compose.receivers_table(summary.receivers(), t),
            compose.failing_table(summary.failing_sources(), t),
        )
        identities = summary.sendgrid_identities()
        if len(identities):
            tables += (compose.identities_table(identities, t),)
    return DomainView(
        index=index,
        anchor=anchor,
        domain=summary.domain,
        has_data=bool(summary.messages),
        metrics=compose.metrics(summary, previous, t),
        verdict=verdict,
        verdict_text=verdict_text,
        findings=tuple(compose.finding_view(f, names, t) for f in summary.findings),
        charts=gallery.charts,
        chart_notes=gallery.notes,
        tables=tables,
        posture=tuple(compose.posture_view(f, t) for f in posture) if posture is not None else None,
        counts=compose.severity_counts(summary.findings, t),
    )


def _posture(
    engine: Engine, summary: DomainSummary, options: ReportOptions, t: Translator
) -> tuple[PostureFinding, ...] | None:
    """The DNS check of the domain, when asked for (``report --dns``)."""
    if options.dns is None:
        return None
    seen = seen_in_reports(engine, summary.domain, summary.catalogue)
    report = assess_domain(summary.domain, resolver_config=options.dns, seen=seen, language=t.lang)
    return report.findings


def previous_totals(
    engine: Engine, result: Analysis, catalogue: Catalogue
) -> dict[str, compose.Totals]:
    """Messages and DMARC pass share per domain in the period of the same length just before."""
    domains = tuple(d.domain for d in result.domains)
    if not domains:
        return {}
    length = result.period.until - result.period.since
    start = result.period.since - length
    selection = Selection(
        domains=domains,
        since=int(start.timestamp()),
        until=int(result.period.since.timestamp()),
    )
    rows = load_rows(engine, selection)
    if rows.empty:
        return {}
    policy_domains = [a.domain for a in load_activity(engine)]
    rows = prepare(engine, rows, catalogue, policy_domains)
    totals = rows.groupby(c.DOMAIN)[c.MESSAGES].sum()
    passing = rows[rows[c.DMARC_PASS]].groupby(c.DOMAIN)[c.MESSAGES].sum()
    days = rows.groupby(c.DOMAIN)[c.DAY].nunique()
    span = int(length / ONE_DAY)
    return {
        str(domain): compose.Totals(
            messages=int(total),
            pass_share=float(passing.get(domain, 0)) / int(total),
            days=int(days.get(domain, 0)),
            length=span,
        )
        for domain, total in totals.items()
        if int(total)
    }
