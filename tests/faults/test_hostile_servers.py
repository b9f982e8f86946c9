"""Malicious IMAP servers (issue 19, items 8 and 9): each attack ends that mailbox's poll with
one line, nothing of it stored or moved, while the next mailbox (the real Dovecot) is still
polled; the poller's memory and time stay bounded, and SIGTERM ends a blocking read."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.poll import mails
from tests.poll.imap_env import PollEnv, Result, toml_value
from tests.servers.dovecot import DovecotServer
from tests.servers.hostile_imap import HostileImapServer, hostile_imap

pytestmark = [pytest.mark.dovecot]

MiB = 1024 * 1024
RSS_BOUND_KIB = 200 * 1024
"""A poll of these small mailboxes stays far below this (about 70 MB); the attacks before the
fix reached gigabytes."""


def config_with_hostile(env: PollEnv, server: HostileImapServer, timeout: float) -> None:
    """The hostile server first, then the real Dovecot mailbox 'praxis'."""
    hostile = {
        "name": "hostile",
        "host": "127.0.0.1",
        "port": server.port,
        "security": "plain",
        "allow_insecure": True,
        "username": "someone",
        "password_file": str(env.password_file),
        "timeout": timeout,
    }
    lines = ["[database]", f"url = {toml_value('sqlite:///' + str(env.db))}", ""]
    for table in (hostile, env.mailbox_settings()):
        lines.append("[[mailbox]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in table.items()]
        lines.append("")
    env.config.write_text("\n".join(lines))


def seeded(env: PollEnv, prefix: str) -> list[str]:
    ids = [f"{prefix}-dovecot-{i}" for i in range(2)]
    env.seed(mails.report_mail(report_id) for report_id in ids)
    return ids


def assert_only_hostile_failed(result: Result, server: HostileImapServer, env: PollEnv) -> None:
    assert result.code == 69, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr_lines) == 1, result.stderr
    assert result.stderr_lines[0].startswith("dmarcwatch: mailbox 'hostile': "), result.stderr
    assert not [c for c in server.commands if " MOVE " in c.upper() or " STORE " in c.upper()]
    assert not [r for r in env.report_ids() if r.startswith("hostile")]


def poll(env: PollEnv, timeout: float = 120) -> tuple[Result, float]:
    started = time.monotonic()
    result = env.run("--retries", "0", timeout=timeout)
    return result, time.monotonic() - started


@pytest.mark.parametrize(
    ("behaviour", "said"),
    [
        ("no-uidvalidity", "no UIDVALIDITY"),
        ("uidvalidity-2**70", "an invalid UIDVALIDITY"),
        ("uid-2**70", "an invalid UID"),
        ("duplicate-fetch", "a duplicated FETCH"),
    ],
)
def test_a_protocol_anomaly_fails_that_mailbox_and_the_next_is_polled(
    behaviour: str, said: str, dovecot: DovecotServer, tmp_path: Path
) -> None:
    env = PollEnv(dovecot, dovecot.add_user(), tmp_path)
    ids = seeded(env, behaviour)
    reports = [mails.report_mail(f"hostile-{behaviour}-{i}") for i in range(2)]
    with hostile_imap(behaviour, reports) as server:
        config_with_hostile(env, server, timeout=10)
        result, _ = poll(env)
    assert_only_hostile_failed(result, server, env)
    assert said in result.stderr
    assert env.report_ids() == sorted(ids)
    assert env.counts()["INBOX"] == 0


def test_endless_untagged_responses_are_cut_at_the_answer_budget(
    dovecot: DovecotServer, tmp_path: Path
) -> None:
    env = PollEnv(dovecot, dovecot.add_user(), tmp_path)
    ids = seeded(env, "flood")
    with hostile_imap("flood", [mails.report_mail("hostile-flood")]) as server:
        config_with_hostile(env, server, timeout=10)
        result, seconds = poll(env)
    assert_only_hostile_failed(result, server, env)
    assert "an answer larger than" in result.stderr
    assert result.max_rss_kib < RSS_BOUND_KIB
    assert seconds < 60
    assert env.report_ids() == sorted(ids)


@pytest.mark.parametrize("behaviour", ["trickle", "trickle-greeting"])
def test_a_trickling_server_is_cut_at_the_command_deadline(
    behaviour: str, dovecot: DovecotServer, tmp_path: Path
) -> None:
    env = PollEnv(dovecot, dovecot.add_user(), tmp_path)
    ids = seeded(env, behaviour)
    with hostile_imap(behaviour, [mails.report_mail("hostile-trickle")]) as server:
        config_with_hostile(env, server, timeout=1)  # a whole answer gets 10 s
        result, seconds = poll(env)
    assert_only_hostile_failed(result, server, env)
    assert "the answer took longer than 10 s" in result.stderr
    assert seconds < 40
    assert env.report_ids() == sorted(ids)


def test_a_literal_beyond_the_declared_size_is_refused_unread(
    dovecot: DovecotServer, tmp_path: Path
) -> None:
    env = PollEnv(dovecot, dovecot.add_user(), tmp_path)
    ids = seeded(env, "huge")
    with hostile_imap("huge-literal", [mails.report_mail("hostile-huge")]) as server:
        config_with_hostile(env, server, timeout=10)
        result, _ = poll(env)
    assert_only_hostile_failed(result, server, env)
    assert "a literal of 400000000 bytes" in result.stderr
    assert result.max_rss_kib < RSS_BOUND_KIB
    assert env.report_ids() == sorted(ids)


def test_sigterm_ends_a_blocking_read_cleanly(dovecot: DovecotServer, tmp_path: Path) -> None:
    env = PollEnv(dovecot, dovecot.add_user(), tmp_path)
    seeded(env, "sigterm")
    with hostile_imap("trickle", [mails.report_mail("hostile-sigterm")]) as server:
        config_with_hostile(env, server, timeout=60)  # no deadline would end it in the test
        running = env.start("--retries", "0")
        deadline = time.monotonic() + 30
        while not any("SELECT" in c.upper() for c in server.commands):
            assert time.monotonic() < deadline, "the poller never selected the folder"
            time.sleep(0.05)
        time.sleep(0.5)
        sent = time.monotonic()
        running.send_signal(15)
        result = running.finish(timeout=30)
        took = time.monotonic() - sent
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert took < 5
    assert env.report_ids() == []  # stopped before the next mailbox: nothing half done
    assert env.counts()["INBOX"] == 2
