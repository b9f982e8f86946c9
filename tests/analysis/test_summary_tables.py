"""A domain summary's tables are made once and handed out as copies."""

from __future__ import annotations

import dataclasses
import datetime as dt

from dmarcwatch.analysis import columns as c
from dmarcwatch.analysis.api import DomainSummary, Period, prepare
from dmarcwatch.analysis.catalogue import load_catalogue
from tests.analysis.frames import row, rows

D = "email.physio.ch"


def _summary() -> DomainSummary:
    catalogue = load_catalogue()
    sendgrid = row("149.72.1.1", D, dkim=f"{D}|s1|pass", spf=f"em1.{D}|mfrom|pass")
    data = rows(sendgrid, row("203.0.113.9", D, pe=("fail", "fail"), messages=4))
    start = dt.datetime(2024, 10, 4, tzinfo=dt.UTC)
    period = Period(start, start + dt.timedelta(days=1))
    return DomainSummary(D, period, {}, prepare(None, data, catalogue, [D]), [], catalogue)


def test_a_table_changed_by_one_caller_is_whole_for_the_next() -> None:
    summary = _summary()
    first = summary.failing_sources()
    assert first[c.MESSAGES].tolist() == [4]
    first.loc[:, c.MESSAGES] = 0  # a caller writing into its table
    assert summary.failing_sources()[c.MESSAGES].tolist() == [4]
    senders = summary.senders()
    senders.loc[:, c.MESSAGES] = -1
    assert sorted(summary.senders()[c.MESSAGES].tolist()) == [4, 10]


def test_a_summary_with_other_rows_makes_its_tables_again() -> None:
    summary = _summary()
    assert int(summary.receivers()[c.MESSAGES].sum()) == 14
    fewer = dataclasses.replace(summary, rows=summary.rows.head(1))
    assert int(fewer.receivers()[c.MESSAGES].sum()) == 10
    assert int(summary.receivers()[c.MESSAGES].sum()) == 14
