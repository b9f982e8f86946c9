"""One input through unpack, parse and store: idempotence, rejects, nothing half-stored.

These run on both backends (``store_url`` is SQLite and a real PostgreSQL).
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from sqlalchemy import Connection, select

from dmarcwatch.ingest import pipeline, schema
from dmarcwatch.ingest.bulk import Batch, write_batch
from dmarcwatch.ingest.errors import StoreNotWritable
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.prepared import Cursor
from dmarcwatch.ingest.reading import Reading
from dmarcwatch.ingest.store import Store
from dmarcwatch.ingest.writer import Writer
from tests.ingest.reportxml import Report, Row


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def _mail(*attachments: tuple[str, bytes]) -> bytes:
    message = EmailMessage()
    message["From"] = "noreply-dmarc-support@google.com"
    message["To"] = "dmarc@physio-muster.ch"
    message["Subject"] = "Report Domain: physio-muster.ch Submitter: google.com Report-ID: 1"
    message.set_content("This is an aggregate report.")
    for name, data in attachments:
        message.add_attachment(data, maintype="application", subtype="gzip", filename=name)
    return message.as_bytes()


def test_a_report_is_stored_with_its_totals(store: Store) -> None:
    data = Report(rows=[Row(count="4"), Row(count="6")]).bytes()
    outcome = import_input(store, "a.xml", data)
    assert (outcome.stored, outcome.records, outcome.messages, outcome.kind) == (
        1,
        2,
        10,
        "processed",
    )
    totals = store.totals()
    assert (totals.reports, totals.records, totals.messages) == (1, 2, 10)


def test_the_same_report_in_any_container_is_a_duplicate(store: Store) -> None:
    xml = Report().bytes()
    first = import_input(store, "a.xml", xml)
    again = [
        import_input(store, "a.xml", xml),
        import_input(store, "a.xml.gz", gzip.compress(xml)),
        import_input(store, "a.zip", _zip("a.xml", xml)),
        import_input(store, "a.eml", _mail(("a.xml.gz", gzip.compress(xml)))),
        # line endings changed in transit are still the same report
        import_input(store, "crlf.xml", xml.replace(b"\n", b"\r\n")),
    ]
    assert first.stored == 1
    assert [(o.stored, o.duplicates, o.rejected) for o in again] == [(0, 1, ())] * 5
    assert store.totals().reports == 1


@pytest.mark.parametrize(
    ("rows", "read_first"),
    [(3, ["started", "batch", "ended"]), (12_000, ["started", "batch", "batch"])],
)
def test_an_input_is_read_up_to_two_batches_before_its_first_write(
    store: Store, monkeypatch: pytest.MonkeyPatch, rows: int, read_first: list[str]
) -> None:
    read: list[str] = []
    real_read, real_start = pipeline.read_input, Writer.start_report

    def reading(*args: Any) -> Reading:
        events = real_read(*args)
        reply = None
        while True:
            try:
                event = events.send(reply)
            except StopIteration:
                return
            read.append(type(event).__name__.removeprefix("Report").lower())
            reply = yield event

    def start_report(self: Writer, *args: Any, **kwargs: Any) -> int | None:
        read.append("written")
        return real_start(self, *args, **kwargs)

    monkeypatch.setattr(pipeline, "read_input", reading)
    monkeypatch.setattr(Writer, "start_report", start_report)
    outcome = import_input(store, "a.xml", Report(rows=[Row()] * rows).bytes())

    assert (outcome.stored, outcome.records) == (1, rows)
    assert read[: read.index("written")] == read_first


def test_same_id_with_different_content_is_kept_and_disputes_the_key(store: Store) -> None:
    import_input(store, "a.xml", Report(rows=[Row(count="1")]).bytes())
    outcome = import_input(store, "b.xml", Report(rows=[Row(count="999")]).bytes())
    assert (outcome.stored, outcome.rejected, outcome.kind) == (1, (), "processed")
    assert outcome.disputed == ("input",)
    assert store.totals().messages == 1000
    again = import_input(store, "c.xml", Report(rows=[Row(count="999")]).bytes() + b" ")
    assert (again.stored, again.duplicates, again.disputed) == (0, 1, ())
    assert store.totals().reports == 2


def test_one_broken_report_does_not_lose_the_others(store: Store) -> None:
    good = gzip.compress(Report(report_id="good").bytes())
    bad = gzip.compress(Report(report_id="bad", rows=[Row(count="x")]).bytes())
    outcome = import_input(store, "two.eml", _mail(("good.xml.gz", good), ("bad.xml.gz", bad)))
    assert outcome.stored == 1
    assert outcome.kind == "invalid"
    assert len(outcome.rejected) == 1
    assert "count" in outcome.rejected[0].reason
    assert store.totals().rejects == 1


def test_a_reject_is_recorded_once_however_often_seen(store: Store) -> None:
    data = b"<feedback><broken>"
    for _ in range(3):
        outcome = import_input(store, "bad.xml", data)
        assert outcome.kind == "invalid"
    assert store.totals().rejects == 1
    assert store.get_blob(outcome.blob_sha256) == data


def test_a_failure_mid_report_leaves_nothing_half_stored(store: Store) -> None:
    rows = [Row(count="1") for _ in range(4999)] + [Row(count="-1")]
    outcome = import_input(store, "big.xml", Report(rows=rows).bytes())
    assert outcome.stored == 0
    totals = store.totals()
    assert (totals.reports, totals.records) == (0, 0)


def test_ordinary_mail_is_other_and_not_stored_as_report(store: Store) -> None:
    message = EmailMessage()
    message["Subject"] = "Lunch?"
    message.set_content("See you at noon.")
    outcome = import_input(store, "lunch.eml", message.as_bytes())
    assert outcome.kind == "other"
    assert store.totals().reports == 0


def test_dry_run_counts_but_stores_nothing(store: Store) -> None:
    outcome = import_input(store, "a.xml", Report().bytes(), dry_run=True)
    assert (outcome.stored, outcome.records, outcome.messages) == (1, 1, 3)
    totals = store.totals()
    assert (totals.reports, totals.rejects) == (0, 0)


def _reading_forbidden(*_args: object) -> Iterator[object]:
    raise AssertionError("the input was read again")


def test_an_input_stored_whole_is_skipped_on_its_hash(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    xml = [gzip.compress(Report(report_id=name).bytes()) for name in ("one", "two")]
    data = _mail(("one.xml.gz", xml[0]), ("two.xml.gz", xml[1]))
    assert import_input(store, "two.eml", data).stored == 2
    monkeypatch.setattr("dmarcwatch.ingest.pipeline.read_input", _reading_forbidden)
    again = import_input(store, "two.eml", data)
    assert (again.stored, again.duplicates, again.rejected, again.kind) == (0, 2, (), "processed")
    assert store.totals().reports == 2


def test_reparse_reads_a_complete_input_again(store: Store) -> None:
    data = Report().bytes()
    import_input(store, "a.xml", data)
    store.delete_reports_from_blob(import_input(store, "a.xml", data).blob_sha256)
    assert store.totals().reports == 0
    assert import_input(store, "a.xml", data, again=True).stored == 1
    assert import_input(store, "a.xml", data).duplicates == 1


def test_an_input_with_a_reject_is_read_again_on_reimport(store: Store) -> None:
    good = gzip.compress(Report(report_id="good").bytes())
    bad = gzip.compress(Report(report_id="bad", rows=[Row(count="x")]).bytes())
    data = _mail(("good.xml.gz", good), ("bad.xml.gz", bad))
    import_input(store, "two.eml", data)
    again = import_input(store, "two.eml", data)
    assert (again.duplicates, len(again.rejected), again.kind) == (1, 1, "invalid")
    with store.engine.connect() as conn:
        assert conn.execute(select(schema.rejects.c.times_seen)).scalar_one() == 2


def test_a_store_failure_mid_input_stores_nothing_of_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = []

    def fail_second(conn: Connection, cursor: Cursor, pk: int, batch: Batch, *more: Any) -> None:
        if written and pk not in written:
            raise StoreNotWritable("cannot write to the store: the disk is full")
        written.append(pk)
        write_batch(conn, cursor, pk, batch, *more)

    monkeypatch.setattr("dmarcwatch.ingest.writer.write_batch", fail_second)
    xml = [gzip.compress(Report(report_id=name).bytes()) for name in ("one", "two")]
    with pytest.raises(StoreNotWritable):
        import_input(store, "two.eml", _mail(("one.xml.gz", xml[0]), ("two.xml.gz", xml[1])))
    assert written
    totals = store.totals()
    assert (totals.reports, totals.records, totals.rejects) == (0, 0, 0)
    with store.engine.connect() as conn:
        assert conn.execute(select(schema.blobs)).first() is None
