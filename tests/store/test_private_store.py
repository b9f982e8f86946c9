"""What the store keeps of mail that holds no report, and who may read a store dmarcwatch made."""

from __future__ import annotations

import os
import random
import stat
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from dmarcwatch.ingest import schema
from dmarcwatch.ingest.parallel import Readers
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.sources import Input
from dmarcwatch.ingest.store import Store


def _spam(size: int) -> bytes:
    message = EmailMessage()
    message["From"] = "offers@spam.example"
    message["To"] = "dmarc@physio-muster.ch"
    message["Subject"] = "You have won"
    message.set_content("Open the attachment.")
    message.add_attachment(
        random.Random(size).randbytes(size),
        maintype="application",
        subtype="pdf",
        filename="prize.pdf",
    )
    return message.as_bytes()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened


def _blob(store: Store, sha: str) -> tuple[int, str, bytes]:
    blobs = schema.blobs.c
    query = select(blobs.size, blobs.compression).where(blobs.sha256 == sha)
    with store.engine.connect() as conn:
        size, compression = conn.execute(query).one()
    return size, compression, store.get_blob(sha)


def test_mail_without_a_report_is_kept_as_its_digest_and_headers_only(store: Store) -> None:
    data = _spam(3_000_000)
    outcome = import_input(store, "spam.eml", data)
    assert outcome.kind == "other"
    size, compression, kept = _blob(store, outcome.blob_sha256)
    assert (size, compression) == (len(data), "headers")
    assert b"Subject: You have won" in kept and len(kept) < 2000
    assert b"prize.pdf" not in kept
    again = import_input(store, "spam.eml", data)  # seen again: one reject, counted twice
    assert again.kind == "other" and store.totals().rejects == 1


def test_a_file_that_is_not_a_message_keeps_nothing_but_its_digest(store: Store) -> None:
    outcome = import_input(store, "photo.jpg", b"\xff\xd8\xff\xe0" + os.urandom(100_000))
    assert outcome.kind == "other"
    assert _blob(store, outcome.blob_sha256)[1:] == ("headers", b"")


def test_reading_in_worker_processes_keeps_only_the_headers_too(store: Store) -> None:
    data = _spam(500_000)
    with Readers(2) as readers:
        (outcome,) = list(readers.import_all(store, [Input("spam.eml", data)]))
    assert not isinstance(outcome, Exception)
    assert _blob(store, outcome.blob_sha256)[1] == "headers"  # type: ignore[union-attr]


def test_a_new_sqlite_store_and_its_directories_are_the_owners_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "store.db"
    old = os.umask(0o022)
    try:
        with Store.open(f"sqlite:///{path}") as opened:
            import_input(opened, "spam.eml", _spam(1000))
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()}
    finally:
        os.umask(old)
    assert modes["store.db"] == 0o600
    assert all(mode == 0o600 for mode in modes.values()), modes  # -wal and -shm as well
    for directory in (path.parent, path.parent.parent):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_an_existing_store_file_keeps_the_mode_its_owner_gave_it(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    path = tmp_path / "store.db"
    path.touch()
    path.chmod(0o640)
    Store.open(f"sqlite:///{path}").close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755  # not created here: left alone
