"""Storing reports: whole or not at all, once per natural key, values intact."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Table, select

from dmarcwatch.ingest import schema
from dmarcwatch.ingest.errors import ReportParseError
from dmarcwatch.ingest.model import (
    DkimAuthResult,
    PolicyOverrideReason,
    Record,
    ReportEnd,
    SpfAuthResult,
)
from dmarcwatch.ingest.records import MAX_MESSAGES
from dmarcwatch.ingest.store import Store
from tests.store.factories import CONTENT_SHA256, add, header, record, records


def _rows(store: Store, table: Table) -> list[tuple[object, ...]]:
    key = list(table.primary_key.columns)
    with store.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(table).order_by(*key))]


def test_add_report_stores_the_header_fields(store: Store) -> None:
    head = header()
    result = add(store, head, records(3))
    with store.engine.connect() as conn:
        row = conn.execute(select(schema.reports)).one()._asdict()
    m, p = head.metadata, head.policy
    assert result.status == "stored"
    assert row["id"] == result.report_pk
    assert (row["org_name"], row["email"], row["report_id"]) == (m.org_name, m.email, m.report_id)
    assert (row["policy_domain"], row["begin_ts"], row["end_ts"]) == (p.domain, m.begin, m.end)
    assert (row["schema"], row["version"], row["generator"]) == ("rfc7489", "1.0", "gen 1.0")
    assert row["extra_contact_info"] == m.extra_contact_info
    assert json.loads(row["errors"]) == ["one error", "zwei Fehler ü"]
    policy = [row[k] for k in ("adkim", "aspf", "p", "sp", "np", "pct", "fo", "testing")]
    assert policy == ["s", "r", "quarantine", "reject", "none", 50, "1", "n"]
    assert row["discovery_method"] == "treewalk"
    assert json.loads(row["warnings"]) == ["header warning", "end warning"]
    assert (row["record_count"], row["message_count"]) == (3, 1 + 2 + 3)
    assert (row["source"], row["location"]) == ("file:/inbox/report.xml", "report.xml")
    assert row["blob_sha256"] == store.put_blob(b"<feedback/>")
    assert row["content_sha256"] == CONTENT_SHA256
    assert row["ingested_at"].tzinfo is not None
    age = dt.datetime.now(dt.UTC) - row["ingested_at"]
    assert dt.timedelta(0) <= age < dt.timedelta(minutes=5)


def test_add_report_round_trips_records_and_their_results(store: Store) -> None:
    written = [record(i) for i in range(9)]
    pk = add(store, header(), iter(written)).report_pk
    assert _rows(store, schema.records) == [
        (pk, i, r.source_ip, r.count, r.disposition, r.dkim, r.spf, r.header_from,
         r.envelope_from, r.envelope_to)
        for i, r in enumerate(written)
    ]  # fmt: skip
    assert _rows(store, schema.dkim_results) == [
        (pk, i, j, d.domain, d.selector, d.result, d.human_result)
        for i, r in enumerate(written)
        for j, d in enumerate(r.dkim_results)
    ]
    assert _rows(store, schema.spf_results) == [
        (pk, i, 0, "email.physio-muster.ch", "mfrom", "pass", None) for i in range(9)
    ]
    assert _rows(store, schema.reasons) == [
        (pk, i, j, reason.type, reason.comment)
        for i, r in enumerate(written)
        for j, reason in enumerate(r.reasons)
    ]


_AWKWARD = ("quote \" apostrophe ' backslash \\ {braces} [0]", "tab\tnewline\n\u2028 ü 😀", "")


def test_awkward_text_and_the_largest_record_count_are_stored_exactly(store: Store) -> None:
    written = [
        Record(
            source_ip="2001:db8::1",
            count=MAX_MESSAGES,  # the largest a report may give (ingest.records)
            disposition="none",
            dkim="pass",
            spf="fail",
            reasons=(PolicyOverrideReason(text, text or None),),
            header_from=text or "x",
            envelope_from=text,
            envelope_to=None if text else text,
            dkim_results=(DkimAuthResult(text or "d", None, "pass", text),),
            spf_results=(SpfAuthResult(text or "s", None, "none", None),),
        )
        for text in _AWKWARD
    ]
    pk = add(store, header(), iter(written)).report_pk
    assert [row[2:] for row in _rows(store, schema.records)] == [
        (r.source_ip, r.count, r.disposition, r.dkim, r.spf, r.header_from, r.envelope_from,
         r.envelope_to)
        for r in written
    ]  # fmt: skip
    assert _rows(store, schema.dkim_results) == [
        (pk, i, 0, d.domain, None, "pass", d.human_result)
        for i, r in enumerate(written)
        for d in r.dkim_results
    ]
    assert _rows(store, schema.reasons) == [
        (pk, i, 0, text, text or None) for i, text in enumerate(_AWKWARD)
    ]


def test_add_report_result_counts_records_and_messages(store: Store) -> None:
    result = add(store, header(), records(10))
    assert (result.records, result.messages) == (10, sum(range(1, 11)))
    assert store.totals().records == 10
    assert store.totals().messages == sum(range(1, 11))


def test_report_larger_than_one_batch_is_stored_whole(store: Store) -> None:
    result = add(store, header(), records(12_345))
    assert result.records == 12_345
    with store.engine.connect() as conn:
        seqs = conn.execute(select(schema.records.c.seq).order_by(schema.records.c.seq))
        assert [s for (s,) in seqs] == list(range(12_345))


def test_report_without_records_is_stored(store: Store) -> None:
    result = add(store, header(), [])
    assert (result.status, result.records, result.messages) == ("stored", 0, 0)
    assert store.totals().reports == 1


def test_has_report_returns_the_content_hash_of_a_stored_report(store: Store) -> None:
    head = header()
    assert store.has_report(head.key) is None
    add(store, head, records(2))
    assert store.has_report(head.key) == CONTENT_SHA256
    assert store.has_report(header("r-2").key) is None


class _Untouchable:
    def __iter__(self) -> Iterator[Record]:
        raise AssertionError("a duplicate's records must not be consumed")


def test_duplicate_report_is_reported_and_its_records_not_consumed(store: Store) -> None:
    add(store, header(), records(5))
    again = add(store, header(), _Untouchable(), data=b"other input", location="copy.xml")
    assert (again.status, again.report_pk, again.records, again.messages) == (
        "duplicate",
        None,
        0,
        0,
    )
    totals = store.totals()
    assert (totals.reports, totals.records) == (1, 5)


def test_same_report_id_for_another_domain_is_a_different_report(store: Store) -> None:
    add(store, header(domain="a.example"), records(1))
    assert add(store, header(domain="b.example"), records(1)).status == "stored"


def _failing_after(n: int) -> Iterator[Record]:
    for i in range(n):
        yield record(i)
    raise ReportParseError("truncated XML at record 7001")


def test_error_while_reading_records_leaves_no_half_report(store: Store) -> None:
    with pytest.raises(ReportParseError, match="truncated XML"):
        add(store, header(), _failing_after(7001))
    totals = store.totals()
    assert (totals.reports, totals.records, totals.messages) == (0, 0, 0)
    for table in (schema.dkim_results, schema.spf_results, schema.reasons):
        assert _rows(store, table) == []
    assert store.has_report(header().key) is None


def test_report_can_be_stored_after_a_failed_attempt(store: Store) -> None:
    with pytest.raises(ReportParseError):
        add(store, header(), _failing_after(3))
    assert add(store, header(), records(3)).status == "stored"


def test_end_and_content_hash_are_asked_for_after_the_last_record(store: Store) -> None:
    events: list[str] = []

    def rows() -> Iterator[Record]:
        for i in range(3):
            events.append(f"record {i}")
            yield record(i)

    def end() -> ReportEnd:
        events.append("end")
        return ReportEnd(3, 6)

    def content() -> str:
        events.append("hash")
        return CONTENT_SHA256

    blob = store.put_blob(b"x")
    store.add_report(
        header(), rows(), end, source="s", location="l", blob_sha256=blob, content_sha256=content
    )
    assert events[:3] == ["record 0", "record 1", "record 2"]
    assert sorted(events[3:]) == ["end", "hash"]


def test_deleting_a_blobs_reports_removes_their_records(store: Store) -> None:
    add(store, header("a"), records(4), data=b"input one")
    add(store, header("b"), records(2), data=b"input one", location="second.xml")
    add(store, header("c"), records(1), data=b"input two")
    deleted = store.delete_reports_from_blob(store.put_blob(b"input one"))
    totals = store.totals()
    assert (deleted, totals.reports, totals.records) == (2, 1, 1)
    assert _rows(store, schema.dkim_results) == []  # record 0 of report c has no DKIM result
    assert len(_rows(store, schema.spf_results)) == 1
    assert _rows(store, schema.reasons)[0][:2] == (3, 0)
