"""A flood of records from distinct addresses cannot make the analysis hold more than its row
budget per domain: the smallest groups are folded, the totals stay, and a finding says so.
Both backends (``store_url``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from dmarcwatch.analysis import columns as c
from dmarcwatch.analysis.api import Query, analyse
from dmarcwatch.analysis.read import Reader, Selection
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from tests.analysis.storefill import reader_of
from tests.ingest.reportxml import Report, Row

DAY = 1_764_201_600  # 2025-11-27 00:00 UTC
DOMAIN = "email.physio-muster.ch"
SENDGRID_IP = "167.89.10.20"


def _flood(org: str, begin: int, ips: range) -> bytes:
    """SendGrid's real mail (many messages), and one message from each of many addresses."""
    rows = [Row(ip=SENDGRID_IP, count="500")]
    rows += [
        Row(
            ip=f"203.0.{i >> 8}.{i & 255}", count="1", dkim="fail", spf="fail",
            envelope_from="flood.example", dkim_results=[("flood.example", "s1", "fail")],
            spf_results=[("flood.example", "mfrom", "fail")],
        )
        for i in ips
    ]  # fmt: skip
    return Report(
        report_id=f"{org}-{begin}", rows=rows, begin=str(begin), end=str(begin + 86_399), org=org
    ).bytes()


@pytest.fixture
def reader(store_url: str) -> Iterator[Reader]:
    floods = (
        (f"{org}-{day}.xml", _flood(org, DAY + day * 86_400, range(30)))
        for day in range(2)
        for org in ("google.com", "flood.example")
    )
    with reader_of(store_url, floods) as filled:
        yield filled


def test_rows_within_the_budget_are_read_whole(reader: Reader) -> None:
    loaded = reader.analysis_rows(Selection(), budget=1_000)
    assert loaded.folded == {}
    assert len(loaded.frame) == 2 * 2 * 31  # days x receivers x (SendGrid + 30 addresses)


def test_rows_past_the_budget_are_folded_with_their_totals_kept(reader: Reader) -> None:
    whole = reader.analysis_rows(Selection(), budget=1_000).frame
    loaded = reader.analysis_rows(Selection(), budget=10)
    frame = loaded.frame
    # 10 kept whole; the other 114 folded into one row per day and receiver (same verdicts).
    assert len(frame) == 10 + 4
    assert int(frame[c.MESSAGES].sum()) == int(whole[c.MESSAGES].sum()) == 4 * 530
    assert int(frame[c.RECORDS].sum()) == int(whole[c.RECORDS].sum())
    kept = frame[frame[c.SOURCE_IP] != ""]
    assert (kept[c.SOURCE_IP] == SENDGRID_IP).sum() == 4  # the largest groups stay whole
    fold = loaded.folded[DOMAIN]
    assert (fold.groups, fold.records, fold.messages, fold.budget) == (114, 114, 114, 10)


def test_a_folded_domain_gets_a_finding_and_keeps_its_real_sender(reader: Reader) -> None:
    query = Query(domains=(DOMAIN,), since=dt.datetime(2025, 11, 27, tzinfo=dt.UTC))
    folded = analyse(reader, query, row_budget=10).domains[0]
    whole = analyse(reader, query, row_budget=1_000).domains[0]
    codes = {f.code: f for f in folded.findings}
    assert codes["rows-folded"].params == {
        "records": 114, "messages": 114, "groups": 114, "budget": 10
    }  # fmt: skip
    assert codes["rows-folded"].evidence.receivers == ("google.com", "flood.example")  # 60, 54
    assert "rows-folded" not in {f.code for f in whole.findings}
    assert folded.messages == whole.messages
    assert folded.dmarc_pass_share == whole.dmarc_pass_share  # failing as the receivers said
    senders = folded.senders()
    assert senders.loc[senders[c.SENDER] == "sendgrid", c.MESSAGES].sum() == 2000


def test_folded_rows_pass_or_fail_as_their_receivers_said(store_url: str) -> None:
    rows = [Row(ip=SENDGRID_IP, count="500")]
    rows += [Row(ip=f"198.51.100.{i}", count="1") for i in range(40)]  # passing, per receiver
    report = Report(report_id="pass", rows=rows, begin=str(DAY), end=str(DAY + 86_399))
    with Store.open(store_url) as store:
        import_input(store, "pass.xml", report.bytes())
    engine = sa.create_engine(store_url)
    try:
        query = Query(domains=(DOMAIN,), since=dt.datetime(2025, 11, 27, tzinfo=dt.UTC))
        summary = analyse(Reader(engine), query, row_budget=5).domains[0]
    finally:
        engine.dispose()
    folded = summary.rows[summary.rows[c.FOLDED]]
    assert int(folded[c.MESSAGES].sum()) == 36  # 41 groups, 5 kept whole
    assert folded[c.DMARC_PASS].all() and not folded[c.DISAGREES].any()
    assert summary.dmarc_pass_share == 1.0
    assert "spoofing" not in {f.code for f in summary.findings}
    for finding in summary.findings:  # folded rows have no source: none is listed or counted
        assert "" not in finding.evidence.sources
    senders = summary.senders()
    sources = dict(zip(senders[c.SENDER], senders["sources"], strict=True))
    assert sources == {"sendgrid": 5, "unknown": 0}  # 5 kept whole; the folded rows: unknown


@pytest.fixture
def twice(store_url: str) -> Iterator[Reader]:
    """Two reports of one receiver and day with the same two groups: four stored, two summed."""
    rows = [Row(ip="198.51.100.9", count="3"), Row(ip=SENDGRID_IP, count="7")]
    reports = [Report(report_id=f"twice-{n}", rows=rows, begin=str(DAY), end=str(DAY + n))
               for n in (1, 2)]  # fmt: skip
    with reader_of(store_url, ((f"{r.report_id}.xml", r.bytes()) for r in reports)) as filled:
        yield filled


def test_groups_past_the_budget_that_sum_within_it_are_read_whole(twice: Reader) -> None:
    loaded = twice.analysis_rows(Selection(), budget=2)
    assert loaded.folded == {}
    summed = loaded.frame.set_index(c.SOURCE_IP)
    assert summed[c.MESSAGES].to_dict() == {"198.51.100.9": 6, SENDGRID_IP: 14}
    assert summed[c.RECORDS].to_dict() == {"198.51.100.9": 2, SENDGRID_IP: 2}
    assert summed[c.REPORT_END].to_dict() == {"198.51.100.9": DAY + 2, SENDGRID_IP: DAY + 2}


def test_rows_come_in_the_order_of_their_keys_whichever_path_read_them(twice: Reader) -> None:
    by_pandas = twice.analysis_rows(Selection(), budget=1_000).frame
    by_database = twice.analysis_rows(Selection(), budget=2).frame
    assert by_pandas.equals(by_database)
    assert by_pandas[c.SOURCE_IP].tolist() == [SENDGRID_IP, "198.51.100.9"]  # "1" < "9"
