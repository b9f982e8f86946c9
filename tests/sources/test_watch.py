"""``--watch`` waits on each API source until mail arrives (local Graph and Gmail servers)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from dmarcwatch.commands._mailboxes import job
from dmarcwatch.config import load_config
from dmarcwatch.ingest.poll import MailboxJob, PollOptions, StopFlag
from dmarcwatch.ingest.source import Source
from dmarcwatch.ingest.store import Store
from dmarcwatch.ingest.watch import poll_all, wait_for_mail
from tests.poll.imap_env import report_mails
from tests.servers.gmail import GmailServer
from tests.servers.graph import GraphServer
from tests.sources.envs import CliEnv, GmailEnv, GraphEnv


def quick_job(env: CliEnv) -> MailboxJob:
    """The configured mailbox, asking its API for news every 0.2 s instead of every 30 s."""
    configured = job(load_config(env.config).mailboxes[0])

    def connect() -> Source:
        source = configured.connect()
        source.watch_seconds = 0.2  # type: ignore[attr-defined]
        return source

    return MailboxJob(configured.name, configured.folders, connect)


def poll_once(env: CliEnv, tmp_path: Path) -> MailboxJob:
    """One poll round in this process, as ``--watch`` does before it waits."""
    quick = quick_job(env)
    with Store.open(f"sqlite:///{tmp_path / 'watch.db'}") as store:
        [summary] = poll_all(store, [quick], PollOptions(retries=0), StopFlag())
    assert summary.status == "ok", summary.error
    return quick


def waits_until_mail_arrives(env: CliEnv, tmp_path: Path) -> float:
    quick = poll_once(env, tmp_path)
    env.seed(report_mails(1))  # after the round, before the wait: news all the same
    started = time.monotonic()
    wait_for_mail(quick, 20.0, StopFlag(), 0)
    first = time.monotonic() - started
    later = threading.Timer(1.5, lambda: env.seed(report_mails(1, prefix="s")))
    poll_once(env, tmp_path)
    later.start()
    started = time.monotonic()
    wait_for_mail(quick, 20.0, StopFlag(), 0)
    later.join()
    assert first < 10
    return time.monotonic() - started


def test_graph_watch_returns_when_the_delta_link_shows_new_mail(
    graph_server: GraphServer, tmp_path: Path
) -> None:
    env = GraphEnv(graph_server, tmp_path)
    assert 1.4 <= waits_until_mail_arrives(env, tmp_path) < 10


def test_gmail_watch_returns_when_the_history_shows_new_mail(
    gmail_server: GmailServer, tmp_path: Path
) -> None:
    env = GmailEnv(gmail_server, tmp_path)
    assert 1.4 <= waits_until_mail_arrives(env, tmp_path) < 10


def test_graph_watch_without_new_mail_waits_for_the_interval(
    graph_server: GraphServer, tmp_path: Path
) -> None:
    env = GraphEnv(graph_server, tmp_path)
    quick = poll_once(env, tmp_path)
    started = time.monotonic()
    wait_for_mail(quick, 2.0, StopFlag(), 0)
    assert time.monotonic() - started >= 1.9
