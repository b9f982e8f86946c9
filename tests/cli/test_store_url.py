"""A store URL that cannot name a store is a usage (--db) or config error, not "unreachable"."""

from __future__ import annotations

from pathlib import Path

import pytest

from dmarcwatch.cli import main
from dmarcwatch.exitcodes import Exit

MAILBOX = """
[[mailbox]]
name = "praxis"
host = "imap.example.ch"
username = "dmarc@example.ch"
password_file = "praxis.pass"
"""


@pytest.fixture(autouse=True)
def _own_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("DMARCWATCH_DB", raising=False)
    monkeypatch.delenv("DMARCWATCH_CONFIG", raising=False)


def _err(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("command", [["senders"], ["import", "."], ["reparse"]])
def test_an_unsupported_scheme_on_the_command_line_is_a_usage_error(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--db", "mysql://u@h/db"]) == Exit.USAGE
    err = _err(capsys)
    assert len(err) == 1 and "unsupported database 'mysql'" in err[0] and "(from --db)" in err[0]


def test_a_malformed_url_on_the_command_line_is_a_usage_error_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["diagnose", "--db", "postgresql://dmarc:s3cret@db:notaport/x"]) == Exit.USAGE
    err = _err(capsys)
    assert len(err) == 1 and "not a database URL" in err[0]
    assert "s3cret" not in err[0] and "dmarc:***@db" in err[0]


def test_an_unsupported_scheme_from_the_environment_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DMARCWATCH_DB", "mysql://u@h/db")
    assert main(["export", "--format", "csv", "-o", "-"]) == Exit.CONFIG
    err = _err(capsys)
    assert len(err) == 1 and "(from $DMARCWATCH_DB)" in err[0]


def test_an_unsupported_scheme_in_the_config_file_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "praxis.pass").write_text("secret\n")
    (tmp_path / "praxis.pass").chmod(0o600)  # a secret others may read would be warned about
    config = tmp_path / "config.toml"
    config.write_text('[database]\nurl = "mysql://u@h/db"\n' + MAILBOX)
    assert main(["poll", "--config", str(config)]) == Exit.CONFIG
    err = _err(capsys)
    assert len(err) == 1 and f"(from [database] url in {config})" in err[0]
