"""Gmail API specifics, against the local Gmail API of tests/servers/gmail.py only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.poll.imap_env import report_mails
from tests.servers.gmail import GmailServer
from tests.sources.envs import GmailEnv

PROCESSED = "DMARC/Processed"


@pytest.fixture
def env(gmail_server: GmailServer, tmp_path: Path) -> GmailEnv:
    return GmailEnv(gmail_server, tmp_path)


def test_an_installed_app_token_file_works_like_a_service_account(
    gmail_server: GmailServer, tmp_path: Path
) -> None:
    env = GmailEnv(gmail_server, tmp_path, service_account=False)
    env.seed(report_mails(3))
    result = env.run()
    assert result.code == 0, result.stderr
    assert env.counts()[PROCESSED] == 3 and env.counts()["INBOX"] == 0


def test_rate_limited_requests_are_retried_and_expired_tokens_replaced(env: GmailEnv) -> None:
    env.seed(report_mails(8))  # more than a page of messages.list
    assert env.run().code == 0
    env.state.expire_tokens()
    env.state.throttle(times=2)
    env.seed(report_mails(2, prefix="s"))

    result = env.run()

    assert result.code == 0, result.stderr
    assert env.counts()[PROCESSED] == 10
    assert env.state.token_requests == 2


def test_a_user_outside_the_delegation_exits_77(env: GmailEnv) -> None:
    env.write_config(user="someone-else@example.org")
    result = env.run()
    assert result.code == 77 and len(result.stderr_lines) == 1


def test_config_check_connect_shows_labels_and_counts(env: GmailEnv) -> None:
    env.seed(report_mails(2))
    result = env.run("--connect", command="config check")
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("logged in to Gmail API as dmarc@example.org" in line for line in lines)
    assert "  INBOX: 2 messages" in lines
