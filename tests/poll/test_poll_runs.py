"""``poll`` records each mailbox's last run and last success; ``metrics`` shows them."""

from __future__ import annotations

import pytest

from tests.poll.imap_env import PollEnv, report_mails

pytestmark = [pytest.mark.dovecot]


def test_a_failed_poll_keeps_the_last_success_and_metrics_show_both(poll_env: PollEnv) -> None:
    poll_env.seed(report_mails(2))
    assert poll_env.run().code == 0
    [(mailbox, status, success)] = poll_env.query(
        "SELECT mailbox, status, last_success FROM poll_runs"
    )
    assert (mailbox, status) == ("praxis", "ok") and success is not None

    poll_env.password_file.write_text("not-the-password\n")
    assert poll_env.run().code == 77
    [(status, kept)] = poll_env.query("SELECT status, last_success FROM poll_runs")
    assert (status, kept) == ("login", success)

    metrics = poll_env.run(command="metrics")
    assert metrics.code == 0
    assert 'dmarcwatch_poll_success{mailbox="praxis"} 0' in metrics.stdout
    assert 'dmarcwatch_poll_last_success_timestamp_seconds{mailbox="praxis"} ' in metrics.stdout
