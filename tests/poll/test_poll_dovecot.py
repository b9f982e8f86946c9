"""``dmarcwatch poll`` in a subprocess against a real Dovecot, as cron would run it."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.poll import mails
from tests.poll.imap_env import PollEnv, report_mails
from tests.servers.dovecot import HOST, DovecotServer

pytestmark = pytest.mark.dovecot

PROCESSED, INVALID, OTHER = "DMARC/Processed", "DMARC/Invalid", "DMARC/Other"


def mixed_mailbox(n_reports: int = 200, n_other: int = 20) -> list[bytes]:
    messages = report_mails(n_reports)
    messages += [mails.other_mail(mails.OTHER_KINDS[i % 4], i) for i in range(n_other)]
    messages += [mails.broken_mail(kind, f"broken-{kind}") for kind in mails.BROKEN_KINDS]
    return messages


def wait_for(condition: object, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def test_every_report_is_stored_once_and_every_message_filed(poll_env: PollEnv) -> None:
    poll_env.seed(mixed_mailbox())
    with poll_env.dovecot.session(poll_env.user) as client:  # a person read some of them
        client.select_folder("INBOX")
        client.add_flags(client.search("ALL")[:30], [b"\\Seen"])

    result = poll_env.run("--json")

    assert result.code == 65, result.stderr  # five messages were invalid
    counts = poll_env.counts()
    assert counts["INBOX"] == 0
    assert (counts[PROCESSED], counts[OTHER], counts[INVALID]) == (200, 20, 5)
    assert poll_env.report_ids() == [f"r{i:05d}" for i in range(200)]
    assert poll_env.count("rejects") == 25  # 5 invalid + 20 recorded as not a report
    invalid_lines = [line for line in result.stderr_lines if ": invalid: " in line]
    assert len(invalid_lines) == 5
    summary = json.loads(result.stdout)["mailboxes"][0]
    assert (summary["processed"], summary["invalid"], summary["other"]) == (200, 5, 20)
    assert summary["reports_stored"] == 200


def test_second_run_stores_nothing_and_moves_nothing(poll_env: PollEnv) -> None:
    poll_env.seed(mixed_mailbox(n_reports=30, n_other=4))
    poll_env.write_config(other_folder="")  # other mail stays in INBOX and is skipped
    assert poll_env.run().code == 65
    before = (poll_env.counts(), poll_env.count("reports"), poll_env.count("mailbox_messages"))

    again = poll_env.run("--json")

    assert again.code == 0 and again.stderr == ""
    after = (poll_env.counts(), poll_env.count("reports"), poll_env.count("mailbox_messages"))
    assert after == before
    summary = json.loads(again.stdout)["mailboxes"][0]
    assert summary["seen"] == 4 and summary["moved"] == 0 and summary["processed"] == 0


def test_quiet_on_success_and_one_line_per_mailbox_with_verbose(poll_env: PollEnv) -> None:
    poll_env.seed(report_mails(3))
    quiet = poll_env.run()
    assert (quiet.code, quiet.stdout, quiet.stderr) == (0, "", "")
    poll_env.seed(report_mails(2, prefix="s"))
    verbose = poll_env.run("--verbose")
    assert verbose.code == 0
    assert verbose.stderr_lines == [
        "dmarcwatch: mailbox 'praxis': 2 in folder, 2 processed, 0 invalid, 0 other; "
        "2 reports stored, 0 duplicates; 2 moved, 2 reports without their reporter's DKIM"
    ]


def test_tls_and_failure_reports_are_stored_filed_under_processed_and_counted_by_kind(
    poll_env: PollEnv,
) -> None:
    tls = [mails.other_mail("tls-report", n) for n in range(3)]
    poll_env.seed([*report_mails(1), *tls, mails.other_mail("failure-report", 7)])
    poll_env.seed([mails.other_mail(kind, 1) for kind in mails.OTHER_KINDS])

    result = poll_env.run("--verbose")

    assert result.code == 0, result.stderr
    assert result.stderr_lines == [
        "dmarcwatch: mailbox 'praxis': 9 in folder, 5 processed, 0 invalid, 4 other; "
        "1 reports stored, 0 duplicates, 3 TLS reports, 1 failure report; 9 moved, "
        "1 reports without their reporter's DKIM"
    ]
    counts = poll_env.counts()
    assert (counts[PROCESSED], counts[OTHER], counts.get(INVALID, 0)) == (5, 4, 0)
    assert poll_env.count("tls_reports") == 3
    assert poll_env.query("SELECT reporter, header_from, personal FROM failure_reports") == [
        ("example.net", f"*@{mails.POLICY_DOMAIN}", None)
    ]
    kept = poll_env.query("SELECT length(data), compression FROM blobs")
    assert (0, "dropped") in kept  # the failure report's mail: its digest only


def test_quiet_silences_verbose_and_a_since_span_counts_back_from_today(
    poll_env: PollEnv,
) -> None:
    poll_env.seed(report_mails(2))
    result = poll_env.run("--quiet", "--verbose", "--since", "7d")
    assert (result.code, result.stdout, result.stderr) == (0, "", "")
    assert poll_env.counts()[PROCESSED] == 2


def test_untrusted_certificate_exits_69_and_moves_nothing(poll_env: PollEnv) -> None:
    poll_env.seed(report_mails(2))
    poll_env.write_config(ca_file=None)  # only the system trust anchors

    result = poll_env.run("--retries", "0")

    assert result.code == 69
    assert len(result.stderr_lines) == 1
    assert "mailbox 'praxis'" in result.stderr and "certificate" in result.stderr
    assert poll_env.counts() == {"INBOX": 2}
    assert poll_env.count("reports") == 0


def test_wrong_password_exits_77_with_one_line_naming_the_mailbox(poll_env: PollEnv) -> None:
    poll_env.seed(report_mails(1))
    poll_env.password_file.write_text("not-the-password\n")

    result = poll_env.run()

    assert result.code == 77
    assert len(result.stderr_lines) == 1
    assert result.stderr_lines[0].startswith("dmarcwatch: mailbox 'praxis': ")
    assert "login refused" in result.stderr and "not-the-password" not in result.stderr
    assert poll_env.counts() == {"INBOX": 1}


def test_unreachable_mailbox_exits_69_after_polling_the_others(
    poll_env: PollEnv, dovecot: DovecotServer
) -> None:
    poll_env.seed(report_mails(2))
    config = poll_env.config.read_text()
    dead = config.split("[[mailbox]]")[1].replace('"praxis"', '"offline"')
    dead = dead.replace(f"port = {dovecot.imaps_port}", "port = 9")
    poll_env.config.write_text(
        config.replace("[[mailbox]]", "[[mailbox]]" + dead + "\n[[mailbox]]", 1)
    )

    result = poll_env.run("--retries", "1")

    assert result.code == 69
    assert result.stderr_lines == [line for line in result.stderr_lines if "'offline'" in line]
    assert len(result.stderr_lines) == 1
    assert poll_env.counts()[PROCESSED] == 2  # the reachable mailbox was still polled


def test_starttls_on_the_plain_port_works_and_debug_never_logs_the_password(
    poll_env: PollEnv, dovecot: DovecotServer
) -> None:
    poll_env.seed(report_mails(3))
    poll_env.write_config(security="starttls", port=dovecot.imap_port)
    result = poll_env.run("--debug")  # debug logs the IMAP conversation, never the password
    assert result.code == 0, result.stderr
    assert "STARTTLS" in result.stderr and poll_env.user.password not in result.stderr
    assert poll_env.counts()[PROCESSED] == 3


@pytest.mark.parametrize("mechanism", ["xoauth2", "oauthbearer"])
def test_oauth_token_from_a_command_logs_in(
    poll_env: PollEnv, dovecot: DovecotServer, mechanism: str
) -> None:
    poll_env.seed(report_mails(2))
    token = dovecot.issue_token(poll_env.user)
    token_file = poll_env.root / "token"
    token_file.write_text(token + "\n")
    requests_before = dovecot.introspection.requests
    poll_env.write_config(
        password_file=None,
        oauth2={"token_command": f"cat {token_file}", "mechanism": mechanism},
    )

    result = poll_env.run("--debug")

    assert result.code == 0, result.stderr
    assert poll_env.counts()[PROCESSED] == 2
    assert dovecot.introspection.requests > requests_before
    assert token not in result.stderr and token not in result.stdout
    assert f"method={mechanism.upper()}" in dovecot.log.read_text()


def test_oauth_token_that_is_not_active_exits_77(poll_env: PollEnv) -> None:
    poll_env.seed(report_mails(1))
    poll_env.write_config(
        password_file=None, oauth2={"token_command": "echo expired-token", "mechanism": "xoauth2"}
    )
    result = poll_env.run()
    assert result.code == 77 and len(result.stderr_lines) == 1
    assert "expired-token" not in result.stderr
    assert poll_env.counts() == {"INBOX": 1}


def test_a_poll_started_while_another_works_exits_75_and_the_first_finishes(
    poll_env: PollEnv, tmp_path: Path
) -> None:
    poll_env.seed(mails.quick_report_mail(f"q{i:05d}") for i in range(500))
    marker = tmp_path / "moving"
    first = poll_env.start(move_marker=marker)  # holds the lock, waiting before its first move
    wait_for(marker.exists, what="the first poll's first move")

    second = poll_env.run()
    marker.with_name("moving.go").touch()
    first_result = poll_env.finish(first, timeout=60)

    assert second.code == 75 and len(second.stderr_lines) == 1 and "lock" in second.stderr
    assert first_result.code == 0, first_result.stderr
    assert poll_env.counts()[PROCESSED] == 500 and poll_env.count("reports") == 500


def test_store_not_writable_exits_73_and_moves_nothing(poll_env: PollEnv) -> None:
    assert poll_env.run().code == 0  # the store exists, the mailbox is empty
    poll_env.seed(report_mails(3))

    result = poll_env.run(max_file_bytes=4096)  # files stay under 4 KiB: as if the disk were full

    assert result.code == 73, result.stderr
    assert len(result.stderr_lines) == 1 and "store" in result.stderr
    assert poll_env.counts() == {"INBOX": 3}
    assert poll_env.count("reports") == 0


def test_dry_run_stores_nothing_and_moves_nothing(poll_env: PollEnv) -> None:
    poll_env.seed(mixed_mailbox(n_reports=5, n_other=2))
    result = poll_env.run("--dry-run", "--json")
    assert result.code == 65
    summary = json.loads(result.stdout)["mailboxes"][0]
    assert (summary["processed"], summary["other"], summary["invalid"]) == (5, 2, 5)
    assert poll_env.counts() == {"INBOX": 12}
    assert poll_env.count("reports") == 0 and poll_env.count("mailbox_messages") == 0


def test_folders_with_non_ascii_names_are_created(poll_env: PollEnv) -> None:
    poll_env.seed(report_mails(1) + [mails.other_mail("plain")])
    poll_env.write_config(processed_folder="Berichte/Verarbeitet", other_folder="Autres/Reçus")
    assert poll_env.run().code == 0
    counts = poll_env.counts()
    assert counts["Berichte/Verarbeitet"] == 1 and counts["Autres/Reçus"] == 1
    raw = (poll_env.dovecot.root / "mail" / poll_env.user.name / "Maildir").iterdir()
    assert ".Autres.Re&AOc-us" in {p.name for p in raw}  # modified UTF-7 on the server


def test_sigterm_finishes_the_message_in_hand_and_exits_0(poll_env: PollEnv) -> None:
    poll_env.seed(report_mails(400))
    proc = poll_env.start()
    wait_for(lambda: poll_env.count("mailbox_messages") >= 20, what="20 handled messages")
    proc.send_signal(signal.SIGTERM)
    result = poll_env.finish(proc, timeout=30)

    assert result.code == 0, result.stderr
    handled = poll_env.count("mailbox_messages")
    assert 20 <= handled < 400
    assert poll_env.counts()[PROCESSED] == handled  # every recorded message was moved
    assert poll_env.count("reports") == handled


def test_poller_killed_between_commit_and_move_then_rerun_moves_without_duplicates(
    poll_env: PollEnv, tmp_path: Path
) -> None:
    poll_env.seed(report_mails(120))
    marker = tmp_path / "moving"
    # The first batch's move announces itself and waits: the batch is committed, not moved.
    proc = poll_env.start(move_marker=marker)
    wait_for(marker.exists, what="the first move")
    proc.send_signal(signal.SIGKILL)
    poll_env.finish(proc, timeout=30)
    recorded = poll_env.count("mailbox_messages")
    about_to_move = marker.read_text().split()
    assert recorded == len(about_to_move) == poll_env.count("reports") > 0
    assert poll_env.counts().get(PROCESSED, 0) == 0

    again = poll_env.run("--json")

    assert again.code == 0, again.stderr
    assert json.loads(again.stdout)["mailboxes"][0]["resumed"] == recorded
    counts = poll_env.counts()
    assert counts["INBOX"] == 0 and counts[PROCESSED] == 120
    assert poll_env.report_ids() == [f"r{i:05d}" for i in range(120)]


def test_a_batch_with_a_broken_message_and_a_repeated_report_files_each_message(
    poll_env: PollEnv,
) -> None:
    twice = mails.report_mail("twice", "gzip")
    batch = [*report_mails(3), mails.broken_mail("malformed-xml", "bad"), twice, twice]
    poll_env.seed(batch)

    result = poll_env.run("--json")

    assert result.code == 65, result.stderr
    summary = json.loads(result.stdout)["mailboxes"][0]
    assert (summary["processed"], summary["invalid"], summary["moved"]) == (5, 1, 6)
    assert (summary["reports_stored"], summary["reports_duplicate"]) == (4, 1)
    assert poll_env.counts() == {"INBOX": 0, PROCESSED: 5, INVALID: 1}
    assert poll_env.count("mailbox_messages") == 6 and poll_env.count("rejects") == 1


def test_server_killed_mid_batch_then_rerun_loses_and_duplicates_nothing(
    dovecot_factory: Callable[..., DovecotServer], tmp_path: Path
) -> None:
    server = dovecot_factory()
    env = PollEnv(server, server.add_user(), tmp_path)
    env.seed(report_mails(200))
    # Batches of 20: the kill lands after 3 of 10 commits, with the backlog still in work.
    proc = env.start("--retries", "0", batch_messages=20)
    wait_for(lambda: env.count("mailbox_messages") >= 60, what="60 handled messages")
    server.kill()
    result = env.finish(proc, timeout=60)
    assert result.code == 69 and len(result.stderr_lines) == 1

    server.start()
    moved = env.messages(PROCESSED) if PROCESSED in env.counts() else []
    stored = set(env.report_ids())
    for message in moved:  # nothing was moved whose reports were not committed
        assert any(f"Report-ID: {rid}".encode() in message for rid in stored)
    again = env.run()

    assert again.code == 0, again.stderr
    assert env.counts()["INBOX"] == 0 and env.counts()[PROCESSED] == 200
    assert env.report_ids() == [f"r{i:05d}" for i in range(200)]


def test_watch_processes_new_mail_on_idle_and_stops_on_sigterm(poll_env: PollEnv) -> None:
    poll_env.seed(report_mails(1))
    proc = poll_env.start("--watch", "--interval", "600")
    wait_for(lambda: poll_env.counts().get(PROCESSED, 0) == 1, timeout=30, what="first round")
    poll_env.seed(report_mails(2, prefix="s"))  # arrives during IDLE, or just before it
    wait_for(lambda: poll_env.counts().get(PROCESSED, 0) == 3, timeout=30, what="IDLE wake-up")
    proc.send_signal(signal.SIGTERM)
    result = poll_env.finish(proc, timeout=15)
    assert result.code == 0, result.stderr
    assert poll_env.count("reports") == 3


MiB = 1024  # ru_maxrss is in KiB


def test_a_30_mb_message_is_handled_in_bounded_memory(poll_env: PollEnv) -> None:
    big = mails.report_mail("big", "xml", records=46_000)
    assert len(big) > 29 * 1024 * 1024
    poll_env.seed(report_mails(20))
    before = poll_env.run()
    poll_env.seed([big])

    result = poll_env.run("--json")

    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["mailboxes"][0]["records"] == 46_000
    poll_env.seed(report_mails(20, prefix="s"))
    after = poll_env.run()
    assert poll_env.counts()[PROCESSED] == 41
    # Peak RSS over a small poll (taken before and after, as start-up imports dominate it):
    # the message is held once as fetched and parsing it costs the pipeline about 4x its size.
    growth = result.max_rss_kib - max(before.max_rss_kib, after.max_rss_kib)
    assert growth < 8 * len(big) // 1024, f"peak RSS grew by {growth // MiB} MiB"


@pytest.mark.slow
def test_a_5000_message_backlog_is_polled_in_bounded_memory(poll_env: PollEnv) -> None:
    poll_env.seed(mails.quick_report_mail(f"a{i:05d}") for i in range(200))
    before = poll_env.run()
    poll_env.seed(mails.quick_report_mail(f"b{i:05d}") for i in range(5000))

    result = poll_env.run(timeout=600)

    assert result.code == 0, result.stderr
    poll_env.seed(mails.quick_report_mail(f"c{i:05d}") for i in range(200))
    after = poll_env.run()
    assert poll_env.counts()[PROCESSED] == 5400 and poll_env.count("reports") == 5400
    growth = result.max_rss_kib - max(before.max_rss_kib, after.max_rss_kib)
    assert growth < 32 * MiB, f"peak RSS grew by {growth // MiB} MiB for 25 times the messages"


def test_config_check_connect_reports_folders_and_counts(poll_env: PollEnv) -> None:
    poll_env.seed(report_mails(4))
    result = poll_env.run("--connect", command="config check")
    assert result.code == 0, result.stdout + result.stderr
    assert "mailbox 'praxis': logged in" in result.stdout
    assert "  INBOX: 4 messages" in result.stdout
    assert "  DMARC/Processed: missing (created when first needed)" in result.stdout
    assert poll_env.counts() == {"INBOX": 4}  # looking changes nothing


def test_config_check_connect_with_a_wrong_password_exits_77(poll_env: PollEnv) -> None:
    poll_env.password_file.write_text("wrong\n")
    result = poll_env.run("--connect", command="config check")
    assert result.code == 77
    assert "mailbox 'praxis'" in result.stderr and "login refused" in result.stderr


def test_microsoft_client_credentials_token_logs_in_with_xoauth2(
    poll_env: PollEnv, dovecot: DovecotServer
) -> None:
    from dmarcwatch.ingest.mailbox import Endpoint, TokenAuth, connect
    from dmarcwatch.ingest.oauth import MicrosoftTokenSource
    from tests.poll.test_oauth import FakeEntra

    token = dovecot.issue_token(poll_env.user)
    entra = FakeEntra({"access_token": token, "token_type": "Bearer", "expires_in": 3600})
    source = MicrosoftTokenSource(
        "tenant", "client", "secret", poll_env.root / "msal.json", http_client=entra
    )
    endpoint = Endpoint(HOST, dovecot.imaps_port, "tls", dovecot.cert, 10)
    mailbox = connect(endpoint, TokenAuth(poll_env.user.name, source, "xoauth2"))
    try:
        assert mailbox.select("INBOX") > 0
    finally:
        mailbox.close()
    assert len(entra.token_requests) == 1
    assert "method=XOAUTH2" in dovecot.log.read_text()


def test_messages_a_person_flagged_deleted_are_left_alone(poll_env: PollEnv) -> None:
    poll_env.seed(report_mails(3))
    with poll_env.dovecot.session(poll_env.user) as client:
        client.select_folder("INBOX")
        client.add_flags([client.search("ALL")[0]], [b"\\Deleted"])
    assert poll_env.run().code == 0
    assert poll_env.counts() == {"INBOX": 1, PROCESSED: 2}


def test_without_move_copy_and_uid_expunge_remove_exactly_the_handled_messages(
    dovecot_factory: Callable[..., DovecotServer], tmp_path: Path
) -> None:
    server = dovecot_factory(
        extra_config="imap_capability = IMAP4rev1 LITERAL+ IDLE UIDPLUS MULTIAPPEND"
    )
    env = PollEnv(server, server.add_user(), tmp_path)
    env.seed(report_mails(3) + [mails.other_mail("plain")])
    with server.session(env.user) as client:
        assert b"MOVE" not in client.capabilities()
    env.write_config(other_folder="")

    result = env.run()

    assert result.code == 0, result.stderr
    assert env.counts() == {"INBOX": 1, PROCESSED: 3}
    assert b"Termin am Montag" in env.messages("INBOX")[0]


def test_watch_does_not_idle_when_mail_arrived_since_the_last_round(poll_env: PollEnv) -> None:
    from dmarcwatch.commands._mailboxes import job
    from dmarcwatch.config import load_config
    from dmarcwatch.ingest.poll import StopFlag
    from dmarcwatch.ingest.watch import wait_for_mail

    box = job(load_config(poll_env.config).mailboxes[0])
    with poll_env.dovecot.session(poll_env.user) as client:
        uidnext = int(client.select_folder("INBOX")[b"UIDNEXT"])  # "the last round" saw this
    poll_env.seed(report_mails(1))  # arrives after that round, before any IDLE

    started = time.monotonic()
    wait_for_mail(box, 20.0, StopFlag(), uidnext)
    assert time.monotonic() - started < 5  # no IDLE: the next round starts at once

    started = time.monotonic()
    wait_for_mail(box, 1.5, StopFlag(), uidnext + 1)  # nothing new: IDLE until the interval ends
    assert time.monotonic() - started >= 1.4


@pytest.mark.postgres
def test_polling_into_postgresql_with_its_advisory_lock(
    poll_env: PollEnv, fresh_pg_url: str, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine, text

    poll_env.seed(mails.quick_report_mail(f"p{i:05d}") for i in range(400))
    poll_env.seed([mails.broken_mail("malformed-xml", "pg-broken")])
    marker = tmp_path / "moving"
    first = poll_env.start("--db", fresh_pg_url, move_marker=marker)
    wait_for(marker.exists, what="the first poll's first move")  # it holds the lock there

    second = poll_env.run("--db", fresh_pg_url)
    marker.with_name("moving.go").touch()
    first_result = first.finish(60)

    assert second.code == 75 and len(second.stderr_lines) == 1, second.stderr
    assert first_result.code == 65, first_result.stderr
    assert poll_env.counts() == {"INBOX": 0, PROCESSED: 400, INVALID: 1}
    engine = create_engine(fresh_pg_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM reports")).scalar_one() == 400
            assert conn.execute(text("SELECT count(*) FROM mailbox_messages")).scalar_one() == 401
    finally:
        engine.dispose()
