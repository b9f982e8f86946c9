"""The polling loop against the in-memory mailbox, with the real pipeline and a real store."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from dmarcwatch.ingest import pipeline, poll
from dmarcwatch.ingest.errors import StoreNotWritable
from dmarcwatch.ingest.ledger import Ledger
from dmarcwatch.ingest.limits import Limits
from dmarcwatch.ingest.mailbox import MailboxUnavailable
from dmarcwatch.ingest.poll import Folders, MailboxJob, PollOptions, StopFlag, poll_with_retries
from dmarcwatch.ingest.schema import reports
from dmarcwatch.ingest.store import Store
from dmarcwatch.ingest.writer import Writer
from tests.fakes.mailbox import MemoryMailbox
from tests.poll import mails

FAST = PollOptions(retries=0, backoff=0.0, batch_messages=7)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as opened:
        yield opened


def stored_reports(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(reports)).scalar_one())


def fill(box: MemoryMailbox, n_reports: int = 10, n_other: int = 2, n_broken: int = 1) -> None:
    for i in range(n_reports):
        box.add("INBOX", mails.report_mail(f"r{i}", mails.CONTAINERS[i % len(mails.CONTAINERS)]))
    for i in range(n_other):
        box.add("INBOX", mails.other_mail(mails.OTHER_KINDS[i % len(mails.OTHER_KINDS)], i))
    for i in range(n_broken):
        box.add(
            "INBOX", mails.broken_mail(mails.BROKEN_KINDS[i % len(mails.BROKEN_KINDS)], f"b{i}")
        )


def job(box: MemoryMailbox, folders: Folders | None = None, name: str = "praxis") -> MailboxJob:
    def connect() -> MemoryMailbox:
        if box.down:
            raise MailboxUnavailable("memory: connection refused")
        box.closed = False
        return box

    return MailboxJob(name=name, folders=folders or Folders(), connect=connect)


def run(
    store: Store, box: MemoryMailbox, options: PollOptions = FAST, **kw: Any
) -> poll.MailboxSummary:
    return poll_with_retries(store, job(box, **kw), options, StopFlag())


def test_each_message_goes_to_the_folder_of_its_outcome(store: Store) -> None:
    box = MemoryMailbox()
    fill(box, n_reports=10, n_other=3, n_broken=2)
    summary = run(store, box)
    assert summary.status == "ok"
    assert (summary.processed, summary.other, summary.invalid) == (10, 3, 2)
    assert box.count("INBOX") == 0
    assert box.count("DMARC/Processed") == 10
    assert box.count("DMARC/Other") == 3
    assert box.count("DMARC/Invalid") == 2
    assert stored_reports(store) == 10
    assert summary.reports_stored == 10


def test_second_run_fetches_nothing_and_stores_nothing(store: Store) -> None:
    box = MemoryMailbox()
    fill(box)
    box.add("DMARC/Processed", b"placeholder")  # folders exist already
    run(store, box, folders=Folders(other=""))  # other mail stays in INBOX
    box.calls.clear()
    summary = run(store, box, folders=Folders(other=""))
    assert [op for op, _ in box.calls if op in ("fetch", "move")] == []
    assert summary.seen == 2 and summary.moved == 0
    assert stored_reports(store) == 10


def test_messages_recorded_but_not_moved_are_moved_without_reimport(store: Store) -> None:
    box = MemoryMailbox()
    fill(box, n_reports=5, n_other=0, n_broken=0)
    box.fail_on["move"] = 0  # the connection drops at the first move, after the commit
    first = run(store, box)
    assert first.status == "unavailable"
    assert box.count("INBOX") == 5
    assert len(Ledger(store).handled("praxis", "INBOX", 1)) == 5
    box.calls.clear()
    second = run(store, box)
    assert second.resumed == 5 and second.moved == 5
    assert not [op for op, _ in box.calls if op == "fetch"]
    assert box.count("DMARC/Processed") == 5
    assert stored_reports(store) == 5


def test_a_dropped_connection_is_retried_and_nothing_is_done_twice(store: Store) -> None:
    box = MemoryMailbox()
    fill(box, n_reports=20, n_other=0, n_broken=0)
    box.fail_on["fetch"] = 1  # second fetch fails
    summary = run(store, box, PollOptions(retries=2, backoff=0.0, batch_messages=7))
    assert summary.status == "ok" and summary.attempts == 2
    assert box.count("DMARC/Processed") == 20 and box.count("INBOX") == 0
    assert stored_reports(store) == 20
    assert summary.reports_duplicate == 0


def test_a_mailbox_that_stays_unreachable_reports_unavailable(store: Store) -> None:
    box = MemoryMailbox()
    fill(box, n_reports=3, n_other=0, n_broken=0)
    box.down = True
    summary = run(store, box, PollOptions(retries=2, backoff=0.0))
    assert summary.status == "unavailable" and summary.attempts == 3
    assert "praxis" in (summary.error or "")


def test_uidvalidity_change_rescans_and_deduplicates(store: Store) -> None:
    box = MemoryMailbox()
    fill(box, n_reports=4, n_other=0, n_broken=0)
    run(store, box, folders=Folders(processed=""))  # reports stay in INBOX
    box.renumber("INBOX")
    summary = run(store, box, folders=Folders(processed=""))
    assert summary.processed == 4
    assert summary.reports_duplicate == 4 and summary.reports_stored == 0
    assert stored_reports(store) == 4
    assert Ledger(store).uidvalidity("praxis", "INBOX") == box.store["INBOX"].uidvalidity


def test_dry_run_parses_but_stores_and_moves_nothing(store: Store) -> None:
    box = MemoryMailbox()
    fill(box, n_reports=3, n_other=1, n_broken=1)
    summary = run(store, box, PollOptions(dry_run=True, retries=0))
    assert (summary.processed, summary.other, summary.invalid) == (3, 1, 1)
    assert box.count("INBOX") == 5
    assert "DMARC/Processed" not in box.folders()
    assert stored_reports(store) == 0
    assert Ledger(store).uidvalidity("praxis", "INBOX") is None


def test_since_limits_the_backfill(store: Store) -> None:
    box = MemoryMailbox()
    box.add("INBOX", mails.report_mail("old"), when=date(2025, 1, 1))
    box.add("INBOX", mails.report_mail("new"), when=date(2026, 3, 1))
    summary = run(store, box, PollOptions(since=date(2026, 1, 1), retries=0))
    assert summary.processed == 1
    assert box.count("INBOX") == 1 and stored_reports(store) == 1


def test_delete_removes_processed_messages_but_keeps_the_rest(store: Store) -> None:
    box = MemoryMailbox()
    fill(box, n_reports=3, n_other=1, n_broken=1)
    summary = run(store, box, folders=Folders(delete_processed=True))
    assert summary.deleted == 3
    assert "DMARC/Processed" not in box.folders()
    assert box.count("DMARC/Other") == 1 and box.count("DMARC/Invalid") == 1


def test_without_move_capability_copy_and_expunge_touch_only_those_uids(store: Store) -> None:
    box = MemoryMailbox(capabilities=("UIDPLUS",))
    fill(box, n_reports=2, n_other=0, n_broken=0)
    kept = box.add("INBOX", b"From: x@example.org\r\n\r\nflagged by a person\r\n")
    summary = run(store, box, folders=Folders(other=""))
    assert summary.moved == 2 and box.count("DMARC/Processed") == 2
    assert [(op, uids) for op, uids in box.calls if op in ("copy", "delete")] == [
        ("copy", (1, 2)),
        ("delete", (1, 2)),
    ]
    assert list(box.store["INBOX"].messages) == [kept]


def test_without_uidplus_messages_are_only_flagged_never_expunged(store: Store) -> None:
    box = MemoryMailbox(capabilities=())
    fill(box, n_reports=2, n_other=0, n_broken=0)
    run(store, box)
    assert box.count("DMARC/Processed") == 2
    assert box.store["INBOX"].flagged == {1, 2} and box.count("INBOX") == 2
    again = run(store, box)  # flagged messages are not copied a second time
    assert again.seen == 0 and box.count("DMARC/Processed") == 2


def test_a_message_over_the_size_limit_is_not_fetched_and_goes_to_invalid(store: Store) -> None:
    box = MemoryMailbox()
    big = box.add("INBOX", mails.report_mail("big", "xml", records=400))
    box.add("INBOX", mails.report_mail("small"))
    options = PollOptions(limits=Limits(max_message_bytes=50_000), retries=0)
    summary = run(store, box, options)
    assert all(big not in uids for op, uids in box.calls if op == "fetch")
    assert summary.invalid == 1 and summary.processed == 1
    assert box.count("DMARC/Invalid") == 1


def test_store_failure_moves_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def unwritable() -> Iterator[Writer]:
        raise StoreNotWritable("cannot write to the store: it is read-only")

    monkeypatch.setattr(store, "writing", contextlib.contextmanager(unwritable))
    box = MemoryMailbox()
    fill(box, n_reports=3, n_other=0, n_broken=0)
    with pytest.raises(StoreNotWritable):
        run(store, box)
    assert box.count("INBOX") == 3
    assert not [op for op, _ in box.calls if op == "move"]


def test_sigterm_finishes_the_message_in_hand_and_moves_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = pipeline.write_input

    def import_then_signal(*args: Any, **kwargs: Any) -> pipeline.InputOutcome:
        calls.append(args[1])
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGTERM)  # arrives while message 3 is in hand
        return real(*args, **kwargs)

    monkeypatch.setattr(poll, "write_input", import_then_signal)
    previous = signal.getsignal(signal.SIGTERM)
    stop = StopFlag()
    stop.install()
    try:
        box = MemoryMailbox()
        fill(box, n_reports=6, n_other=0, n_broken=0)
        summary = poll_with_retries(store, job(box), FAST, stop)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert summary.status == "stopped"
    assert summary.processed == 3 and stored_reports(store) == 3
    assert box.count("DMARC/Processed") == 3 and box.count("INBOX") == 3


def test_folder_names_in_any_language_are_used_as_given(store: Store) -> None:
    box = MemoryMailbox()
    fill(box, n_reports=1, n_other=1, n_broken=0)
    folders = Folders(processed="Berichte/Verarbeitet", other="Autres/Reçus")
    run(store, box, folders=folders)
    assert box.count("Berichte/Verarbeitet") == 1 and box.count("Autres/Reçus") == 1


def test_source_names_the_message_as_an_imap_url(store: Store) -> None:
    box = MemoryMailbox()
    box.add("INBOX", mails.broken_mail("malformed-xml", "x"))
    run(store, box, name="praxis")
    from dmarcwatch.ingest.schema import rejects

    with store.engine.connect() as conn:
        sources = [row.source for row in conn.execute(select(rejects.c.source))]
    assert sources == ["imap://praxis/INBOX;UIDVALIDITY=1/;UID=1"]


def test_an_internal_error_on_one_message_leaves_it_in_place_and_the_rest_go_on(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.write_input

    def fail_on_second(*args: Any, **kwargs: Any) -> pipeline.InputOutcome:
        if args[1].endswith(";UID=2"):
            raise RuntimeError("bug in a parser")
        return real(*args, **kwargs)

    monkeypatch.setattr(poll, "write_input", fail_on_second)
    box = MemoryMailbox()
    fill(box, n_reports=4, n_other=0, n_broken=0)
    summary = run(store, box)
    assert summary.failed == 1 and summary.processed == 3
    assert box.count("INBOX") == 1 and box.count("DMARC/Processed") == 3
    assert len(Ledger(store).handled("praxis", "INBOX", 1)) == 3


# Batches: one fetch, one transaction (a savepoint per message), one move per target --------


def test_a_batch_is_fetched_committed_and_moved_once(store: Store) -> None:
    box = MemoryMailbox()
    fill(box, n_reports=5, n_other=1, n_broken=1)  # seven messages: one batch of FAST
    summary = run(store, box)
    assert (summary.processed, summary.other, summary.invalid) == (5, 1, 1)
    ops = [op for op, _ in box.calls]
    assert ops.count("fetch") == 1
    assert ops.count("move") == 3  # processed, other, invalid: each by one UID set
    assert [uids for op, uids in box.calls if op == "fetch"] == [(1, 2, 3, 4, 5, 6, 7)]


def test_a_broken_message_inside_a_batch_loses_nothing_else(store: Store) -> None:
    box = MemoryMailbox()
    for i in range(3):
        box.add("INBOX", mails.report_mail(f"a{i}"))
    box.add("INBOX", mails.broken_mail("truncated-gzip", "bad"))
    for i in range(3):
        box.add("INBOX", mails.report_mail(f"b{i}", "zip"))
    summary = run(store, box)
    assert (summary.processed, summary.invalid, summary.reports_stored) == (6, 1, 6)
    assert box.count("DMARC/Processed") == 6 and box.count("DMARC/Invalid") == 1
    assert store.totals().rejects == 1
    assert Ledger(store).handled("praxis", "INBOX", 1)[4] == "invalid"


def test_a_batch_holding_the_same_report_twice_stores_it_once(store: Store) -> None:
    box = MemoryMailbox()
    same = mails.report_mail("same", "gzip")
    box.add("INBOX", same)
    box.add("INBOX", same)  # the same bytes: skipped on its hash inside the open batch
    box.add("INBOX", mails.report_mail("same", "zip"))  # the same report, other container
    summary = run(store, box)
    assert (summary.reports_stored, summary.reports_duplicate) == (1, 2)
    assert summary.processed == 3 and box.count("DMARC/Processed") == 3
    assert stored_reports(store) == 1 and store.totals().rejects == 0


def test_a_crash_between_commit_and_move_moves_the_batch_next_run_unread(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = MemoryMailbox()
    fill(box, n_reports=7, n_other=0, n_broken=0)

    def crash(uids: Any, folder: str) -> None:
        raise KeyboardInterrupt  # the process dies after the commit, before any move

    monkeypatch.setattr(box, "move", crash)
    with pytest.raises(KeyboardInterrupt):
        run(store, box)
    assert stored_reports(store) == 7 and box.count("INBOX") == 7
    assert len(Ledger(store).handled("praxis", "INBOX", 1)) == 7
    monkeypatch.undo()
    box.calls.clear()
    again = run(store, box)
    assert again.resumed == 7 and again.moved == 7 and again.reports_stored == 0
    assert not [op for op, _ in box.calls if op == "fetch"]
    assert box.count("DMARC/Processed") == 7 and stored_reports(store) == 7


def test_a_store_failure_mid_batch_stores_and_moves_nothing_of_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.write_input
    calls: list[str] = []

    def fail_third(*args: Any, **kwargs: Any) -> pipeline.InputOutcome:
        calls.append(args[1])
        if len(calls) == 3:
            raise StoreNotWritable("cannot write to the store: the disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(poll, "write_input", fail_third)
    box = MemoryMailbox()
    fill(box, n_reports=5, n_other=0, n_broken=0)
    with pytest.raises(StoreNotWritable):
        run(store, box)
    assert stored_reports(store) == 0 and box.count("INBOX") == 5
    assert not Ledger(store).handled("praxis", "INBOX", 1)
    assert not [op for op, _ in box.calls if op == "move"]
