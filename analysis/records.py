"""One row per stored record, with its report's metadata, classified and aligned (for exports).

The analysis tables group identical records; an export wants each record as the receiver
reported it. This module reads the records a few hundred reports at a time (so memory stays
bounded however large the store), shapes them like the rows of :mod:`analysis.load`, and lets
:func:`analysis.api.prepare` recompute sender, alignment and DMARC result for each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from dmarcwatch.analysis import columns as c
from dmarcwatch.analysis.api import Period, prepare
from dmarcwatch.analysis.catalogue import Catalogue
from dmarcwatch.analysis.load import SECONDS_PER_DAY, Selection, latest_end, policy_domains
from dmarcwatch.ingest import schema

REPORTS_PER_CHUNK = 500
REPORT_PK = "report_pk"
SEQ = "seq"

# The exported columns, in order. Times are ISO 8601 in UTC.
COLUMNS = (
    "report_id",
    "receiver",
    "receiver_email",
    "report_begin",
    "report_end",
    "policy_domain",
    "p",
    "sp",
    "adkim",
    "aspf",
    "pct",
    "source_ip",
    "reverse_dns",
    "messages",
    "disposition",
    "header_from",
    "envelope_from",
    "envelope_to",
    "dkim_results",
    "spf_results",
    "reasons",
    "sender",
    "sender_name",
    "forwarded",
    "dkim_aligned",
    "spf_aligned",
    "dmarc_result",
    "reporter_dkim",
    "reporter_spf",
    "reporter_result",
    "disagrees",
)
BOOLEAN_COLUMNS = ("forwarded", "dkim_aligned", "spf_aligned", "disagrees")
INTEGER_COLUMNS = ("pct", "messages")


@dataclass(frozen=True)
class RecordSelection:
    """Which records: policy domains (all when empty) and report begin times (epoch s)."""

    domains: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None


def selection_for(
    engine: Engine,
    domains: tuple[str, ...] = (),
    *,
    span: dt.timedelta | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> RecordSelection:
    """Whole UTC days, like the analysis period: a *span* ends with the newest report.

    *until* is exclusive. Without span or since, every record (up to *until*) is selected.
    """
    domains = tuple(d.lower().rstrip(".") for d in domains)
    end = int(until.timestamp()) if until else None
    start = int(since.timestamp()) // SECONDS_PER_DAY * SECONDS_PER_DAY if since else None
    if span is not None and since is None:
        newest = end or latest_end(engine, Selection(domains=domains))
        if newest is None:
            return RecordSelection(domains, None, end)
        last_day = (newest - 1) // SECONDS_PER_DAY * SECONDS_PER_DAY
        days = max(1, round(span / dt.timedelta(days=1)))
        start = last_day - (days - 1) * SECONDS_PER_DAY
        end = end or last_day + SECONDS_PER_DAY
    return RecordSelection(domains, start, end)


def domains_with_reports(engine: Engine, period: Period) -> list[str]:
    """Policy domains with at least one record in reports beginning in *period*."""
    r, rec = schema.reports, schema.records
    has_records = sa.exists().where(rec.c.report_pk == r.c.id)
    stmt = (
        sa.select(r.c.policy_domain)
        .where(
            r.c.begin_ts >= int(period.since.timestamp()),
            r.c.begin_ts < int(period.until.timestamp()),
            has_records,
        )
        .distinct()
        .order_by(r.c.policy_domain)
    )
    with engine.connect() as conn:
        return [str(domain) for domain in conn.scalars(stmt)]


def iter_records(
    engine: Engine,
    selection: RecordSelection,
    catalogue: Catalogue,
    *,
    chunk: int = REPORTS_PER_CHUNK,
) -> Iterator[pd.DataFrame]:
    """Frames of :data:`COLUMNS`, in store order (report, then record), *chunk* reports each."""
    domains = list(policy_domains(engine))  # from the index only
    last = 0
    while True:
        with engine.connect() as conn:
            reports = _reports(conn, selection, last, chunk)
            if reports.empty:
                return
            last = int(reports["id"].max())
            rows = _records(conn, reports)
        if not rows.empty:
            yield export_frame(prepare(engine, rows, catalogue, domains), catalogue)


def _report_filter(selection: RecordSelection) -> list[sa.ColumnElement[bool]]:
    r = schema.reports
    where: list[sa.ColumnElement[bool]] = []
    if selection.domains:
        where.append(r.c.policy_domain.in_(selection.domains))
    if selection.since is not None:
        where.append(r.c.begin_ts >= selection.since)
    if selection.until is not None:
        where.append(r.c.begin_ts < selection.until)
    return where


def _reports(conn: Connection, selection: RecordSelection, after: int, limit: int) -> pd.DataFrame:
    r = schema.reports
    cols = [r.c.id, r.c.org_name, r.c.email, r.c.report_id, r.c.policy_domain, r.c.begin_ts,
            r.c.end_ts, r.c.adkim, r.c.aspf, r.c.p, r.c.sp, r.c.pct]  # fmt: skip
    stmt = (
        sa.select(*cols)
        .where(r.c.id > after, *_report_filter(selection))
        .order_by(r.c.id)
        .limit(limit)
    )
    return pd.DataFrame(conn.execute(stmt).all(), columns=[col.name for col in cols])


def _records(conn: Connection, reports: pd.DataFrame) -> pd.DataFrame:
    """The records of *reports*, with the columns :func:`analysis.api.prepare` expects."""
    ids = [int(i) for i in reports["id"]]
    rec = schema.records
    stmt = (
        sa.select(
            rec.c.report_pk,
            rec.c.seq,
            rec.c.source_ip,
            rec.c["count"],
            rec.c.disposition,
            rec.c.dkim,
            rec.c.spf,
            rec.c.header_from,
            rec.c.envelope_from,
            rec.c.envelope_to,
        )  # fmt: skip
        .where(rec.c.report_pk.in_(ids))
        .order_by(rec.c.report_pk, rec.c.seq)
    )
    names = [REPORT_PK, SEQ, c.SOURCE_IP, c.MESSAGES, c.DISPOSITION, c.PE_DKIM, c.PE_SPF,
             c.HEADER_FROM, c.ENVELOPE_FROM, "envelope_to"]  # fmt: skip
    rows = pd.DataFrame(conn.execute(stmt).all(), columns=names)
    if rows.empty:
        return rows
    rows = rows.merge(reports, left_on=REPORT_PK, right_on="id", how="left", validate="m:1")
    auth = _auth_texts(conn, ids)
    rows = rows.merge(auth, on=[REPORT_PK, SEQ], how="left")
    return _as_analysis_rows(rows)


def _auth_texts(conn: Connection, ids: list[int]) -> pd.DataFrame:
    """Per record: DKIM and SPF results in analysis' signature form, and the reasons."""
    d, s, x = schema.dkim_results, schema.spf_results, schema.reasons
    dkim = _children(conn, d, ["domain", "selector", "result"], ids)
    spf = _children(conn, s, ["domain", "scope", "result"], ids)
    reasons = _children(conn, x, ["type", "comment"], ids)
    comment = reasons["comment"]
    frame = pd.concat(
        {
            c.DKIM_SIG: _per_record(dkim, _signature(dkim, ["domain", "selector", "result"]), " "),
            c.SPF_SIG: _per_record(spf, _signature(spf, ["domain", "scope", "result"]), " "),
            c.REASONS: _per_record(reasons, reasons["type"].str.lower(), " "),
            "reason_text": _per_record(
                reasons,
                reasons["type"].where(comment == "", reasons["type"] + ": " + comment),
                "; ",
            ),
        },
        axis=1,
    )
    return frame.rename_axis([REPORT_PK, SEQ]).reset_index()


def _children(conn: Connection, table: sa.Table, fields: list[str], ids: list[int]) -> pd.DataFrame:
    """The rows of a per-record table (auth results, reasons) for the reports *ids*."""
    stmt = sa.select(table.c.report_pk, table.c.record_seq, *(table.c[f] for f in fields)).where(
        table.c.report_pk.in_(ids)
    )
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=[REPORT_PK, SEQ, *fields])
    for f in fields:
        frame[f] = frame[f].fillna("").astype(str)
    return frame


def _signature(frame: pd.DataFrame, fields: list[str]) -> pd.Series:
    """``domain|selector|result`` in lower case, the form of :mod:`analysis.signatures`."""
    text = frame[fields[0]]
    for f in fields[1:]:
        text = text + "|" + frame[f]
    return text.str.lower()


def _per_record(frame: pd.DataFrame, text: pd.Series, sep: str) -> pd.Series:
    """*text* of each child row joined per record, sorted so equal sets read the same."""
    if frame.empty:
        index = pd.MultiIndex.from_tuples([], names=[REPORT_PK, SEQ])
        return pd.Series(dtype=object, index=index)
    keyed = pd.DataFrame({REPORT_PK: frame[REPORT_PK], SEQ: frame[SEQ], "text": text})
    return keyed.groupby([REPORT_PK, SEQ])["text"].agg(lambda s: sep.join(sorted(s)))


def _as_analysis_rows(rows: pd.DataFrame) -> pd.DataFrame:
    for col in (c.DKIM_SIG, c.SPF_SIG, c.REASONS, "reason_text"):
        rows[col] = rows[col].fillna("").astype(object)
    for col in (c.HEADER_FROM, c.ENVELOPE_FROM):
        rows[col] = rows[col].fillna("").astype(str).str.lower().astype(object)
    rows[c.SOURCE_IP] = rows[c.SOURCE_IP].fillna("").astype(object)
    rows[c.DOMAIN] = rows["policy_domain"]
    rows[c.RECEIVER] = rows["org_name"]
    rows[c.DAY] = pd.to_datetime(rows["begin_ts"] // SECONDS_PER_DAY * SECONDS_PER_DAY, unit="s")
    rows[c.MESSAGES] = rows[c.MESSAGES].astype("int64")
    rows[c.RECORDS] = 1
    rows[c.REPORT_END] = rows["end_ts"].astype("int64")
    return rows


def _iso(seconds: pd.Series) -> pd.Series:
    return pd.Series(
        [dt.datetime.fromtimestamp(int(v), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for v in seconds],
        index=seconds.index,
        dtype=object,
    )


def export_frame(rows: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Prepared rows (classified and aligned) as the exported columns."""
    names = {s: catalogue.name(s) if s != "unknown" else "unknown" for s in rows[c.SENDER].unique()}
    out = pd.DataFrame(
        {
            "report_id": rows["report_id"],
            "receiver": rows["org_name"],
            "receiver_email": rows["email"],
            "report_begin": _iso(rows["begin_ts"]),
            "report_end": _iso(rows["end_ts"]),
            "policy_domain": rows["policy_domain"],
            "p": rows[c.P],
            "sp": rows[c.SP],
            "adkim": rows[c.ADKIM],
            "aspf": rows[c.ASPF],
            "pct": rows["pct"].astype("Int64"),
            "source_ip": rows[c.SOURCE_IP],
            "reverse_dns": rows[c.RDNS],
            "messages": rows[c.MESSAGES].astype("int64"),
            "disposition": rows[c.DISPOSITION],
            "header_from": rows[c.HEADER_FROM],
            "envelope_from": rows[c.ENVELOPE_FROM],
            "envelope_to": rows["envelope_to"].fillna(""),
            "dkim_results": rows[c.DKIM_SIG],
            "spf_results": rows[c.SPF_SIG],
            "reasons": rows["reason_text"],
            "sender": rows[c.SENDER],
            "sender_name": rows[c.SENDER].map(names),
            "forwarded": rows[c.FORWARDED].astype(bool),
            "dkim_aligned": rows[c.DKIM_ALIGNED].astype(bool),
            "spf_aligned": rows[c.SPF_ALIGNED].astype(bool),
            "dmarc_result": rows[c.DMARC_PASS].map({True: "pass", False: "fail"}),
            "reporter_dkim": rows[c.PE_DKIM],
            "reporter_spf": rows[c.PE_SPF],
            "reporter_result": rows[c.REPORTER_PASS].map({True: "pass", False: "fail"}),
            "disagrees": rows[c.DISAGREES].astype(bool),
        }
    )
    return out[list(COLUMNS)].reset_index(drop=True)
