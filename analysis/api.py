"""What callers use: analyse a store for some domains and a period, get tables and findings.

The period is anchored on the data: without an explicit ``until`` it ends with the newest
report matching the selection, so "the last 7 days" means the last 7 days that have reports
(on a live store that is the last 7 days). Policy readiness always looks at 14 days at least.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from . import columns as c
from . import tables
from .alignment import align
from .catalogue import Catalogue, load_catalogue
from .classify import classify, with_spf
from .dns.discovery import OrgDomains
from .failureevidence import with_failure_reports
from .findings import Finding, worst_first
from .inventory import Approval, Inventory, inventories
from .owners import OwnerLookup, add_owners
from .read import SECONDS_PER_DAY, Reader, Selection, SetAside
from .read.failurereports import FailureRow
from .read.overview import DomainActivity
from .read.rows import ROW_BUDGET, Folded, no_rows
from .read.tlsreports import TlsFailureRow, TlsTotals
from .rules import Context, diagnose
from .rules.base import READINESS_DAYS
from .tlsfindings import tls_findings
from .workers import map_forked, worker_count

DEFAULT_SPAN = dt.timedelta(days=7)
FORK_FROM_DOMAINS = 32  # the rules of one domain take tens of milliseconds; a worker's fork more


@dataclass(frozen=True, slots=True)
class Query:
    """What to analyse. ``configured`` domains are expected to get reports (``no-reports``)."""

    domains: tuple[str, ...] = ()
    span: dt.timedelta = DEFAULT_SPAN
    since: dt.datetime | None = None  # an explicit start overrides span
    until: dt.datetime | None = None
    receivers: tuple[str, ...] = ()
    ips: tuple[str, ...] = ()
    configured: tuple[str, ...] = ()
    no_reports_days: int = 7
    include_unverified: bool = False  # count reports from mails without a usable DKIM signature
    as_of: dt.date | None = None  # evaluate as at the end of this UTC day; later data ignored

    @property
    def as_of_end(self) -> dt.datetime | None:
        """The end of the ``as_of`` day (UTC), the moment the analysis pretends it is."""
        if self.as_of is None:
            return None
        start = dt.datetime.combine(self.as_of, dt.time(), dt.UTC)
        return start + dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    since: dt.datetime
    until: dt.datetime


@dataclass(frozen=True)
class DomainSummary:
    """Everything the report needs about one policy domain for one period."""

    domain: str
    period: Period
    policy: dict[str, str]  # p, sp, adkim, aspf of the newest report ({} without data)
    rows: pd.DataFrame  # classified and aligned rows of the period
    findings: list[Finding]
    catalogue: Catalogue = field(repr=False)
    tls: list[TlsTotals] = field(default_factory=list)
    """SMTP TLS sessions of the period per reporter and policy type (RFC 8460)."""
    tls_failures: list[TlsFailureRow] = field(default_factory=list)
    totals: tuple[int, int] | None = None
    """Messages and messages passing DMARC, when the rows were dropped (:meth:`without_rows`)."""
    _tables: dict[str, pd.DataFrame] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def messages(self) -> int:
        return self._counts()[0]

    @property
    def dmarc_pass_share(self) -> float:
        messages, passing = self._counts()
        return passing / messages if messages else 0.0

    def without_rows(self) -> DomainSummary:
        """This summary with its totals but none of its rows (nor tables made from them)."""
        empty = self.rows.iloc[0:0].copy()  # a copy: a slice would keep the rows' arrays
        return replace(self, rows=empty, totals=self._counts())

    def _counts(self) -> tuple[int, int]:
        return self.totals if self.totals is not None else message_counts(self.rows)

    def senders(self) -> pd.DataFrame:
        return self._table("senders", lambda: tables.by_sender(self.rows, self.catalogue))

    def receivers(self) -> pd.DataFrame:
        return self._table("receivers", lambda: tables.by_receiver(self.rows))

    def daily(self) -> pd.DataFrame:
        return self._table("daily", lambda: tables.by_day(self.rows))

    def sendgrid_matrix(self) -> pd.DataFrame:
        return self._table("sendgrid_matrix", lambda: tables.sendgrid_matrix(self.rows))

    def sendgrid_identities(self) -> pd.DataFrame:
        return self._table("sendgrid_identities", lambda: tables.sendgrid_identities(self.rows))

    def failing_sources(self) -> pd.DataFrame:
        return self._table(
            "failing_sources", lambda: tables.failing_sources(self.rows, self.catalogue)
        )

    def _table(self, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A table of the rows, made once (the report's charts and tables both ask for it);
        each caller gets its own copy to change."""
        if name not in self._tables:
            self._tables[name] = make()
        return self._tables[name].copy()


@dataclass(frozen=True)
class Analysis:
    period: Period
    domains: list[DomainSummary]
    rows: pd.DataFrame

    @property
    def findings(self) -> list[Finding]:
        return worst_first([f for d in self.domains for f in d.findings])


def analyse(
    reader: Reader,
    query: Query = Query(),  # noqa: B008 - frozen dataclass, safe as a default
    *,
    catalogue: Catalogue | None = None,
    now: dt.datetime | None = None,
    as_of: dt.datetime | None = None,
    ip_data: OwnerLookup | None = None,
    approvals: Sequence[Approval] = (),
    workers: int | None = None,
    row_budget: int | None = None,
    keep_rows: bool = True,
) -> Analysis:
    """Load, classify and align the selected rows, then run every rule per policy domain.

    Without an explicit ``since``/``until`` each domain's period ends with its own newest
    report (domains whose reports stopped are still analysed over their last days of data;
    ``no-reports`` says they stopped). Domains sharing an end are read with one query.
    Freshness (``no-reports``, ``reports-stopped``) is measured against *as_of*: by default
    the query's ``until``, else the end of the latest period (the command line passes "now").
    A domain holds at most *row_budget* rows (default :data:`.read.rows.ROW_BUDGET`); past it
    the smallest groups of records are folded and ``rows-folded`` says so.
    Many domains are diagnosed by *workers* forked processes (default: one per CPU, see
    :func:`.workers.worker_count`); the findings are the same.

    With *keep_rows* off the domains are read and diagnosed a few at a time, about
    :data:`CHUNK_ROWS` rows at once, and each summary keeps its totals but not its rows
    (nor does the analysis): the findings are the same, and memory no longer grows with the
    number of domains. For callers that need only findings and totals.
    """
    catalogue = catalogue or load_catalogue()
    cutoff = query.as_of_end
    now = cutoff or now or dt.datetime.now(dt.UTC)
    query = _capped(query, cutoff)
    domains = tuple(d.lower().rstrip(".") for d in query.domains)
    newest = reader.policy_domains(before=_epoch(cutoff))
    periods = _periods(query, newest, domains, now)
    overall = _overall(periods, now)
    plan = _Plan(
        reader, query, domains, catalogue, now, as_of or cutoff or query.until or overall.until,
        newest, periods, overall, ip_data, approvals, row_budget,
    )  # fmt: skip
    return plan.whole(workers) if keep_rows else plan.in_chunks(workers)


CHUNK_ROWS = 100_000
"""About the rows ``analyse(keep_rows=False)`` holds at a time (a domain is never split)."""

Groups = list[tuple[Period, tuple[str, ...]]]  # domains read together, with their period


@dataclass(frozen=True)
class _Part:
    """The classified rows of some domains, read together, and what the reads said."""

    rows: pd.DataFrame  # each domain's period
    history: pd.DataFrame  # from the start of the readiness window on
    folded: dict[str, Folded]
    left_out: dict[str, SetAside]


@dataclass(frozen=True)
class _Plan:
    """One analysis: what :func:`analyse` worked out before reading any record."""

    reader: Reader
    query: Query
    domains: tuple[str, ...]  # the query's, normalised; () for every domain
    catalogue: Catalogue
    now: dt.datetime
    as_of: dt.datetime
    newest: dict[str, int]
    periods: dict[Period, tuple[str, ...]]
    overall: Period
    ip_data: OwnerLookup | None
    approvals: Sequence[Approval]
    row_budget: int | None

    def whole(self, workers: int | None) -> Analysis:
        """Every domain's rows read at once and kept."""
        part = self._part(list(self.periods.items()))
        seen = set(self.domains or _known(part.rows, self.newest, self.as_of))
        wanted = sorted(seen | set(part.left_out) | set(self.query.configured))
        count = worker_count(workers, len(wanted), worth_from=FORK_FROM_DOMAINS)
        return Analysis(self.overall, self._summaries(part, wanted, count), part.rows)

    def in_chunks(self, workers: int | None) -> Analysis:
        """The domains a chunk of rows at a time, their rows dropped (``keep_rows=False``)."""
        chunks = self._chunks()
        before = {d for d, begin in self.newest.items() if begin < self.as_of.timestamp()}
        expected = set(self.domains or before) | set(self.query.configured)
        covered = {d for chunk in chunks for _, group in chunk for d in group}
        count = worker_count(workers, len(expected | covered), worth_from=FORK_FROM_DOMAINS)
        summaries: list[DomainSummary] = []
        for chunk in chunks:
            part = self._part(chunk)
            seen = set(self.domains or _known(part.rows, self.newest, self.as_of))
            wanted = seen | set(part.left_out) | set(self.query.configured)
            names = sorted(d for _, group in chunk for d in group if d in wanted)
            summaries += self._summaries(part, names, count, keep_rows=False)
        rest = sorted(expected - covered)  # not read at all (no-reports and the like)
        if rest:
            summaries += self._summaries(self._part([]), rest, count, keep_rows=False)
        summaries.sort(key=lambda summary: summary.domain)
        return Analysis(self.overall, summaries, pd.DataFrame())

    def _chunks(self) -> list[Groups]:
        """The periods' domains in chunks of about :data:`CHUNK_ROWS` rows, counted from
        their record groups (a domain's rows are at most its groups, and at most the budget)."""
        budget = self.row_budget or ROW_BUDGET
        chunks: list[list[tuple[Period, str]]] = [[]]
        size = 0
        for period, group in self.periods.items():
            names = group or tuple(sorted(self.newest))
            sel = _selection(self.query, names, period)
            counts = self.reader.group_counts(sel) if names else {}
            for name in names:
                rows = min(counts.get(name, 0), budget)
                if chunks[-1] and size + rows > CHUNK_ROWS:
                    chunks.append([])
                    size = 0
                chunks[-1].append((period, name))
                size += rows
        return [_by_period(chunk) for chunk in chunks if chunk]

    def _part(self, groups: Groups) -> _Part:
        selections = [_selection(self.query, group, period) for period, group in groups]
        loaded = [self.reader.analysis_rows(sel, self.row_budget) for sel in selections]
        frames = [part.frame for part in loaded] or [no_rows()]
        filled = [f for f in frames if not f.empty] or frames[:1]
        raw = pd.concat(filled, ignore_index=True) if len(filled) > 1 else filled[0]
        prepared = prepare(self.reader, raw, self.catalogue, list(self.newest))
        history = _plain(add_owners(prepared, self.ip_data))
        return _Part(
            rows=_within_periods(history, self._period_of, self.overall),
            history=history,
            folded={d: f for part in loaded for d, f in part.folded.items()},
            left_out={d: s for sel in selections for d, s in self.reader.set_aside(sel).items()},
        )

    @functools.cached_property
    def _period_of(self) -> dict[str, Period]:
        return {d: p for p, group in self.periods.items() for d in group}

    @functools.cached_property
    def _store_last(self) -> int | None:
        """When the store's newest report began."""
        return max(self.newest.values(), default=None)

    def _summaries(
        self, part: _Part, wanted: list[str], workers: int, keep_rows: bool = True
    ) -> list[DomainSummary]:
        """Diagnose the *wanted* domains of *part*."""
        reader = self.reader
        before = _epoch(self.query.as_of_end)
        activity = {a.domain: a for a in reader.activity(wanted, before)} if wanted else {}
        others = _OtherReports.read(reader, self.query, tuple(wanted), self.overall)
        approved = inventories([*reader.approvals(wanted), *self.approvals]) if wanted else {}
        contexts = self._contexts(part, wanted, activity, approved)
        diagnosed = map_forked(diagnose, contexts, workers, after_fork=reader.after_fork)
        period_of = self._period_of
        summaries = []
        for ctx, findings in zip(contexts, diagnosed, strict=True):
            period = period_of.get(ctx.domain, self.overall)
            summary = _summarise(ctx, period, others.of(ctx.domain, period), findings)
            summaries.append(summary if keep_rows else summary.without_rows())
        return summaries

    def _contexts(
        self,
        part: _Part,
        wanted: list[str],
        activity: dict[str, DomainActivity],
        approved: Mapping[str, Inventory],
    ) -> list[Context]:
        rows_of, history_of = _split(part.rows, wanted), _split(part.history, wanted)
        return [
            Context(
                domain=domain,
                rows=rows_of[domain],
                history=history_of[domain],
                catalogue=self.catalogue,
                activity=activity.get(domain),
                store_last_begin=self._store_last,
                last_begin=self.newest.get(domain),
                now=self.now,
                no_reports_days=self.query.no_reports_days,
                set_aside=part.left_out.get(domain),
                as_of_moment=self.as_of,
                inventory=approved.get(domain),
                folded=part.folded.get(domain),
            )
            for domain in wanted
        ]


def _by_period(chunk: list[tuple[Period, str]]) -> Groups:
    """``[(period, domain), …]`` as ``[(period, (domain, …)), …]``, in order."""
    groups: dict[Period, list[str]] = {}
    for period, name in chunk:
        groups.setdefault(period, []).append(name)
    return [(period, tuple(names)) for period, names in groups.items()]


def _plain(rows: pd.DataFrame) -> pd.DataFrame:
    """*rows* with text columns as plain ``object`` arrays, kept together in one block.

    pandas' own text type keeps each column apart (and, where pyarrow is installed, in Arrow
    arrays): every filter of a domain's few rows then costs a take per column, which the
    rules, filtering thousands of times, pay many times over. The values are the same.
    """
    text = [k for k, dtype in rows.dtypes.items() if isinstance(dtype, pd.StringDtype)]
    if not text:
        return rows
    return rows.astype(dict.fromkeys(text, object)).copy()  # the copy joins the blocks


def _within_periods(
    history: pd.DataFrame, period_of: dict[str, Period], overall: Period
) -> pd.DataFrame:
    """The rows of *history* from the first day of their domain's period on."""
    if history.empty:
        return history
    first = {d: _naive(period_of.get(d, overall).since) for d in history[c.DOMAIN].unique()}
    return history[history[c.DAY] >= history[c.DOMAIN].map(first)]


def _split(rows: pd.DataFrame, domains: Sequence[str]) -> dict[str, pd.DataFrame]:
    """The rows of each of *domains* (in their order in *rows*; empty for a domain without)."""
    parts = {str(d): part for d, part in rows.groupby(c.DOMAIN, sort=False)}
    return {d: parts.get(d, rows.iloc[0:0]) for d in domains}


def _capped(query: Query, cutoff: dt.datetime | None) -> Query:
    """*query* with an explicit ``until`` no later than the ``as_of`` cut-off."""
    if cutoff is None or query.until is None or query.until <= cutoff:
        return query
    return replace(query, until=cutoff)


def _epoch(moment: dt.datetime | None) -> int | None:
    return int(moment.timestamp()) if moment is not None else None


def _known(rows: pd.DataFrame, newest: dict[str, int], as_of: dt.datetime) -> set[str]:
    """Domains with rows, and every domain that had reports before *as_of* (``no-reports``
    tells those that fell silent)."""
    before = {d for d, begin in newest.items() if begin < as_of.timestamp()}
    return {str(d) for d in rows[c.DOMAIN].unique()} | before


def _naive(moment: dt.datetime) -> pd.Timestamp:
    return pd.Timestamp(moment.replace(tzinfo=None))


def _selection(query: Query, group: tuple[str, ...], period: Period) -> Selection:
    history = min(period.since, period.until - dt.timedelta(days=READINESS_DAYS))
    return Selection(
        domains=group,
        since=int(history.timestamp()),
        until=int(period.until.timestamp()),
        receivers=query.receivers,
        ips=query.ips,
        include_unverified=query.include_unverified,
    )


def _periods(
    query: Query, newest: dict[str, int], domains: tuple[str, ...], now: dt.datetime
) -> dict[Period, tuple[str, ...]]:
    """The period of each group of domains (``()`` as a group means every domain)."""
    if query.until is not None or query.since is not None or not newest:
        return {_period(query, query.until or now): domains}
    ends: dict[dt.datetime, list[str]] = {}
    for domain, begin in newest.items():
        if not domains or domain in domains:
            end = _day(dt.datetime.fromtimestamp(begin, dt.UTC)) + dt.timedelta(days=1)
            ends.setdefault(end, []).append(domain)
    if not ends:
        return {_period(query, now): domains}
    return {_period(query, end): tuple(sorted(group)) for end, group in ends.items()}


def _period(query: Query, until: dt.datetime) -> Period:
    """Whole UTC days ending with the day before *until* (exclusive end)."""
    last_day = _day(until - dt.timedelta(seconds=1))
    if query.since is not None:
        since = _day(query.since)
    else:
        days = max(1, round(query.span / dt.timedelta(days=1)))
        since = last_day - dt.timedelta(days=days - 1)
    return Period(since=since, until=last_day + dt.timedelta(days=1))


def _overall(periods: dict[Period, tuple[str, ...]], now: dt.datetime) -> Period:
    if not periods:
        return Period(now, now)
    return Period(min(p.since for p in periods), max(p.until for p in periods))


def prepare(
    reader: Reader | None, rows: pd.DataFrame, catalogue: Catalogue, policy_domains: Sequence[str]
) -> pd.DataFrame:
    """Classify and align loaded rows (rDNS names from the store's cache when *reader*)."""
    rdns = reader.rdns_names(rows[c.SOURCE_IP].unique()) if reader is not None else {}
    orgs = OrgDomains.from_policy_domains(list(policy_domains))
    return align(classify(rows, catalogue, rdns), orgs)


def passing_totals(rows: pd.DataFrame, policy_domains: Sequence[str]) -> tuple[int, int]:
    """Messages of loaded *rows* and those passing DMARC, as :func:`prepare` would count
    them: alignment needs the SPF result and the DKIM results, not who the senders are."""
    orgs = OrgDomains.from_policy_domains(list(policy_domains))
    return message_counts(align(with_spf(rows), orgs))


def message_counts(aligned: pd.DataFrame) -> tuple[int, int]:
    """Messages of aligned rows, and those passing DMARC."""
    if aligned.empty:
        return 0, 0
    passing = aligned.loc[aligned[c.DMARC_PASS], c.MESSAGES].sum()
    return int(aligned[c.MESSAGES].sum()), int(passing)


def summary(
    reader: Reader,
    domain: str,
    since: dt.datetime,
    until: dt.datetime,
    *,
    catalogue: Catalogue | None = None,
    now: dt.datetime | None = None,
) -> DomainSummary:
    """One domain over an explicit period (what the HTML report calls per domain)."""
    query = Query(domains=(domain,), since=since, until=until)
    return analyse(reader, query, catalogue=catalogue, now=now).domains[0]


def _day(moment: dt.datetime) -> dt.datetime:
    stamp = int(moment.timestamp()) // SECONDS_PER_DAY * SECONDS_PER_DAY
    return dt.datetime.fromtimestamp(stamp, dt.UTC)


@dataclass(frozen=True)
class _OtherReports:
    """TLS and failure reports of the analysed domains over the whole period."""

    tls: list[TlsTotals]
    tls_failures: list[TlsFailureRow]
    failures: list[FailureRow]

    @classmethod
    def read(
        cls, reader: Reader, query: Query, domains: tuple[str, ...], period: Period
    ) -> _OtherReports:
        if not domains:
            return cls([], [], [])
        sel = Selection(
            domains=domains,
            since=int(period.since.timestamp()),
            until=int(period.until.timestamp()),
            receivers=query.receivers,
        )
        return cls(reader.tls_totals(sel), reader.tls_failures(sel), reader.failure_reports(sel))

    def of(self, domain: str, period: Period) -> _OtherReports:
        """The reports of one domain within its own period."""
        first, last = period.since.date(), (period.until - dt.timedelta(seconds=1)).date()
        return _OtherReports(
            [t for t in self.tls if t.domain == domain and t.last_day >= first],
            [f for f in self.tls_failures if f.domain == domain and first <= f.day <= last],
            [f for f in self.failures if f.domain == domain],
        )


def _summarise(
    ctx: Context, period: Period, others: _OtherReports, diagnosed: list[Finding]
) -> DomainSummary:
    policy = {}
    if not ctx.rows.empty:
        newest = int(ctx.rows[c.REPORT_END].to_numpy().argmax())
        policy = {k: str(ctx.rows[k].iloc[newest]) for k in (c.P, c.SP, c.ADKIM, c.ASPF)}
    findings = diagnosed + tls_findings(ctx.domain, others.tls, others.tls_failures)
    findings = with_failure_reports(worst_first(findings), others.failures)
    return DomainSummary(
        ctx.domain,
        period,
        policy,
        ctx.rows,
        findings,
        ctx.catalogue,
        tls=others.tls,
        tls_failures=others.tls_failures,
    )
