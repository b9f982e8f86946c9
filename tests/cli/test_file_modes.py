"""Who may read what dmarcwatch writes, and the config and secret files it trusts (issue 19,
item 13): outputs honour the umask and keep a replaced file's mode; a config or secret file
others may write is refused (exit 78), a secret others may read is warned about."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dmarcwatch.cli import main
from dmarcwatch.commands._files import write_atomic as _write_atomic
from dmarcwatch.config import load_config
from dmarcwatch.errors import ConfigError
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.pipeline import import_input
from dmarcwatch.ingest.store import Store
from tests.ingest.reportxml import Report


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o077)
    yield
    os.umask(old)


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Store.open(url) as store:
        import_input(store, "r.xml", Report().bytes())
    return url


@pytest.mark.usefixtures("umask")
def test_export_under_umask_077_writes_a_file_only_its_owner_reads(db: str, tmp_path: Path) -> None:
    out = tmp_path / "records.csv"
    assert main(["export", "--db", db, "-o", str(out)]) == 0
    assert _mode(out) == 0o600


def test_export_keeps_the_mode_of_the_file_it_replaces(db: str, tmp_path: Path) -> None:
    out = tmp_path / "records.csv"
    out.write_text("old")
    out.chmod(0o600)
    assert main(["export", "--db", db, "-o", str(out)]) == 0
    assert _mode(out) == 0o600 and out.read_text() != "old"


def test_export_under_the_usual_umask_is_readable_by_all(db: str, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = tmp_path / "records.json"
        assert main(["export", "--db", db, "--format", "json", "-o", str(out)]) == 0
    finally:
        os.umask(old)
    assert _mode(out) == 0o644


@pytest.mark.usefixtures("umask")
def test_the_report_file_honours_the_umask_and_a_replaced_files_mode(tmp_path: Path) -> None:
    new = tmp_path / "new.html"
    _write_atomic(new, b"<html>")
    assert _mode(new) == 0o600
    kept = tmp_path / "kept.html"
    kept.write_text("old")
    kept.chmod(0o640)
    _write_atomic(kept, b"<html>")
    assert _mode(kept) == 0o640 and kept.read_bytes() == b"<html>"


def _config(tmp_path: Path, secret_mode: int = 0o600, config_mode: int = 0o600) -> Path:
    secret = tmp_path / "imap.pass"
    secret.write_text("s3cret\n")
    secret.chmod(secret_mode)
    config = tmp_path / "config.toml"
    config.write_text(
        '[[mailbox]]\nname = "praxis"\nhost = "imap.example.ch"\n'
        f'username = "dmarc@example.ch"\npassword_file = "{secret}"\n'
    )
    config.chmod(config_mode)
    return config


def test_a_config_file_others_may_write_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, config_mode=0o666)
    assert main(["poll", "--config", str(config), "--db", f"sqlite:///{tmp_path}/s.db"]) == 78
    (line,) = capsys.readouterr().err.splitlines()
    assert f"config file {config} is writable by others" in line and "chmod o-w" in line


def test_a_secret_file_others_may_write_is_refused(tmp_path: Path) -> None:
    config = _config(tmp_path, secret_mode=0o646)
    with pytest.raises(ConfigError, match="password_file .* is writable by others") as caught:
        load_config(config)
    assert caught.value.code == Exit.CONFIG


def test_a_secret_file_others_may_read_is_used_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_config(_config(tmp_path, secret_mode=0o644, config_mode=0o644))
    assert config.mailboxes[0].password is not None
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("dmarcwatch: warning: config file ") and "readable by others" in line
    assert "imap.pass" in line and "s3cret" not in line


def test_owner_only_files_give_no_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load_config(_config(tmp_path))
    assert capsys.readouterr().err == ""


def test_a_readable_config_warns_only_when_its_database_url_holds_a_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[database]\nurl = "postgresql://dmarc:pw@db.example/dmarc"\n')
    config.chmod(0o644)
    load_config(config)
    assert "database URL holds a password" in capsys.readouterr().err
    config.write_text('[database]\nurl = "postgresql://dmarc@db.example/dmarc"\n')
    load_config(config)
    assert capsys.readouterr().err == ""
