"""A forged report whose key cannot be indexed, fetched by ``poll`` into PostgreSQL: before,
exit 70, nothing of the batch stored, and the message stayed in INBOX to fail every run."""

from __future__ import annotations

import pytest

from tests.hostile.generate import gz, mail_with, report
from tests.poll import mails
from tests.poll.imap_env import PollEnv

pytestmark = [pytest.mark.dovecot, pytest.mark.postgres]


def test_a_report_key_too_long_to_index_is_filed_as_invalid_and_the_batch_stored(
    poll_env: PollEnv, fresh_pg_url: str
) -> None:
    forged = report("forged", org="o" * 6000)
    poll_env.seed(
        [
            mails.report_mail("before"),
            mail_with([(gz(forged), "application", "gzip", "r.xml.gz")]),
            mails.report_mail("after"),
        ]
    )

    first = poll_env.run("--db", fresh_pg_url)

    assert first.code == 65, first.stderr
    (line,) = first.stderr_lines
    assert "org_name is 6000 bytes long" in line
    counts = poll_env.counts()
    assert (counts["INBOX"], counts["DMARC/Processed"], counts["DMARC/Invalid"]) == (0, 2, 1)
    again = poll_env.run("--db", fresh_pg_url)
    assert again.code == 0 and again.stderr == ""
