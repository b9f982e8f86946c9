"""Read the store into DataFrames, with the heavy aggregation done by the database.

One row of :func:`load_rows` is a group of records that agree on everything the analysis
looks at (policy domain, day, receiver, published policy, source IP, identifiers,
policy_evaluated, the DKIM/SPF auth results and the override reasons), with their message
counts summed. For a month of one domain this is far fewer rows than records. SQLAlchemy
Core only; the same statements run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dmarcwatch.analysis import columns as c
from dmarcwatch.ingest import schema

SECONDS_PER_DAY = 86400
_SIG_SEP = " "
_FIELD_SEP = "|"


@dataclass(frozen=True, slots=True)
class Selection:
    """Which records to read. Times are epoch seconds (UTC) on the reports' ``begin``."""

    domains: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None
    receivers: tuple[str, ...] = ()
    ips: tuple[str, ...] = ()


def _report_filter(sel: Selection) -> list[sa.ColumnElement[bool]]:
    r = schema.reports
    where: list[sa.ColumnElement[bool]] = []
    if sel.domains:
        # the parser stores domains lower-case, so the (policy_domain, begin_ts) index applies
        where.append(r.c.policy_domain.in_([d.lower().rstrip(".") for d in sel.domains]))
    if sel.since is not None:
        where.append(r.c.begin_ts >= sel.since)
    if sel.until is not None:
        where.append(r.c.begin_ts < sel.until)
    if sel.receivers:
        where.append(sa.or_(*(_receiver_matches(x) for x in sel.receivers)))
    return where


def _receiver_matches(receiver: str) -> sa.ColumnElement[bool]:
    """A receiver given as ``google.com`` matches the org name or the report's e-mail domain."""
    r = schema.reports
    name = receiver.lower()
    return sa.or_(
        sa.func.lower(r.c.org_name) == name,
        sa.func.lower(r.c.email).like(f"%@{_escape_like(name)}", escape="\\"),
        sa.func.lower(r.c.email).like(f"%.{_escape_like(name)}", escape="\\"),
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _joined(
    table: sa.Table, parts: Iterable[sa.ColumnElement[str]], rec: sa.FromClause
) -> sa.ScalarSelect[str]:
    """A correlated sub-select joining the rows of *table* that belong to one record."""
    pieces = list(parts)
    expr: sa.ColumnElement[str] = pieces[0]
    for part in pieces[1:]:
        expr = expr + _FIELD_SEP + part
    return (
        sa.select(sa.func.aggregate_strings(expr, _SIG_SEP))
        .where(table.c.report_pk == rec.c.report_pk, table.c.record_seq == rec.c.seq)
        .scalar_subquery()
    )


def _low(column: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    return sa.func.lower(sa.func.coalesce(column, ""))


def rows_statement(sel: Selection) -> sa.Select[tuple[object, ...]]:
    """The aggregation statement behind :func:`load_rows` (exposed for EXPLAIN/benchmarks)."""
    r, rec = schema.reports, schema.records
    d, s, x = schema.dkim_results, schema.spf_results, schema.reasons
    dkim_sig = _joined(d, [_low(d.c.domain), _low(d.c.selector), _low(d.c.result)], rec)
    spf_sig = _joined(s, [_low(s.c.domain), _low(s.c.scope), _low(s.c.result)], rec)
    reason_sig = _joined(x, [_low(x.c.type)], rec)
    day = (r.c.begin_ts // SECONDS_PER_DAY).label(c.DAY)
    keys = [
        r.c.policy_domain.label(c.DOMAIN),
        day,
        r.c.org_name.label(c.RECEIVER),
        r.c.adkim.label(c.ADKIM),
        r.c.aspf.label(c.ASPF),
        r.c.p.label(c.P),
        r.c.sp.label(c.SP),
        rec.c.source_ip.label(c.SOURCE_IP),
        sa.func.lower(rec.c.header_from).label(c.HEADER_FROM),
        sa.func.lower(sa.func.coalesce(rec.c.envelope_from, "")).label(c.ENVELOPE_FROM),
        rec.c.disposition.label(c.DISPOSITION),
        rec.c.dkim.label(c.PE_DKIM),
        rec.c.spf.label(c.PE_SPF),
        dkim_sig.label(c.DKIM_SIG),
        spf_sig.label(c.SPF_SIG),
        reason_sig.label(c.REASONS),
    ]
    inner = sa.select(*keys, rec.c["count"], r.c.end_ts).select_from(
        rec.join(r, r.c.id == rec.c.report_pk)
    )
    inner = inner.where(*_report_filter(sel))
    if sel.ips:
        inner = inner.where(rec.c.source_ip.in_(sel.ips))
    sub = inner.subquery("grouped")
    group = [sub.c[k.name] for k in keys]
    return sa.select(
        *group,
        sa.func.sum(sub.c["count"]).label(c.MESSAGES),
        sa.func.count().label(c.RECORDS),
        sa.func.max(sub.c.end_ts).label(c.REPORT_END),
    ).group_by(*group)


ROW_COLUMNS = [
    c.DOMAIN,
    c.DAY,
    c.RECEIVER,
    c.ADKIM,
    c.ASPF,
    c.P,
    c.SP,
    c.SOURCE_IP,
    c.HEADER_FROM,
    c.ENVELOPE_FROM,
    c.DISPOSITION,
    c.PE_DKIM,
    c.PE_SPF,
    c.DKIM_SIG,
    c.SPF_SIG,
    c.REASONS,
    c.MESSAGES,
    c.RECORDS,
    c.REPORT_END,
]


def load_rows(engine: Engine, sel: Selection) -> pd.DataFrame:
    """Aggregated records for *sel* (see the module docstring); empty frame if none."""
    with engine.connect() as conn:
        result = conn.execute(rows_statement(sel))
        data = [tuple(row) for row in result]  # plain tuples: pandas reads them much faster
    frame = pd.DataFrame.from_records(data, columns=ROW_COLUMNS, nrows=len(data))
    return normalise_rows(frame)


def normalise_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Types and canonical signatures: sorted DKIM/SPF/reason parts, days as dates."""
    frame = frame.copy()
    for col in (c.DKIM_SIG, c.SPF_SIG, c.REASONS):
        frame[col] = _canonical(frame[col])
    for col in (c.ENVELOPE_FROM, c.HEADER_FROM, c.SOURCE_IP):
        frame[col] = frame[col].fillna("").astype(object)
    frame[c.DAY] = pd.to_datetime(frame[c.DAY].astype("int64") * SECONDS_PER_DAY, unit="s")
    frame[c.MESSAGES] = frame[c.MESSAGES].astype("int64")
    frame[c.RECORDS] = frame[c.RECORDS].astype("int64")
    frame[c.REPORT_END] = frame[c.REPORT_END].astype("int64")
    if frame.empty:
        return frame
    keys = [k for k in ROW_COLUMNS if k not in (c.MESSAGES, c.RECORDS, c.REPORT_END)]
    return (
        frame.groupby(keys, dropna=False, sort=False)
        .agg({c.MESSAGES: "sum", c.RECORDS: "sum", c.REPORT_END: "max"})
        .reset_index()
    )


def _canonical(series: pd.Series) -> pd.Series:
    """Sort the parts of each signature text so equal sets compare equal (unique values only)."""
    codes, uniques = pd.factorize(series.fillna(""), use_na_sentinel=False)
    fixed = [_SIG_SEP.join(sorted(str(u).split(_SIG_SEP))) if u else "" for u in uniques]
    return pd.Series(pd.array(fixed, dtype=object)[codes], index=series.index, dtype=object)


@dataclass(frozen=True, slots=True)
class DomainActivity:
    """When the store last heard about a policy domain."""

    domain: str
    reports: int
    last_end: int
    last_ingested: dt.datetime | None


def load_activity(engine: Engine, domains: Iterable[str] = ()) -> list[DomainActivity]:
    """Per policy domain (all, or *domains*): report count, latest end and latest ingestion."""
    r = schema.reports
    domain = r.c.policy_domain
    stmt = sa.select(
        domain, sa.func.count(), sa.func.max(r.c.end_ts), sa.func.max(r.c.ingested_at)
    ).group_by(domain)
    wanted = [d.lower() for d in domains]
    if wanted:
        stmt = stmt.where(domain.in_(wanted))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return [
        DomainActivity(str(d), int(n), int(end), _aware(ingested)) for d, n, end, ingested in rows
    ]


def _aware(value: object) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite max() over a TypeDecorator column returns raw text
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def policy_domains(engine: Engine) -> dict[str, int]:
    """Every policy domain with the begin of its newest report (read from the index only)."""
    r = schema.reports
    stmt = sa.select(r.c.policy_domain, sa.func.max(r.c.begin_ts)).group_by(r.c.policy_domain)
    with engine.connect() as conn:
        return {str(d): int(b) for d, b in conn.execute(stmt)}


def latest_end(engine: Engine, sel: Selection) -> int | None:
    """The latest report end (epoch seconds) among reports matching *sel* (without times)."""
    r = schema.reports
    plain = Selection(domains=sel.domains, receivers=sel.receivers)
    stmt = sa.select(sa.func.max(r.c.end_ts)).where(*_report_filter(plain))
    with engine.connect() as conn:
        value = conn.execute(stmt).scalar()
    return int(value) if value is not None else None


def load_rdns(engine: Engine, ips: Iterable[str]) -> dict[str, str]:
    """Cached reverse-DNS names for *ips* (only those with a name)."""
    wanted = sorted(set(ips))
    found: dict[str, str] = {}
    t = schema.rdns_cache
    with engine.connect() as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            stmt = sa.select(t.c.ip, t.c.name).where(t.c.ip.in_(chunk), t.c.name.is_not(None))
            found.update({str(ip): str(name).lower() for ip, name in conn.execute(stmt)})
    return found
