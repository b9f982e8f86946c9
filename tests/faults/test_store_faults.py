"""The store fails under a running ``import`` or ``poll``: PostgreSQL stopped or crashed, the
SQLite disk full, several writers at once. Each run fails with its documented exit code and
one line, and a rerun completes with every report stored once and nothing half-stored.

PostgreSQL here is a cluster of this module's own (not the session's), since the tests stop
and crash it.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.helpers import (
    INBOX,
    PROCESSED,
    Mailbox,
    PrivatePostgres,
    check_nothing_lost_or_duplicated,
    fill,
    small_disk,
    wait_for,
)
from tests.poll import mails
from tests.poll.imap_env import REPO, PollEnv
from tests.servers.dovecot import DovecotServer

pytestmark = pytest.mark.slow

RECORDS = 120  # per report: an import of 150 reports takes a few seconds, time to crash it


@pytest.fixture(scope="module")
def private_pg() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.close()


def write_reports(folder: Path, prefix: str, count: int, records: int = RECORDS) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"{prefix}-{i:04d}" for i in range(count)]
    for report_id in ids:
        (folder / f"{report_id}.xml").write_bytes(mails.report_xml(report_id, records=records))
    return ids


@dataclass
class Cli:
    """``dmarcwatch`` started in the background, output to files."""

    proc: subprocess.Popen[bytes]
    out: Path

    @classmethod
    def start(cls, out: Path, *args: str) -> Cli:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DMARCWATCH_")}
        env["PYTHONPATH"] = str(REPO)
        with out.with_suffix(".stdout").open("wb") as o, out.with_suffix(".stderr").open("wb") as e:
            proc = subprocess.Popen(
                [sys.executable, "-m", "dmarcwatch", *args],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=o,
                stderr=e,
            )
        return cls(proc, out)

    def finish(self, timeout: float = 300) -> tuple[int, str, str]:
        code = self.proc.wait(timeout=timeout)
        stdout = self.out.with_suffix(".stdout").read_text()
        stderr = self.out.with_suffix(".stderr").read_text()
        return code, stdout, stderr


def run_cli(out: Path, *args: str) -> tuple[int, str, str]:
    return Cli.start(out, *args).finish()


def new_database(server: PrivatePostgres, name: str) -> str:
    server.execute(f'CREATE DATABASE "{name}"')
    return server.url.rsplit("/", 1)[0] + f"/{name}"


def count_in(server: PrivatePostgres, database: str, sql: str) -> int:
    import psycopg

    conninfo = server.conninfo.replace("dbname=postgres", f"dbname={database}")
    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            row = conn.execute(sql).fetchone()
    except psycopg.Error:
        return 0  # not created yet, or the server is going away
    return int(row[0]) if row else 0


def check_postgres_store(server: PrivatePostgres, database: str, ids: list[str]) -> None:
    """Every report once, and every report whole (its records all there)."""
    query = server.conninfo.replace("dbname=postgres", f"dbname={database}")
    import psycopg

    with psycopg.connect(query, autocommit=True) as conn:
        stored = [row[0] for row in conn.execute("SELECT report_id FROM reports ORDER BY 1")]
        half = conn.execute(
            "SELECT count(*) FROM reports r WHERE r.record_count <> "
            "(SELECT count(*) FROM records WHERE report_pk = r.id)"
        ).fetchone()
    assert stored == sorted(ids), "stored reports differ from those sent (lost or duplicated)"
    assert half == (0,), "a report without all its records"


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("run", "signum"),
    [(0, signal.SIGINT), (1, signal.SIGQUIT), (2, signal.SIGINT), (3, signal.SIGQUIT)],
    ids=["fast-shutdown-0", "crash-1", "fast-shutdown-2", "crash-3"],
)
def test_postgres_stopped_during_import_then_rerun_stores_every_report_once(
    run: int, signum: int, private_pg: PrivatePostgres, tmp_path: Path
) -> None:
    """SIGINT is PostgreSQL's fast shutdown (a restart by an administrator); SIGQUIT its
    immediate shutdown, which leaves the data as a crash would (recovery at the next start)."""
    ids = write_reports(tmp_path / "in", f"pg{run}", 150)
    url = new_database(private_pg, f"restart{run}")
    stop_after = random.Random(3000 + run).randint(1, 120)

    running = Cli.start(tmp_path / "first", "import", "--db", url, str(tmp_path / "in"))
    wait_for(
        lambda: (
            running.proc.poll() is not None
            or count_in(private_pg, f"restart{run}", "SELECT count(*) FROM reports") >= stop_after
        ),
        timeout=120,
        what=f"{stop_after} stored reports",
    )
    private_pg.stop(signum)
    code, _, stderr = running.finish(timeout=120)
    private_pg.start()

    assert code == 69, stderr  # 150 reports take seconds: the stop lands while it imports
    assert "Traceback" not in stderr
    assert len(stderr.splitlines()) == 1 and "store" in stderr, stderr
    code, stdout, stderr = run_cli(
        tmp_path / "again", "import", "--json", "--db", url, str(tmp_path / "in")
    )
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["reports"] + summary["duplicates"] == len(ids)
    check_postgres_store(private_pg, f"restart{run}", ids)


@pytest.mark.postgres
@pytest.mark.dovecot
def test_two_polls_and_two_imports_at_once_on_one_postgres_store(
    private_pg: PrivatePostgres, dovecot: DovecotServer, tmp_path: Path
) -> None:
    """The imports and the mailbox carry the same reports (and the imports others): every
    report ends up stored once, nobody deadlocks, one poll works and the other exits 75 (or
    finds nothing left to do)."""
    url = new_database(private_pg, "concurrent")
    shared = [f"both-{i:03d}" for i in range(30)]
    (tmp_path / "poll").mkdir()
    env = PollEnv(dovecot, dovecot.add_user(), tmp_path / "poll")
    env.seed(mails.report_mail(rid, mails.CONTAINERS[i % 7]) for i, rid in enumerate(shared))
    folder = tmp_path / "in"
    only_files = write_reports(folder, "file", 80)
    for report_id in shared:  # the same report as in the mail: a duplicate, not a conflict
        (folder / f"{report_id}.xml").write_bytes(mails.report_xml(report_id))

    polls = [env.start("--db", url) for _ in range(2)]
    imports = [
        Cli.start(tmp_path / f"import{i}", "import", "--db", url, str(folder)) for i in range(2)
    ]
    poll_codes = sorted(env.finish(p, timeout=300).code for p in polls)
    import_results = [i.finish(timeout=300) for i in imports]

    assert poll_codes in ([0, 75], [0, 0]), poll_codes
    for code, _, stderr in import_results:
        assert code == 0, stderr
        assert "deadlock" not in stderr.lower() and "Traceback" not in stderr
    check_postgres_store(private_pg, "concurrent", shared + only_files)
    assert env.counts() == {INBOX: 0, PROCESSED: len(shared)}


# --- disk full ------------------------------------------------------------------------------


@pytest.fixture
def disk() -> Iterator[Path | None]:
    with small_disk("8m") as where:
        yield where


def test_disk_full_for_the_sqlite_store_import_fails_with_one_line_then_rerun_completes(
    disk: Path | None, tmp_path: Path
) -> None:
    if disk is None:
        pytest.skip("cannot mount a small tmpfs here (the poll test covers RLIMIT_FSIZE)")
    url = f"sqlite:///{disk / 'dmarc.db'}"
    first = write_reports(tmp_path / "first", "first", 1, records=2)
    assert run_cli(tmp_path / "create", "import", "--db", url, str(tmp_path / "first"))[0] == 0
    ids = write_reports(tmp_path / "in", "full", 20)
    filler = fill(disk)

    code, stdout, stderr = run_cli(tmp_path / "full", "import", "--db", url, str(tmp_path / "in"))

    assert code == 73, stderr
    assert len(stderr.splitlines()) == 1 and "store" in stderr and "Traceback" not in stderr
    filler.unlink()
    code, _, stderr = run_cli(tmp_path / "again", "import", "--db", url, str(tmp_path / "in"))
    assert code == 0, stderr
    import sqlite3

    with sqlite3.connect(f"file:{disk / 'dmarc.db'}?mode=ro", uri=True) as conn:
        stored = [r[0] for r in conn.execute("SELECT report_id FROM reports ORDER BY 1")]
    assert stored == sorted(first + ids)


@pytest.mark.dovecot
@pytest.mark.parametrize("leave", [0, 200_000], ids=["full-at-start", "full-mid-run"])
def test_disk_full_for_the_sqlite_store_poll_moves_only_what_was_stored(
    leave: int, disk: Path | None, dovecot: DovecotServer, tmp_path: Path
) -> None:
    """Full from the start: exit 73, one line, nothing moved. Full in the middle of the run:
    exit 73, and every message moved had its reports stored. A rerun with space files all."""
    env = PollEnv(dovecot, dovecot.add_user(), tmp_path)
    if disk is not None:
        env.db = disk / "dmarc.db"
        env.write_config()
    assert env.run().code == 0  # creates the store
    mailbox = Mailbox.mixed(f"disk{leave}", reports=30, others=2)
    env.seed(mailbox.messages)
    if disk is None:
        if leave:
            pytest.skip("cannot mount a small tmpfs here")
        result = env.run(max_file_bytes=4096)
    else:
        filler = fill(disk, leave=leave)
        # small batches: the disk fills between two commits, not before or after the one batch
        result = env.run(batch_messages=4)

    assert result.code == 73, result.stderr
    store_lines = [line for line in result.stderr_lines if ": invalid: " not in line]
    assert len(store_lines) == 1 and "store" in store_lines[0], result.stderr
    assert "Traceback" not in result.stderr
    counts = env.counts()
    filed = sum(n for folder, n in counts.items() if folder != INBOX)
    if leave == 0:
        assert counts == {INBOX: len(mailbox.messages)}
    moved = env.messages(PROCESSED) if counts.get(PROCESSED) else []
    if disk is not None:
        filler.unlink()  # SQLite cannot even read a WAL database on a full disk
    stored = set(env.report_ids())
    for data in moved:
        assert any(f"Report-ID: {rid}".encode() in data for rid in stored)
    assert filed <= env.count("mailbox_messages")

    again = env.run()
    assert again.code in (0, 65), again.stderr
    check_nothing_lost_or_duplicated(env, mailbox)


def test_the_small_disk_is_really_small(disk: Path | None) -> None:
    if disk is None:
        pytest.skip("cannot mount a small tmpfs here")
    assert shutil.disk_usage(disk).total <= 8 * 1024 * 1024
