"""Named store locks: one holder at a time across processes, never waiting."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dmarcwatch.ingest.errors import LockBusy
from dmarcwatch.ingest.store import Store

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def held_elsewhere(url: str, name: str) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock until the block ends."""
    with subprocess.Popen(
        [sys.executable, "-m", "tests.store.hold_lock", url, name],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        assert process.stdin is not None
        assert process.stdout.readline().strip() == "held"
        try:
            yield process
        finally:
            process.stdin.close()
            process.wait(timeout=30)


def test_lock_held_in_this_process_is_busy_for_a_second_taker(store: Store) -> None:
    with store.lock("poll"), pytest.raises(LockBusy, match="'poll' lock"), store.lock("poll"):
        pass


def test_lock_is_free_again_after_the_block(store: Store) -> None:
    with store.lock("poll"):
        pass
    with store.lock("poll"):
        pass


def test_lock_is_released_when_the_block_raises(store: Store) -> None:
    with pytest.raises(ZeroDivisionError), store.lock("poll"):
        raise ZeroDivisionError
    with store.lock("poll"):
        pass


def test_locks_with_different_names_do_not_exclude_each_other(store: Store) -> None:
    with store.lock("poll"), store.lock("reparse"):
        pass


def test_lock_held_by_another_process_is_busy(store_url: str, store: Store) -> None:
    with held_elsewhere(store_url, "poll"):
        with pytest.raises(LockBusy) as busy, store.lock("poll"):
            pass
        assert "try again later" in str(busy.value)
        with store.lock("other"):
            pass
    with store.lock("poll"):
        pass


def test_lock_of_a_killed_process_is_released(store_url: str, store: Store) -> None:
    with held_elsewhere(store_url, "poll") as holder:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        with store.lock("poll"):
            pass


def test_sqlite_lock_file_sits_beside_the_database(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "dmarcwatch.db")) as store, store.lock("poll"):
        assert (tmp_path / "dmarcwatch.db.poll.lock").exists()


def test_in_memory_store_has_a_process_local_lock() -> None:
    with (
        Store.open("sqlite://") as store,
        store.lock("poll"),
        pytest.raises(LockBusy),
        store.lock("poll"),
    ):
        pass


@pytest.mark.parametrize("name", ["", "../x", ".hidden", "a/b", "x" * 65])
def test_lock_names_that_could_escape_the_directory_are_refused(store: Store, name: str) -> None:
    with pytest.raises(ValueError, match="invalid lock name"), store.lock(name):
        pass
