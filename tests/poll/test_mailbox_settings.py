"""Settings that do not fit the server: told quickly, with what to change, exit 78.

Against the real Dovecot the tests start, which listens with STARTTLS (``imap_port``) and with
implicit TLS (``imaps_port``).
"""

from __future__ import annotations

import socket
import time

import pytest

from tests.poll.imap_env import PollEnv, report_mails
from tests.servers.dovecot import DovecotServer

pytestmark = pytest.mark.dovecot

FAST_S = 15  # the mailbox's timeout is 10 s in these configs; a retry loop would take far longer


def _timed(env: PollEnv, *args: str, command: str = "poll") -> tuple[float, int, str, str]:
    started = time.monotonic()
    result = env.run(*args, command=command, timeout=120)
    return time.monotonic() - started, result.code, result.stdout, result.stderr


def test_starttls_on_the_implicit_tls_port_fails_fast_with_the_setting_to_use(
    poll_env: PollEnv, dovecot: DovecotServer
) -> None:
    poll_env.seed(report_mails(1))
    poll_env.write_config(security="starttls", port=dovecot.imaps_port, timeout=60)

    elapsed, code, _out, err = _timed(poll_env)

    assert code == 78, err
    assert elapsed < FAST_S
    lines = err.splitlines()
    assert len(lines) == 1
    assert f'port {dovecot.imaps_port} speaks implicit TLS: set security = "tls"' in lines[0]
    assert poll_env.counts() == {"INBOX": 1}


def test_tls_on_the_starttls_port_fails_fast_with_the_setting_to_use(
    poll_env: PollEnv, dovecot: DovecotServer
) -> None:
    poll_env.write_config(security="tls", port=dovecot.imap_port)

    elapsed, code, _out, err = _timed(poll_env)

    assert code == 78, err
    assert elapsed < FAST_S
    lines = err.splitlines()
    assert len(lines) == 1
    assert "WRONG_VERSION_NUMBER" not in lines[0] and "_ssl.c" not in lines[0]
    assert f"port {dovecot.imap_port} speaks plain IMAP" in lines[0]
    assert 'set security = "starttls"' in lines[0] and "port = 993" in lines[0]


def test_config_check_connect_gives_the_same_advice(
    poll_env: PollEnv, dovecot: DovecotServer
) -> None:
    poll_env.write_config(security="starttls", port=dovecot.imaps_port, timeout=60)
    elapsed, code, out, err = _timed(poll_env, "--connect", command="config check")
    assert code == 78 and elapsed < FAST_S
    assert 'speaks implicit TLS: set security = "tls"' in err
    assert "speaks implicit TLS" not in out


def test_a_server_that_never_greets_times_out_quickly_and_may_be_retried() -> None:
    from dmarcwatch.ingest.mailbox import Endpoint, MailboxUnavailable, PasswordAuth, connect

    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, and says nothing
        endpoint = Endpoint("127.0.0.1", silent.getsockname()[1], "starttls", None, 60)
        started = time.monotonic()
        with pytest.raises(MailboxUnavailable, match="timed out while connecting"):
            connect(endpoint, PasswordAuth("u", "p"))
    assert time.monotonic() - started < FAST_S


def test_a_missing_source_folder_is_a_config_error_listing_the_folders_in_poll(
    poll_env: PollEnv,
) -> None:
    with poll_env.dovecot.session(poll_env.user) as client:
        client.create_folder("Berichte")
    poll_env.write_config(folder="Bericht")

    elapsed, code, _out, err = _timed(poll_env)

    assert code == 78, err
    assert elapsed < FAST_S  # not retried
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("dmarcwatch: mailbox 'praxis': ")
    assert "folder 'Bericht' does not exist; the server has 'Berichte', 'INBOX'" in lines[0]


def test_a_missing_source_folder_is_the_same_error_in_config_check(poll_env: PollEnv) -> None:
    poll_env.write_config(folder="Bericht")
    poll = poll_env.run()

    code = poll_env.run("--connect", command="config check")

    assert code.code == poll.code == 78
    assert code.stderr.splitlines() == poll.stderr.splitlines()
    assert "  Bericht: missing\n" in code.stdout
    assert "  DMARC/Processed: missing (created when first needed)" in code.stdout


def test_the_folder_list_is_bounded_and_escaped(poll_env: PollEnv) -> None:
    with poll_env.dovecot.session(poll_env.user) as client:
        for i in range(25):
            client.create_folder(f"Ordner{i:02d}")
        client.create_folder("Evil\u202egnp-exe")
    poll_env.write_config(folder="Nirgends")

    result = poll_env.run()

    assert result.code == 78
    line = result.stderr_lines[0]
    assert "'Evil\\u202egnp-exe'" in line and "\u202e" not in line
    assert "and 7 more" in line and len(line) < 800


def test_inbox_in_any_case_is_the_inbox_for_both_commands(poll_env: PollEnv) -> None:
    poll_env.seed(report_mails(2))
    poll_env.write_config(folder="inbox")

    check = poll_env.run("--connect", command="config check")
    assert check.code == 0, check.stderr
    assert "  inbox: 2 messages" in check.stdout and check.stderr == ""

    result = poll_env.run()
    assert result.code == 0, result.stderr
    assert poll_env.counts()["DMARC/Processed"] == 2


def test_config_check_connect_prints_failures_on_stderr(poll_env: PollEnv) -> None:
    poll_env.password_file.write_text("wrong\n")
    result = poll_env.run("--connect", command="config check")
    assert result.code == 77
    assert "valid" in result.stdout and "login refused" not in result.stdout
    assert result.stderr_lines[0].startswith("dmarcwatch: mailbox 'praxis': ")
    assert "login refused" in result.stderr
