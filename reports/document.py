"""The whole report: analyse the store, compose every domain, render the page and the digest.

Same store and options, same page, except the generation time: the period is anchored on
the data (analysis), the charts are written with fixed ids and no date, and nothing depends
on the order rows come back from the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from ..analysis import columns as c
from ..analysis.api import DomainSummary, Period, Query, analyse, passing_totals
from ..analysis.catalogue import Catalogue, load_catalogue
from ..analysis.check import CheckFinding, assess_domain, seen_in_reports
from ..analysis.dns.resolver import ResolverConfig
from ..analysis.findings import Severity
from ..analysis.inventory import Approval
from ..analysis.owners import shared
from ..analysis.read import SECONDS_PER_DAY, Reader, Selection
from ..analysis.workers import map_forked, worker_count
from . import compose
from .charts import RenderedChart
from .gallery import domain_gallery
from .html import render_html
from .i18n import Translator
from .text import digest_subject, digest_text
from .tls import tls_tables
from .view import DomainView, ReportView, RollupRow, TableView

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
    workers: int | None = None  # processes drawing domains; None: one per CPU from 4 domains
    include_unverified: bool = False  # count reports from mail without the reporter's DKIM
    ip_data: Path | None = None  # the IP owner data file; None: the default one, if installed
    approvals: tuple[Approval, ...] = ()  # the config's sender inventory (the store's is read)


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
    reader: Reader,
    options: ReportOptions = ReportOptions(),  # noqa: B008 - frozen dataclass
    *,
    catalogue: Catalogue | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """Analyse the store and write the report; *now* is the generation time (default: now).

    Domains are analysed one at a time and only their views are kept, so memory follows the
    largest domain, not the store. Every domain gets the same period: a span ends with the
    newest report of the selected domains, as in :mod:`analysis.api`.
    """
    t = Translator.for_language(options.lang)
    now = now or dt.datetime.now(dt.UTC)
    catalogue = catalogue or load_catalogue()
    period = report_period(reader, options, now)
    newest = reader.policy_domains()
    domains = options.domains or (
        *reader.domains_with_records(_selection(period)),
        *recently_silent(newest, period),
    )
    as_of = options.until or now
    job = _Job(reader, period, options, catalogue, list(newest), t, now, as_of)
    done = _run(job, sorted(set(domains)))
    view = _report_view([d for _, d in sorted(done, key=lambda x: x[0])], period, options, t, now)
    view = replace(view, stale=stale_notice(reader, options.domains, as_of, t))
    return Report(view, render_html(view, t), digest_text(view, t), digest_subject(view, t))


STALE_DAYS = 3


def stale_notice(
    reader: Reader, domains: tuple[str, ...], as_of: dt.datetime, t: Translator
) -> str:
    """A warning when the newest stored report (of *domains*) ended over 3 days before *as_of*."""
    newest = reader.latest_end(Selection(domains=domains))
    if newest is None:
        return ""
    end = dt.datetime.fromtimestamp(newest, dt.UTC)
    days = (as_of - end) // ONE_DAY
    if days <= STALE_DAYS:
        return ""
    return t.ngettext(
        "The newest stored report ended on %(date)s, %(num)d day before %(as_of)s: this report "
        "may be out of date. Check that dmarcwatch poll runs and that reports still arrive.",
        "The newest stored report ended on %(date)s, %(num)d days before %(as_of)s: this report "
        "may be out of date. Check that dmarcwatch poll runs and that reports still arrive.",
        days,
        date=t.date(end.date()),
        as_of=t.date((as_of - dt.timedelta(seconds=1)).date()),
    )


def recently_silent(newest: dict[str, int], period: Period) -> list[str]:
    """Domains whose last report began in the period of the same length before this one.

    They sent reports until recently and then stopped: the overview must show them (with
    the ``no-reports`` finding), not drop them. Domains silent for longer are left out.
    """
    length = period.until - period.since
    start = int((period.since - length).timestamp())
    end = int(period.since.timestamp())
    return sorted(d for d, begin in newest.items() if start <= begin < end)


def _selection(period: Period, domains: tuple[str, ...] = ()) -> Selection:
    return Selection(
        domains=domains, since=int(period.since.timestamp()), until=int(period.until.timestamp())
    )


def report_period(reader: Reader, options: ReportOptions, now: dt.datetime) -> Period:
    """Whole UTC days; without ``until`` they end with the newest report of the domains."""
    until = options.until
    if until is None:
        newest = reader.latest_end(Selection(domains=options.domains))
        until = dt.datetime.fromtimestamp(newest, dt.UTC) if newest is not None else now
    last_day = _day(until - dt.timedelta(seconds=1))
    if options.since is not None:
        since = _day(options.since)
    else:
        since = last_day - dt.timedelta(days=max(1, round(options.span / ONE_DAY)) - 1)
    return Period(since=since, until=last_day + ONE_DAY)


def _day(moment: dt.datetime) -> dt.datetime:
    stamp = int(moment.timestamp()) // SECONDS_PER_DAY * SECONDS_PER_DAY
    return dt.datetime.fromtimestamp(stamp, dt.UTC)


@dataclass(frozen=True)
class _Done:
    """What is kept of a domain once its rows are dropped: its section and overview line."""

    view: DomainView
    row: RollupRow
    messages: int
    passing: float


@dataclass(frozen=True)
class _Job:
    """What every domain of one report shares."""

    reader: Reader
    period: Period
    options: ReportOptions
    catalogue: Catalogue
    policy_domains: list[str]
    t: Translator
    now: dt.datetime
    as_of: dt.datetime

    def indexed(self, item: tuple[int, str]) -> tuple[tuple[int, str], _Done]:
        index, domain = item
        return self.domain(domain, index)

    def domain(self, domain: str, index: int) -> tuple[tuple[int, str], _Done]:
        """Analyse, draw and put into words one domain; its rows are dropped on return."""
        query = Query(
            domains=(domain,),
            since=self.period.since,
            until=self.period.until,
            include_unverified=self.options.include_unverified,
        )
        summary = analyse(
            self.reader,
            query,
            catalogue=self.catalogue,
            now=self.now,
            as_of=self.as_of,
            ip_data=shared(self.options.ip_data),
            approvals=self.options.approvals,
        ).domains[0]
        previous = previous_totals(self.reader, domain, self.period, self.policy_domains)
        check = _dns_check(self.reader, summary, self.options, self.t)
        view = _domain_view(
            summary, index, previous=previous, days=_days(self.period), check=check,
            t=self.t, png=self.options.png,
        )  # fmt: skip
        row = compose.rollup_row(view.anchor, summary, previous, summary.catalogue.name, self.t)
        messages = summary.messages
        done = _Done(view, row, messages, messages * summary.dmarc_pass_share)
        return _order(summary), done


def _run(job: _Job, domains: list[str]) -> list[tuple[tuple[int, str], _Done]]:
    """Every domain, in forked worker processes when that pays (see :func:`worker_count`)."""
    items = list(enumerate(domains, start=1))
    workers = worker_count(job.options.workers, len(items))
    return map_forked(job.indexed, items, workers, after_fork=job.reader.after_fork)


def _report_view(
    done: list[_Done], period: Period, options: ReportOptions, t: Translator, now: dt.datetime
) -> ReportView:
    first, last = _days(period)
    messages = sum(d.messages for d in done)
    passing = sum(d.passing for d in done)
    return ReportView(
        lang=t.lang,
        title=t.gettext("DMARC report"),
        period=t.date_range(first, last),
        generated=t.moment(now),
        generated_iso=now.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
        domains=tuple(d.view for d in done),
        rollup=tuple(d.row for d in done) if len(done) > 1 else (),
        generator=options.generator,
        summary=_summary_line(len(done), messages, passing, t),
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
    check: tuple[CheckFinding, ...] | None,
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
        tls_tables=tls_tables(summary, t),
        charts=gallery.charts,
        chart_notes=gallery.notes,
        tables=tables,
        check=tuple(compose.check_view(f, t) for f in check) if check is not None else None,
        counts=compose.severity_counts(summary.findings, t),
    )


def _dns_check(
    reader: Reader, summary: DomainSummary, options: ReportOptions, t: Translator
) -> tuple[CheckFinding, ...] | None:
    """The DNS check of the domain, when asked for (``report --dns``)."""
    if options.dns is None:
        return None
    seen = seen_in_reports(reader, summary.domain, summary.catalogue)
    report = assess_domain(summary.domain, resolver_config=options.dns, seen=seen, language=t.lang)
    return report.findings


def previous_totals(
    reader: Reader,
    domain: str,
    period: Period,
    policy_domains: list[str],
) -> compose.Totals | None:
    """Messages and DMARC pass share of *domain* in the period of the same length just before."""
    length = period.until - period.since
    sel = _selection(Period(period.since - length, period.since), (domain,))
    rows = reader.verdict_rows(sel)
    if rows is None:  # a flood past the row budget: counted as the analysis counts it, folded
        rows = reader.rows(sel)
    if rows.empty:
        return None
    total, passing = passing_totals(rows, policy_domains)  # no sender is named: not classified
    if not total:
        return None
    return compose.Totals(
        messages=total,
        pass_share=passing / total,
        days=int(rows[c.DAY].nunique()),
        length=int(length / ONE_DAY),
    )
