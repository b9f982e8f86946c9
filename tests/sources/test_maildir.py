"""Maildir specifics: tmp/ left alone, a client's new/ -> cur/ move, folder names, --watch."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from dmarcwatch.ingest.maildir import MaildirSource, folder_dir
from tests.poll import mails
from tests.poll.imap_env import report_mails
from tests.sources.envs import MaildirEnv


def test_a_delivery_still_in_tmp_is_left_alone(tmp_path: Path) -> None:
    env = MaildirEnv(tmp_path)
    env.seed(report_mails(1))
    (env.maildir / "tmp" / "123.half-written").write_bytes(b"Subject: half")
    assert env.run().code == 0
    assert os.listdir(env.maildir / "tmp") == ["123.half-written"]
    assert env.count("reports") == 1


def test_a_message_a_client_moved_to_cur_meanwhile_is_still_read_and_moved(
    tmp_path: Path,
) -> None:
    env = MaildirEnv(tmp_path)
    data = mails.report_mail("moved", "gzip")
    path = env.deliver(data)
    source = MaildirSource(env.maildir)
    source.select("INBOX")
    [uid] = source.uids()
    os.rename(path, env.maildir / "cur" / f"{path.name}:2,S")  # a person read it

    assert source.fetch([uid]) == {uid: data}
    source.ensure_folder("DMARC/Processed")
    source.move([uid], "DMARC/Processed")

    [moved] = os.listdir(env.maildir / ".DMARC.Processed" / "cur")
    assert moved == f"{path.name}:2,S"  # the flags the client set are kept


def test_folder_names_map_to_maildir_plus_plus_directories(tmp_path: Path) -> None:
    assert folder_dir(tmp_path, "INBOX") == tmp_path
    assert folder_dir(tmp_path, "DMARC/Processed") == tmp_path / ".DMARC.Processed"
    assert folder_dir(tmp_path, ".Processed") == tmp_path / ".Processed"


def test_dotted_target_folders_in_the_config_are_maildir_plus_plus_names(tmp_path: Path) -> None:
    env = MaildirEnv(tmp_path)
    env.seed([*report_mails(1), mails.other_mail("plain", 1)])
    env.write_config(processed_folder=".Processed", other_folder=".Other")
    assert env.run().code == 0
    assert len(os.listdir(env.maildir / ".Processed" / "cur")) == 1
    assert len(os.listdir(env.maildir / ".Other" / "cur")) == 1
    assert (env.maildir / ".Processed" / "maildirfolder").exists()


def test_a_path_that_is_no_maildir_exits_78(tmp_path: Path) -> None:
    env = MaildirEnv(tmp_path)
    env.write_config(path=str(tmp_path / "nowhere"))
    result = env.run()
    assert result.code == 78 and "not a Maildir" in result.stderr


def test_watch_files_new_mail_as_it_arrives_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = MaildirEnv(tmp_path)
    running = env.start("--watch", "--interval", "60")
    time.sleep(3)  # the first round found nothing; the watch waits on the Maildir
    env.seed(report_mails(2))
    deadline = time.monotonic() + 60
    while env.count("reports") < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    running.send_signal(signal.SIGTERM)
    result = running.finish(timeout=30)
    assert result.code == 0, result.stderr
    assert env.count("reports") == 2 and env.counts()["DMARC/Processed"] == 2
