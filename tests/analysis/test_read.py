"""The read layer on both backends: auth results come back as values, exactly as stored.

They used to travel as ``domain|selector|result`` texts joined by spaces and split again in
Python, so a domain, selector or result holding ``|`` or a space came back broken.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator

import pytest

from dmarcwatch.analysis import columns as c
from dmarcwatch.analysis.api import Query, analyse
from dmarcwatch.analysis.read import (
    DkimResult,
    Reader,
    Reason,
    Selection,
    SpfResult,
    canonical,
)
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from tests.ingest.reportxml import Report, Row

FROM = "email.physio-muster.ch"
SIGNED = ("d|1 \"q\" 'x'.example", "s|1 'k' \"v\"", "pass")
ODD_RESULT = ("physio-muster.ch", "s2", "fail|temp \"x\" 'y'")
SPF_DOMAIN = "em|1 \"q\" 'r'.example"
COMMENT = "list | \"outer\" 'inner'"


def hostile_row(**changes: object) -> Row:
    row = Row(
        header_from=FROM,
        dkim_results=[SIGNED, ODD_RESULT],
        spf_results=[(SPF_DOMAIN, "mfrom", "pass")],
        reasons=[("local_policy", COMMENT)],
    )
    for name, value in changes.items():
        setattr(row, name, value)
    return row


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened


def add(store: Store, *rows: Row) -> None:
    data = Report(domain=FROM, rows=list(rows)).bytes()
    outcome = import_input(store, "hostile.xml", data)
    assert not outcome.rejected


def test_results_with_separators_and_quotes_come_back_exactly(store):
    add(store, hostile_row())
    (row,) = Reader(store.engine).rows(Selection()).to_dict("records")
    assert row[c.DKIM_RESULTS] == (DkimResult(*SIGNED), DkimResult(*ODD_RESULT))
    assert row[c.SPF_RESULTS] == (SpfResult(SPF_DOMAIN, "mfrom", "pass"),)
    assert row[c.REASONS] == ("local_policy",)


def test_records_for_exports_keep_them_and_the_reason_comments(store):
    add(store, hostile_row())
    (frame,) = list(Reader(store.engine).records(Selection(), 10))
    (row,) = frame.to_dict("records")
    assert row[c.DKIM_RESULTS] == canonical([DkimResult(*SIGNED), DkimResult(*ODD_RESULT)])
    assert row[c.SPF_RESULTS] == (SpfResult(SPF_DOMAIN, "mfrom", "pass"),)
    assert row[c.REASON_DETAILS] == (Reason("local_policy", COMMENT),)


def test_the_analysis_sees_the_whole_domains(store):
    add(store, hostile_row())
    result = analyse(Reader(store.engine), Query(domains=(FROM,), since=_day(), until=_day(1)))
    (row,) = result.rows.to_dict("records")
    assert row[c.SPF_DOMAIN] == SPF_DOMAIN
    assert row[c.SPF_RESULT] == "pass"
    assert row[c.DKIM_PASS_DOMAINS] == (SIGNED[0],)


def test_records_whose_results_differ_only_in_order_are_one_row(store):
    add(store, hostile_row(count="2"), hostile_row(count="3", dkim_results=[ODD_RESULT, SIGNED]))
    (row,) = Reader(store.engine).rows(Selection()).to_dict("records")
    assert (row[c.RECORDS], row[c.MESSAGES]) == (2, 5)


def test_a_record_without_results_reads_as_empty_tuples(store):
    add(store, hostile_row(dkim_results=[], spf_results=[], reasons=[]))
    for frame in (
        Reader(store.engine).rows(Selection()),
        *Reader(store.engine).records(Selection(), 5),
    ):
        (row,) = frame.to_dict("records")
        assert (row[c.DKIM_RESULTS], row[c.SPF_RESULTS], row[c.REASONS]) == ((), (), ())


def test_the_selection_filters_records_by_ip_and_from_domain(store):
    add(store, hostile_row(), hostile_row(ip="192.0.2.9", header_from="other.example"))
    reader = Reader(store.engine)
    assert reader.source_ips(Selection(from_domains=(FROM.upper(),))) == ["167.89.10.20"]
    only = reader.rows(Selection(ips=("192.0.2.9",)))
    assert list(only[c.HEADER_FROM]) == ["other.example"]


def _day(days: int = 0) -> dt.datetime:
    begin = dt.datetime.fromtimestamp(int(Report().begin), dt.UTC)
    return begin + dt.timedelta(days=days)


def test_the_read_layer_imports_without_pandas():
    """``dmarcwatch check`` reads what reports saw through it and starts without pandas."""
    code = "import sys, dmarcwatch.analysis.check.seen; print('pandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_dkim_selectors_come_most_reports_first(store: Store) -> None:
    """One forged report naming many selectors puts each in one report only (issue 19, 10)."""
    from dmarcwatch.analysis.read import Reader, Selection
    from dmarcwatch.ingest.pipeline import import_input
    from tests.ingest.reportxml import Report, Row

    domain = "email.order.ch"

    def rows(*selectors: str) -> list[Row]:
        return [Row(header_from=domain, dkim_results=[(domain, s, "pass") for s in selectors])]

    for n in range(3):
        report = Report(report_id=f"order-{n}", domain=domain, rows=rows("real"))
        assert not import_input(store, f"o{n}.xml", report.xml().encode()).rejected
    forged = Report(report_id="order-f", domain=domain, rows=rows("aaa", "bbb", "real"))
    assert not import_input(store, "f.xml", forged.xml().encode()).rejected
    found = Reader(store.engine).identities(Selection(domains=(domain,)))
    assert [s for d, s in found.dkim if d == domain] == ["real", "aaa", "bbb"]
