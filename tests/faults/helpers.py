"""What the fault-injection tests share: a mailbox with a known filing, the invariant that
must hold after any failure and a clean rerun, a private PostgreSQL, and a small disk."""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import compat32
from pathlib import Path
from typing import Any

from tests.poll import mails
from tests.poll.imap_env import PollEnv
from tests.servers import postgres as pg

PROCESSED, INVALID, OTHER, INBOX = "DMARC/Processed", "DMARC/Invalid", "DMARC/Other", "INBOX"


def wait_for(condition: Callable[[], bool], timeout: float = 60, what: str = "condition") -> None:
    """Poll *condition* until it holds (an event to wait for, never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass(frozen=True)
class Mailbox:
    """Messages to seed, each with the folder it must end in; report ids that must be stored."""

    messages: tuple[bytes, ...]
    folders: tuple[str, ...]
    report_ids: tuple[str, ...]

    @classmethod
    def mixed(cls, prefix: str, reports: int = 24, others: int = 4) -> Mailbox:
        """*reports* report mails of every container kind, ordinary mail, ruf and TLS reports,
        and two broken reports, shuffled (seeded by *prefix*)."""
        items: list[tuple[bytes, str, str | None]] = []
        for i in range(reports):
            report_id = f"{prefix}-{i:03d}"
            container = mails.CONTAINERS[i % len(mails.CONTAINERS)]
            items.append((mails.report_mail(report_id, container), PROCESSED, report_id))
        for i in range(others):
            kind = mails.OTHER_KINDS[i % len(mails.OTHER_KINDS)]
            items.append((mails.other_mail(kind, i), OTHER, None))
        for kind in ("malformed-xml", "truncated-gzip"):
            items.append((mails.broken_mail(kind, f"{prefix}-broken-{kind}"), INVALID, None))
        random.Random(prefix).shuffle(items)
        return cls(
            messages=tuple(data for data, _, _ in items),
            folders=tuple(folder for _, folder, _ in items),
            report_ids=tuple(sorted(rid for _, _, rid in items if rid is not None)),
        )

    def expected_filing(self) -> dict[str, Counter[str]]:
        filing: dict[str, Counter[str]] = {}
        for data, folder in zip(self.messages, self.folders, strict=True):
            filing.setdefault(folder, Counter())[subject(data)] += 1
        return filing


def subject(data: bytes) -> str:
    value = message_from_bytes(data, policy=compat32).get("Subject", "")
    return " ".join(str(value).split())


def filing(env: PollEnv) -> dict[str, Counter[str]]:
    """Subjects of the messages in each non-empty folder of the test user's mailbox."""
    found: dict[str, Counter[str]] = {}
    for folder, count in env.counts().items():
        if count:
            found[folder] = Counter(subject(data) for data in env.messages(folder))
    return found


def check_nothing_lost_or_duplicated(
    env: PollEnv, mailbox: Mailbox, *, server_killed: bool = False
) -> None:
    """Every report sent is stored once; every message is in its folder, once.

    With *server_killed*, the IMAP server itself was SIGKILLed: Dovecot carries out a MOVE
    as copy then expunge, so a kill between the two can leave a second copy of a message in
    its destination (the poller moves the one still in the source on the rerun). Such a
    copy is the server's doing and harmless; a message missing from its folder, or found in
    another folder, is still a failure.
    """
    assert env.report_ids() == list(mailbox.report_ids), "stored reports differ from those sent"
    assert env.count("reports") == len(mailbox.report_ids)
    found, expected = filing(env), mailbox.expected_filing()
    if server_killed:
        assert set(found) == set(expected), (found, expected)
        for folder, subjects in expected.items():
            assert set(found[folder]) == set(subjects), (folder, found[folder], subjects)
    else:
        assert found == expected
    rows = env.query("SELECT r.record_count, (SELECT count(*) FROM records WHERE report_pk = r.id)"
                     " FROM reports r")  # fmt: skip
    assert all(declared == written for declared, written in rows), "a half-stored report"


# --- PostgreSQL ------------------------------------------------------------------------------


class PrivatePostgres:
    """A throwaway cluster of its own (not the session's), which a test may stop and kill.

    Built with the functions of :mod:`tests.servers.postgres`.
    """

    def __init__(self) -> None:
        bindir = pg._bindir()  # noqa: SLF001 - the plugin's building blocks
        if bindir is None:
            pg._unavailable(pg.MISSING)  # noqa: SLF001
        self.bindir = bindir
        self.owner = pg._as_postgres_user()  # noqa: SLF001
        self.base = pg._make_dir(self.owner)  # noqa: SLF001
        pg._initdb(bindir, self.base / "data", self.owner)  # noqa: SLF001
        self.port = pg._free_port()  # noqa: SLF001
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://test@127.0.0.1:{self.port}/postgres"

    @property
    def conninfo(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=test dbname=postgres connect_timeout=5"

    def start(self) -> None:
        self.process = pg._start(self.bindir, self.base, self.port, self.owner)  # noqa: SLF001
        pg._wait_ready(self.process, self.port, self.base / "server.log")  # noqa: SLF001

    def stop(self, signum: int = signal.SIGINT) -> None:
        """SIGINT: fast shutdown (clients cut off); SIGQUIT: immediate, recovery at next start."""
        if self.process is None:
            return
        self.process.send_signal(signum)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute(sql)

    def scalar(self, sql: str) -> Any:
        import psycopg

        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            row = conn.execute(sql).fetchone()
            return None if row is None else row[0]

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            return conn.execute(sql).fetchall()

    def count_or_zero(self, table: str) -> int:
        import psycopg

        try:
            return int(self.scalar(f"SELECT count(*) FROM {table}"))  # noqa: S608
        except psycopg.Error:
            return 0  # no schema yet

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


# --- a small disk -------------------------------------------------------------------------------


@contextlib.contextmanager
def small_disk(size: str = "2m") -> Iterator[Path | None]:
    """A tmpfs of *size* mounted on a fresh folder, or ``None`` where mounting is not allowed
    (the caller falls back to RLIMIT_FSIZE)."""
    where = Path(tempfile.mkdtemp(prefix="dmarcwatch-disk-"))
    try:
        mounted = (
            os.geteuid() == 0
            and subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )
        try:
            yield where if mounted else None
        finally:
            if mounted:
                subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)
    finally:
        shutil.rmtree(where, ignore_errors=True)


def fill(directory: Path, leave: int = 0) -> Path:
    """Write a filler file until the file system of *directory* has at most *leave* bytes free."""
    filler = directory / "filler"
    with filler.open("wb") as out:
        block = b"\0" * 65536
        while True:
            free = shutil.disk_usage(directory).free
            if free <= leave:
                break
            try:
                out.write(block[: max(1, min(len(block), free - leave))])
                out.flush()
            except OSError:
                break
    return filler


REPORT_ID = re.compile(rb"<report_id>([^<]+)</report_id>")
