"""``dmarcwatch import --stdin`` as an MTA's pipe runs it: 0 once handled, 75 to retry later."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.poll import mails

ROOT = Path(__file__).resolve().parents[2]


def pipe(db: Path, data: bytes, *args: str, limit: list[str] | None = None) -> tuple[int, str]:
    done = subprocess.run(
        [
            *(limit or []),
            sys.executable,
            "-m",
            "dmarcwatch",
            "import",
            *args,
            "--db",
            f"sqlite:///{db}",
        ],
        input=data,
        capture_output=True,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("DMARCWATCH_")},
        timeout=120,
        check=False,
    )
    assert done.stdout == b""
    return done.returncode, done.stderr.decode()


def rows(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


def test_a_report_is_stored_and_the_same_report_again_is_a_quiet_duplicate(db: Path) -> None:
    report = mails.report_mail("piped-1", "gzip")
    assert pipe(db, report, "--stdin") == (0, "")
    assert pipe(db, report, "-") == (0, "")
    assert rows(db, "reports") == 1


@pytest.mark.parametrize(
    "message",
    [mails.other_mail("plain", 1), mails.broken_mail("malformed-xml", "bad-1")],
    ids=["ordinary mail", "broken report"],
)
def test_mail_without_a_usable_report_is_kept_as_a_reject_and_exits_0(
    db: Path, message: bytes
) -> None:
    assert pipe(db, message, "--stdin") == (0, "")  # no bounce: no backscatter to forgers
    assert rows(db, "rejects") == 1 and rows(db, "reports") == 0


def test_a_store_that_cannot_be_written_exits_75_so_the_mta_retries(db: Path) -> None:
    assert pipe(db, mails.other_mail("plain", 1), "--stdin")[0] == 0  # the store exists
    code, stderr = pipe(
        db, mails.report_mail("big", "gzip"), "--stdin", limit=["prlimit", "--fsize=4096"]
    )
    assert code == 75
    assert len(stderr.splitlines()) == 1 and "retried" in stderr


def test_stdin_with_a_path_is_a_usage_error(db: Path, tmp_path: Path) -> None:
    code, stderr = pipe(db, b"", "--stdin", str(tmp_path))
    assert code == 64 and "--stdin" in stderr
