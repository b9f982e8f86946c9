"""Per-input budgets (decompressed bytes, CPU and wall-clock time, records) and the record
budget of one reporter and day: beyond them one report is rejected with one line, what came
before stays stored and the rest of the input is not read. Both backends (``store_url``)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from dmarcwatch.ingest.group import import_all
from dmarcwatch.ingest.limits import Limits
from dmarcwatch.ingest.pipeline import InputOutcome, import_input
from dmarcwatch.ingest.sources import Input
from dmarcwatch.ingest.store import Store
from tests.ingest.reportxml import Report, Row

DAY = 1_759_276_800  # 2025-10-01 00:00 UTC


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened


def _report(report_id: str, records: int, begin: int = DAY, org: str = "google.com") -> bytes:
    rows = [Row(ip=f"10.0.{i >> 8}.{i & 255}") for i in range(records)]
    return Report(
        report_id=report_id, rows=rows, begin=str(begin), end=str(begin + 86_399), org=org
    ).bytes()


def _mail(*reports: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = "noreply-dmarc-support@google.com"
    message["Subject"] = "Report Domain: physio-muster.ch Submitter: google.com"
    message.set_content("Aggregate reports.")
    for i, data in enumerate(reports):
        message.add_attachment(
            gzip.compress(data), maintype="application", subtype="gzip", filename=f"r{i}.xml.gz"
        )
    return message.as_bytes()


def _only_rejection(outcome: InputOutcome) -> str:
    (rejection,) = outcome.rejected
    assert rejection.reject_class == "limit"
    assert outcome.kind == "invalid"
    return rejection.reason


def test_an_input_over_its_record_budget_keeps_what_came_before(store: Store) -> None:
    data = _mail(*(_report(f"r{i}", 10) for i in range(5)))
    outcome = import_input(store, "m.eml", data, Limits(max_input_records=25))
    assert (outcome.stored, outcome.records) == (2, 20)
    assert "more than 25 records in all (max_input_records)" in _only_rejection(outcome)
    totals = store.totals()
    assert (totals.reports, totals.records, totals.rejects) == (2, 20, 1)


def test_an_input_over_its_decompressed_bytes_stops_being_read(store: Store) -> None:
    reports = [_report(f"r{i}", 10) for i in range(4)]
    budget = len(reports[0]) * 2 + 10
    outcome = import_input(store, "m.eml", _mail(*reports), Limits(max_input_bytes=budget))
    assert outcome.stored == 2
    assert f"more than {budget} bytes in all (max_input_bytes)" in _only_rejection(outcome)


def test_an_input_over_its_cpu_budget_is_rejected_with_one_line(store: Store) -> None:
    data = _mail(*(_report(f"r{i}", 10) for i in range(3)))
    outcome = import_input(store, "m.eml", data, Limits(max_input_cpu_seconds=1e-9))
    assert outcome.stored == 0
    assert "CPU seconds (max_input_cpu_seconds)" in _only_rejection(outcome)


def test_an_input_over_its_wall_clock_budget_is_rejected_with_one_line(store: Store) -> None:
    outcome = import_input(store, "a.xml", _report("r", 3), Limits(max_input_seconds=1e-9))
    assert "seconds (max_input_seconds)" in _only_rejection(outcome)


def test_one_reporter_and_day_has_a_record_budget_across_inputs(store: Store) -> None:
    limits = Limits(max_reporter_day_records=25)
    assert import_input(store, "a.xml", _report("a", 20), limits).stored == 1
    late = import_input(store, "b.xml", _report("b", 10), limits)
    assert late.stored == 0
    reason = _only_rejection(late)
    assert "'google.com' for this day would hold more than 25 records" in reason
    # another day, and another reporter on the same day, have budgets of their own
    assert import_input(store, "c.xml", _report("c", 10, DAY + 86_400), limits).stored == 1
    assert import_input(store, "d.xml", _report("d", 10, org="yahoo.com"), limits).stored == 1
    totals = store.totals()
    assert (totals.reports, totals.records, totals.rejects) == (3, 40, 1)


def test_the_reporter_day_budget_counts_the_inputs_written_before_in_the_same_commit(
    store: Store,
) -> None:
    sizes = {"a": 20, "b": 10, "c": 4, "d": 2}
    inputs = [Input(f"{name}.xml", _report(name, n)) for name, n in sizes.items()]
    outcomes = list(import_all(store, inputs, Limits(max_reporter_day_records=25)))
    assert [o.stored for o in outcomes] == [1, 0, 1, 0]  # type: ignore[union-attr]
    assert store.totals().records == 24


def test_reports_after_one_over_the_reporter_day_budget_are_still_read(store: Store) -> None:
    data = _mail(_report("a", 20), _report("b", 10), _report("c", 10, DAY + 86_400))
    outcome = import_input(store, "m.eml", data, Limits(max_reporter_day_records=25))
    assert (outcome.stored, outcome.records) == (2, 30)
    assert "max_reporter_day_records" in _only_rejection(outcome)
