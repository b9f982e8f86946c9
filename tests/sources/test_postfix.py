"""A real Postfix delivering into the Maildir that ``poll`` reads, and piping to ``import -``."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.poll import mails
from tests.poll.imap_env import report_mails
from tests.servers.postfix import PostfixServer
from tests.sources.envs import MaildirEnv

pytestmark = pytest.mark.slow


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def store_rows(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        try:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
        except sqlite3.OperationalError:
            return 0


def test_postfix_delivering_while_poll_files_loses_and_repeats_nothing(
    postfix: PostfixServer, tmp_path: Path
) -> None:
    first = report_mails(20)
    for data in first:
        postfix.send("dmarc@maildir.test", data)
    wait_for(lambda: postfix.queued() == 0, "the first deliveries")
    env = MaildirEnv(tmp_path)
    env.write_config(path=str(postfix.maildir))

    later = report_mails(20, prefix="late")
    sender = threading.Thread(target=lambda: [postfix.send("dmarc@maildir.test", d) for d in later])
    sender.start()  # Postfix delivers into new/ (through tmp/) while the poll moves messages
    result = env.run()
    sender.join()
    wait_for(lambda: postfix.queued() == 0, "the later deliveries")
    again = env.run()

    assert (result.code, again.code) == (0, 0), result.stderr + again.stderr
    processed = postfix.maildir / ".DMARC.Processed"
    assert len(list((processed / "cur").iterdir())) == 40
    assert not list((postfix.maildir / "new").iterdir())
    assert not list((postfix.maildir / "cur").iterdir())
    assert env.count("reports") == 40 and env.count("mailbox_messages") == 40


def test_the_pipe_transport_stores_reports_and_never_bounces(postfix: PostfixServer) -> None:
    postfix.send("rua@reports.test", mails.report_mail("piped", "gzip"))
    postfix.send("rua@reports.test", mails.other_mail("plain", 1))
    postfix.send("rua@reports.test", mails.broken_mail("malformed-xml", "broken"))

    wait_for(lambda: postfix.log().count("relay=dmarcwatch") >= 3, "three pipe deliveries")
    assert postfix.log().count("status=sent") == 3, postfix.log_tail()
    assert "status=bounced" not in postfix.log()
    assert store_rows(postfix.store, "reports") == 1
    assert store_rows(postfix.store, "rejects") == 2


def test_a_store_that_cannot_be_written_defers_the_mail_until_it_can(
    postfix: PostfixServer,
) -> None:
    store_dir = postfix.store.parent
    os.chown(store_dir, 0, 0)  # nobody cannot create the store
    store_dir.chmod(0o555)
    postfix.send("rua@reports.test", mails.report_mail("deferred", "gzip"))
    wait_for(lambda: "status=deferred" in postfix.log(), "a deferral")
    assert postfix.queued() == 1 and "status=bounced" not in postfix.log()

    os.chown(store_dir, 65534, 65534)
    store_dir.chmod(0o755)
    postfix.flush()

    wait_for(lambda: store_rows(postfix.store, "reports") == 1, "the retried delivery")
    wait_for(lambda: postfix.queued() == 0, "an empty queue")
