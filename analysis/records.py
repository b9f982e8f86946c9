"""One row per stored record, with its report's metadata, classified and aligned (for exports).

The analysis tables group identical records; an export wants each record as the receiver
reported it. :meth:`analysis.read.Reader.records` reads the records a few hundred reports at
a time (so memory stays bounded however large the store), shaped like the analysis rows, and
:func:`analysis.api.prepare` recomputes sender, alignment and DMARC result for each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import pandas as pd

from . import columns as c
from .api import prepare
from .catalogue import Catalogue
from .owners import OwnerLookup, add_owners
from .read import (
    SECONDS_PER_DAY,
    DkimResult,
    Reader,
    Reason,
    Selection,
    SpfResult,
)

REPORTS_PER_CHUNK = 500

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
    "asn",
    "as_name",
    "country",
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
# Columns holding lists of objects, with the fields of each object, in order.
LIST_COLUMNS: dict[str, tuple[str, ...]] = {
    "dkim_results": DkimResult._fields,
    "spf_results": SpfResult._fields,
    "reasons": Reason._fields,
}
INTEGER_COLUMNS = ("pct", "asn", "messages")


def selection_for(
    reader: Reader,
    domains: tuple[str, ...] = (),
    *,
    span: dt.timedelta | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Selection:
    """Whole UTC days, like the analysis period: a *span* ends with the newest report.

    *until* is exclusive. Without span or since, every record (up to *until*) is selected.
    """
    domains = tuple(d.lower().rstrip(".") for d in domains)
    end = int(until.timestamp()) if until else None
    start = int(since.timestamp()) // SECONDS_PER_DAY * SECONDS_PER_DAY if since else None
    if span is not None and since is None:
        newest = end or reader.latest_end(Selection(domains=domains))
        if newest is None:
            return Selection(domains, None, end)
        last_day = (newest - 1) // SECONDS_PER_DAY * SECONDS_PER_DAY
        days = max(1, round(span / dt.timedelta(days=1)))
        start = last_day - (days - 1) * SECONDS_PER_DAY
        end = end or last_day + SECONDS_PER_DAY
    return Selection(domains, start, end)


def iter_records(
    reader: Reader,
    selection: Selection,
    catalogue: Catalogue,
    *,
    chunk: int = REPORTS_PER_CHUNK,
    ip_data: OwnerLookup | None = None,
) -> Iterator[pd.DataFrame]:
    """Frames of :data:`COLUMNS`, in store order (report, then record), *chunk* reports each;
    the network owner columns are empty without *ip_data*."""
    domains = list(reader.policy_domains())  # from the index only
    for rows in reader.records(selection, chunk):
        prepared = add_owners(prepare(reader, rows, catalogue, domains), ip_data)
        yield export_frame(prepared, catalogue)


def as_objects(values: Iterable[NamedTuple]) -> list[dict[str, str]]:
    """DKIM or SPF results or override reasons as exported: one object each, sorted."""
    return [dict(value._asdict()) for value in values]


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
            "asn": rows[c.ASN].astype("Int64").where(rows[c.ASN] > 0),
            "as_name": rows[c.AS_NAME],
            "country": rows[c.COUNTRY],
            "messages": rows[c.MESSAGES].astype("int64"),
            "disposition": rows[c.DISPOSITION],
            "header_from": rows[c.HEADER_FROM],
            "envelope_from": rows[c.ENVELOPE_FROM],
            "envelope_to": rows["envelope_to"].fillna(""),
            "dkim_results": rows[c.DKIM_RESULTS].map(as_objects),
            "spf_results": rows[c.SPF_RESULTS].map(as_objects),
            "reasons": rows[c.REASON_DETAILS].map(as_objects),
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
