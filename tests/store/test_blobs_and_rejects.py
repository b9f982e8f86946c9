"""Original inputs are kept once per hash; rejects are counted per (blob, location)."""

from __future__ import annotations

import hashlib
import os

import pytest
from sqlalchemy import select

from dmarcwatch.ingest import schema
from dmarcwatch.ingest.errors import RejectClass
from dmarcwatch.ingest.store import Store
from tests.store.factories import add, header, records


def test_put_blob_returns_the_sha256_and_get_blob_the_original_bytes(store: Store) -> None:
    data = os.urandom(100_000) + b"<feedback>" * 10_000
    sha = store.put_blob(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.get_blob(sha) == data


def test_put_blob_keeps_one_compressed_copy_per_content(store: Store) -> None:
    data = b"<record>" * 50_000
    assert store.put_blob(data) == store.put_blob(data)
    with store.engine.connect() as conn:
        rows = conn.execute(select(schema.blobs)).all()
    assert len(rows) == 1
    assert (rows[0].size, rows[0].compression) == (len(data), "zlib")
    assert len(rows[0].data) < len(data) // 100
    assert rows[0].first_seen.tzinfo is not None


def test_empty_input_is_a_blob_too(store: Store) -> None:
    assert store.get_blob(store.put_blob(b"")) == b""


def test_get_blob_of_an_unknown_hash_raises_key_error(store: Store) -> None:
    with pytest.raises(KeyError):
        store.get_blob("0" * 64)


def _reject(store: Store, blob: str, location: str, reason: str = "no report inside") -> bool:
    with store.writing() as writer:
        return writer.record_reject(
            blob_sha256=blob,
            location=location,
            source="imap:INBOX/17",
            reason=reason,
            reject_class=RejectClass.NOT_A_REPORT,
            size=123,
        )


def test_record_reject_counts_each_blob_and_location_once_then_times_seen(store: Store) -> None:
    blob = store.put_blob(b"ordinary mail")
    assert _reject(store, blob, "message") is True
    assert _reject(store, blob, "message", reason="still not a report") is False
    assert _reject(store, blob, "message/part 2") is True
    with store.engine.connect() as conn:
        rows = conn.execute(select(schema.rejects).order_by(schema.rejects.c.location)).all()
    assert [(r.location, r.times_seen) for r in rows] == [("message", 2), ("message/part 2", 1)]
    assert rows[0].reason == "still not a report"
    assert rows[0].reject_class == "not-a-report"
    assert rows[0].first_seen <= rows[0].last_seen
    assert store.totals().rejects == 2


def test_clear_reject_forgets_only_that_location(store: Store) -> None:
    blob = store.put_blob(b"zip with a broken member")
    _reject(store, blob, "a.xml")
    _reject(store, blob, "b.xml")
    store.clear_reject(blob, "a.xml")
    assert [loc for _, loc in _reject_locations(store)] == ["b.xml"]
    assert _reject(store, blob, "a.xml") is True


def test_clear_rejects_forgets_every_location_of_that_blob_only(store: Store) -> None:
    blob, other = store.put_blob(b"zip"), store.put_blob(b"other")
    for location in ("a.xml", "b.xml"):
        _reject(store, blob, location)
    _reject(store, other, "message")
    assert store.clear_rejects(blob) == 2
    assert _reject_locations(store) == [(other, "message")]


def _reject_locations(store: Store) -> list[tuple[str, str]]:
    query = select(schema.rejects.c.blob_sha256, schema.rejects.c.location)
    with store.engine.connect() as conn:
        return [(sha, loc) for sha, loc in conn.execute(query.order_by(schema.rejects.c.location))]


def test_iter_blobs_lists_every_blob_with_a_source(store: Store) -> None:
    good = store.put_blob(b"input one")
    add(store, header(), records(1), data=b"input one")
    bad = store.put_blob(b"input two")
    _reject(store, bad, "message")
    bare = store.put_blob(b"input three")
    assert sorted(store.iter_blobs(rejected_only=False)) == sorted(
        [(good, "file:/inbox/report.xml"), (bad, "imap:INBOX/17"), (bare, "")]
    )
    assert list(store.iter_blobs(rejected_only=True)) == [(bad, "imap:INBOX/17")]


@pytest.mark.parametrize("rejected_only", [False, True])
def test_iter_blobs_reads_page_after_page(
    store: Store, rejected_only: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dmarcwatch.ingest.store._PAGE", 4)
    blobs = [store.put_blob(f"input {i}".encode()) for i in range(13)]
    for blob in blobs:
        _reject(store, blob, "message")
    listed = [sha for sha, _ in store.iter_blobs(rejected_only=rejected_only)]
    assert listed == sorted(blobs)


@pytest.mark.parametrize("magic", [b"\x1f\x8b\x08", b"PK\x03\x04"], ids=["gzip", "zip"])
def test_compressed_inputs_are_kept_as_they_are(store: Store, magic: bytes) -> None:
    data = magic + os.urandom(10_000)
    sha = store.put_blob(data)
    with store.engine.connect() as conn:
        row = conn.execute(select(schema.blobs)).one()
    assert (row.compression, bytes(row.data)) == ("none", data)
    assert store.get_blob(sha) == data
