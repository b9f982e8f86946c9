"""The numbers behind each chart, from the tables and rows analysis hands over.

Pure pandas, no drawing and no words: every function takes a DataFrame of
:mod:`analysis.tables` (or the classified rows of a domain) and returns a small frame whose
index is what the chart's axis shows.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..analysis import columns as c
from ..analysis import tables

PASS = "pass"  # noqa: S105 - a column name, not a password
FAIL_KNOWN = "fail_known"
FAIL_UNKNOWN = "fail_unknown"
UNKNOWN = "unknown"
TOP_SENDERS = 10
TOP_RECEIVERS = 10
TOP_SOURCES = 10


def daily_results(rows: pd.DataFrame, first: dt.date, last: dt.date) -> pd.DataFrame:
    """Messages per day: passing DMARC, failing from a known sender, failing from unknown ones.

    Every day from *first* to *last* is present (zero when no report covered it), so the
    chart's time axis has no gaps that would hide a day without mail.
    """
    days = pd.date_range(pd.Timestamp(first), pd.Timestamp(last), freq="D").as_unit("ns")
    out = pd.DataFrame(0, index=days, columns=[PASS, FAIL_KNOWN, FAIL_UNKNOWN], dtype="int64")
    if rows.empty:
        return out
    passing = rows[c.DMARC_PASS].astype(bool)
    unknown = rows[c.SENDER].astype(str) == UNKNOWN
    kind = pd.Series(FAIL_KNOWN, index=rows.index)
    kind[passing] = PASS
    kind[~passing & unknown] = FAIL_UNKNOWN
    grouped = rows[c.MESSAGES].groupby([rows[c.DAY], kind]).sum().unstack(fill_value=0)
    grouped.index = pd.DatetimeIndex(grouped.index).as_unit("ns")
    return out.add(grouped.reindex(index=out.index, columns=out.columns, fill_value=0)).astype(
        "int64"
    )


def sender_pass_rates(senders: pd.DataFrame, limit: int = TOP_SENDERS) -> pd.DataFrame:
    """The senders with most mail: sender id, forwarded, messages, passing, failing."""
    cols = [c.SENDER, c.FORWARDED, c.MESSAGES, c.DMARC_PASS]
    top = senders[cols].head(limit).copy()
    top[c.MESSAGES] = top[c.MESSAGES].astype("int64")
    top[c.DMARC_PASS] = top[c.DMARC_PASS].astype("int64")
    top["fail"] = top[c.MESSAGES] - top[c.DMARC_PASS]
    return top.reset_index(drop=True)


def sendgrid_cells(matrix: pd.DataFrame) -> pd.DataFrame:
    """The SendGrid matrix as int counts, rows SPF aligned (yes, no) × columns DKIM aligned."""
    return matrix.reindex(index=[True, False], columns=[True, False], fill_value=0).astype("int64")


def receiver_dispositions(receivers: pd.DataFrame, limit: int = TOP_RECEIVERS) -> pd.DataFrame:
    """Messages per receiver and disposition (none, quarantine, reject), most mail first."""
    cols = [c.RECEIVER, *tables.DISPOSITIONS]
    top = receivers[cols].head(limit).copy()
    for d in tables.DISPOSITIONS:
        top[d] = top[d].astype("int64")
    return top.reset_index(drop=True)


def top_failing(failing: pd.DataFrame, limit: int = TOP_SOURCES) -> pd.DataFrame:
    """The failing source IPs with most messages: IP, rDNS, sender name, forwarded, messages.

    The sender name is the catalogue's, or ``unknown`` (analysis' word, translated by the
    chart).
    """
    cols = [c.SOURCE_IP, c.RDNS, tables.SENDER_NAME, c.FORWARDED, c.MESSAGES]
    top = failing.reindex(columns=cols).head(limit).copy()
    top[c.MESSAGES] = top[c.MESSAGES].astype("int64")
    top[c.RDNS] = top[c.RDNS].fillna("").astype(str)
    return top.reset_index(drop=True)
