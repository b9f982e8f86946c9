"""The poller's scenarios, run for every source type: IMAP, Maildir, Microsoft Graph, Gmail.

Reports, broken reports and ordinary mail are filed; a second run does nothing; a poller
killed between commit and move loses and duplicates nothing; two pollers at once give one
result and one exit 75.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.poll import mails
from tests.poll.imap_env import report_mails

PROCESSED, INVALID, OTHER = "DMARC/Processed", "DMARC/Invalid", "DMARC/Other"


def mixed(n_reports: int, n_other: int) -> list[bytes]:
    messages = report_mails(n_reports)
    messages += [mails.other_mail(mails.OTHER_KINDS[i % 4], i) for i in range(n_other)]
    messages += [mails.broken_mail(kind, f"broken-{kind}") for kind in mails.BROKEN_KINDS]
    return messages


def wait_for(condition: Callable[[], bool], timeout: float = 60, what: str = "it") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def test_reports_broken_reports_and_ordinary_mail_are_each_filed(source: Any) -> None:
    source.seed(mixed(n_reports=12, n_other=4))

    result = source.run("--json")

    assert result.code == 65, result.stderr  # five broken reports
    counts = source.counts()
    assert counts["INBOX"] == 0
    assert (counts[PROCESSED], counts[OTHER], counts[INVALID]) == (12, 4, 5)
    assert source.report_ids() == [f"r{i:05d}" for i in range(12)]
    assert source.count("rejects") == 9  # 5 broken, 4 recorded as not a report
    summary = json.loads(result.stdout)["mailboxes"][0]
    assert (summary["processed"], summary["invalid"], summary["other"]) == (12, 5, 4)
    assert len([line for line in result.stderr_lines if ": invalid: " in line]) == 5


def test_a_second_run_stores_nothing_and_moves_nothing(source: Any) -> None:
    source.seed(mixed(n_reports=6, n_other=3))
    source.write_config(other_folder="")  # ordinary mail stays in place and is skipped
    assert source.run().code == 65
    before = (source.counts(), source.count("reports"), source.count("mailbox_messages"))

    again = source.run("--json")

    assert (again.code, again.stderr) == (0, "")
    after = (source.counts(), source.count("reports"), source.count("mailbox_messages"))
    assert after == before
    summary = json.loads(again.stdout)["mailboxes"][0]
    assert (summary["seen"], summary["moved"], summary["processed"]) == (3, 0, 0)


def test_quiet_on_success_and_one_summary_line_with_verbose(source: Any) -> None:
    source.seed(report_mails(2))
    verbose = source.run("--verbose")
    assert verbose.code == 0
    assert verbose.stderr_lines == [
        "dmarcwatch: mailbox 'praxis': 2 in folder, 2 processed, 0 invalid, 0 other; "
        "2 reports stored, 0 duplicates; 2 moved, 2 reports without their reporter's DKIM"
    ]
    source.seed(report_mails(1, prefix="s"))
    quiet = source.run()
    assert (quiet.code, quiet.stdout, quiet.stderr) == (0, "", "")


def test_killed_between_commit_and_move_the_rerun_moves_without_duplicates(
    source: Any, tmp_path: Path
) -> None:
    source.seed(report_mails(9))
    marker = tmp_path / "moving"
    proc = source.start(move_marker=marker, batch_messages=4)
    wait_for(marker.exists, what="the first move")
    proc.send_signal(signal.SIGKILL)
    source.finish(proc, timeout=30)
    recorded = source.count("mailbox_messages")
    assert recorded == len(marker.read_text().split()) == source.count("reports") == 4
    assert source.counts().get(PROCESSED, 0) == 0

    again = source.run("--json")

    assert again.code == 0, again.stderr
    assert json.loads(again.stdout)["mailboxes"][0]["resumed"] == 4
    assert source.counts()["INBOX"] == 0 and source.counts()[PROCESSED] == 9
    assert source.report_ids() == [f"r{i:05d}" for i in range(9)]


def test_two_pollers_at_once_one_works_the_other_exits_75(source: Any, tmp_path: Path) -> None:
    source.seed(report_mails(6))
    marker = tmp_path / "moving"
    first = source.start(move_marker=marker)  # holds its lock while it waits in its first move
    wait_for(marker.exists, what="the first poller's move")

    second = source.run()

    assert second.code == 75
    assert len(second.stderr_lines) == 1 and "lock" in second.stderr
    first.send_signal(signal.SIGKILL)
    source.finish(first, timeout=30)
    assert source.run().code == 0
    assert source.counts()[PROCESSED] == 6 and source.count("reports") == 6
