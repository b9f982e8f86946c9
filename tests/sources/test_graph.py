"""Microsoft Graph specifics, against the local Graph of tests/servers/graph.py only."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.poll.imap_env import report_mails
from tests.servers.graph import GraphServer
from tests.sources.envs import GraphEnv

PROCESSED = "DMARC/Processed"


@pytest.fixture
def env(graph_server: GraphServer, tmp_path: Path) -> GraphEnv:
    return GraphEnv(graph_server, tmp_path)


def test_throttled_requests_wait_for_retry_after_then_go_on(env: GraphEnv) -> None:
    env.seed(report_mails(3))
    env.state.throttle(times=2, retry_after=1)
    started = time.monotonic()

    result = env.run()

    assert result.code == 0, result.stderr
    assert time.monotonic() - started >= 2  # slept Retry-After twice
    assert env.counts()[PROCESSED] == 3


def test_an_expired_token_is_replaced_and_the_poll_goes_on(env: GraphEnv) -> None:
    env.seed(report_mails(2))
    assert env.run().code == 0
    requested = env.state.token_requests
    env.state.expire_tokens()  # the cached token is refused from now on
    env.seed(report_mails(2, prefix="s"))

    result = env.run()

    assert result.code == 0, result.stderr
    assert env.state.token_requests == requested + 1
    assert env.counts()[PROCESSED] == 4


def test_a_wrong_client_secret_exits_77_without_showing_it(env: GraphEnv) -> None:
    env.seed(report_mails(1))
    env.secret_file.write_text("not-the-secret\n")
    result = env.run()
    assert result.code == 77
    assert len(result.stderr_lines) == 1 and "not-the-secret" not in result.stderr
    assert env.counts()["INBOX"] == 1


def test_a_mailbox_outside_the_apps_scope_exits_77(env: GraphEnv) -> None:
    env.write_config(user="someone-else@example.org")
    result = env.run()
    assert result.code == 77 and "access refused" in result.stderr


def test_a_server_certificate_from_an_unknown_ca_exits_69(env: GraphEnv) -> None:
    env.seed(report_mails(1))
    env.write_config(ca_file=None)
    result = env.run("--retries", "0")
    assert result.code == 69 and "certificate" in result.stderr
    assert env.counts()["INBOX"] == 1


def test_target_folders_are_created_nested_and_found_again(env: GraphEnv) -> None:
    env.seed(report_mails(2))
    env.write_config(processed_folder="Berichte/Verarbeitet")
    assert env.run().code == 0
    env.seed(report_mails(1, prefix="s"))
    assert env.run().code == 0
    assert env.counts()["Berichte/Verarbeitet"] == 3


def test_config_check_connect_shows_folders_and_counts(env: GraphEnv) -> None:
    env.seed(report_mails(2))
    result = env.run("--connect", command="config check")
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("logged in to Microsoft Graph as dmarc@example.org" in line for line in lines)
    assert "  Inbox: 2 messages" in lines
    assert "  DMARC/Processed: missing (created when first needed)" in lines


def test_since_asks_the_delta_query_for_recent_mail_only(env: GraphEnv) -> None:
    env.seed(report_mails(2))
    result = env.run("--since", "2d", "--json")
    assert result.code == 0
    assert json.loads(result.stdout)["mailboxes"][0]["processed"] == 2
    assert any("messages/delta" in r for r in env.state.requests)


def test_a_certificate_credential_signs_the_token_request(env: GraphEnv, tmp_path: Path) -> None:
    pem = tmp_path / "app.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=dmarcwatch app", "-keyout", str(tmp_path / "app.key"),
         "-out", str(tmp_path / "app.crt")],
        check=True, capture_output=True,
    )  # fmt: skip
    pem.write_text((tmp_path / "app.key").read_text() + (tmp_path / "app.crt").read_text())
    pem.chmod(0o600)
    env.write_config(client_secret_file=None, certificate_file=str(pem))
    env.seed(report_mails(1))

    result = env.run()

    assert result.code == 0, result.stderr
    assert env.state.assertions == 1 and env.counts()[PROCESSED] == 1
