"""The configuration file: what is accepted, and the one-line errors (exit 78) for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from dmarcwatch.cli import main
from dmarcwatch.config import MicrosoftOAuth, TokenCommand, load_config
from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit

FULL = """
[database]
url = "sqlite:////var/lib/dmarcwatch/dmarc.db"

[[mailbox]]
name = "praxis"
host = "imap.example.ch"
port = 993
security = "tls"
ca_file = "ca.pem"
username = "dmarc@example.ch"
password_file = "praxis.pass"
folder = "INBOX"
processed_folder = "DMARC/Processed"
invalid_folder = "DMARC/Invalid"
other_folder = ""
delete = true
timeout = 30

[[mailbox]]
name = "m365"
host = "outlook.office365.com"
security = "starttls"
username = "dmarc@praxis.ch"
[mailbox.oauth2]
provider = "microsoft"
tenant_id = "tenant"
client_id = "client"
client_secret_file = "client.secret"

[[mailbox]]
name = "gmail"
host = "imap.gmail.com"
username = "dmarc@gmail.example"
[mailbox.oauth2]
token_command = "oauth2-helper --user 'dmarc@gmail.example'"
mechanism = "oauthbearer"

[smtp]
host = "smtp.example.ch"
security = "starttls"
username = "dmarc@example.ch"
password_env = "TEST_SMTP_PASSWORD"
from = "dmarcwatch <dmarc@example.ch>"
"""


def write(tmp_path: Path, text: str) -> Path:
    for name, content in (("praxis.pass", "s3cret\n"), ("client.secret", "xyz\n"), ("ca.pem", "")):
        (tmp_path / name).write_text(content)
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(CommandError) as caught:
        load_config(path)
    assert caught.value.code == Exit.CONFIG
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    return message


MINIMAL = """
[[mailbox]]
name = "praxis"
host = "imap.example.ch"
username = "dmarc@example.ch"
password_file = "praxis.pass"
"""


def test_full_example_is_read_with_defaults_filled_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "smtp-pass")
    config = load_config(write(tmp_path, FULL))
    praxis, m365, gmail = config.mailboxes
    assert config.database_url == "sqlite:////var/lib/dmarcwatch/dmarc.db"
    assert praxis.password is not None and praxis.password.value == "s3cret"
    assert praxis.ca_file == tmp_path / "ca.pem"
    assert (praxis.other_folder, praxis.delete, praxis.timeout) == ("", True, 30.0)
    assert m365.port == 143 and isinstance(m365.oauth2, MicrosoftOAuth)
    assert m365.oauth2.mechanism == "xoauth2"
    assert isinstance(gmail.oauth2, TokenCommand) and gmail.oauth2.mechanism == "oauthbearer"
    assert config.smtp is not None and config.smtp.port == 587
    assert config.smtp.sender == "dmarcwatch <dmarc@example.ch>"
    assert config.smtp.password is not None and config.smtp.password.value == "smtp-pass"


def test_secrets_never_show_in_a_repr(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL))
    assert "s3cret" not in repr(config)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('colour = "blue"', "key 'colour' is unknown"),
        ("port = '993'", "key 'port' must be an integer, not a string"),
        ("port = true", "key 'port' must be an integer, not true or false"),
        ("port = 70000", "key 'port' must be 1-65535"),
        ('security = "ssl"', "key 'security' must be one of tls, starttls, plain"),
        ('security = "plain"', "allow_insecure = true"),
        ('folder = "DMARC/Processed"', "key 'processed_folder' must differ from folder"),
        ('password_env = "X"', "give only one of password_file or password_env"),
        ('ca_file = "missing.pem"', "key 'ca_file' names"),
        ("timeout = 0", "key 'timeout' must be between"),
    ],
)
def test_bad_mailbox_keys_are_named(tmp_path: Path, extra: str, expected: str) -> None:
    message = error_of(tmp_path, MINIMAL + extra + "\n")
    assert expected in message
    assert "[[mailbox]] 'praxis'" in message


def test_missing_password_source_is_an_error(tmp_path: Path) -> None:
    text = MINIMAL.replace('password_file = "praxis.pass"\n', "")
    assert "give exactly one of password_file, password_env, [oauth2]" in error_of(tmp_path, text)


def test_unreadable_password_file_names_key_and_file(tmp_path: Path) -> None:
    text = MINIMAL.replace("praxis.pass", "nowhere.pass")
    message = error_of(tmp_path, text)
    assert "key 'password_file'" in message and str(tmp_path / "nowhere.pass") in message


def test_a_directory_is_not_a_password_file(tmp_path: Path) -> None:
    (tmp_path / "dir.pass").mkdir()
    message = error_of(tmp_path, MINIMAL.replace("praxis.pass", "dir.pass"))
    assert "not a readable file" in message


def test_empty_password_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty.pass").write_text("\n")
    assert "is empty" in error_of(tmp_path, MINIMAL.replace("praxis.pass", "empty.pass"))


def test_unset_password_env_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_DMARC_VAR", raising=False)
    text = MINIMAL.replace('password_file = "praxis.pass"', 'password_env = "NO_SUCH_DMARC_VAR"')
    assert "NO_SUCH_DMARC_VAR is not set" in error_of(tmp_path, text)


def test_two_mailboxes_with_one_name_are_an_error(tmp_path: Path) -> None:
    assert "two [[mailbox]] tables are named 'praxis'" in error_of(tmp_path, MINIMAL + MINIMAL)


def test_unknown_top_level_table_is_an_error(tmp_path: Path) -> None:
    assert "key 'mailboxes' is unknown" in error_of(tmp_path, "[mailboxes]\nx = 1\n")


def test_retention_spans_are_days_or_weeks(tmp_path: Path) -> None:
    problem = error_of(tmp_path, '[retention]\nrecords_older_than = "1y"\n')
    assert "key 'records_older_than' expected days or weeks" in problem


def test_oauth_table_needs_exactly_one_source(tmp_path: Path) -> None:
    text = MINIMAL.replace('password_file = "praxis.pass"\n', "[mailbox.oauth2]\n")
    assert "exactly one of token_command or provider" in error_of(tmp_path, text)


def test_microsoft_needs_a_secret_or_certificate(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        'password_file = "praxis.pass"\n',
        '[mailbox.oauth2]\nprovider = "microsoft"\ntenant_id = "t"\nclient_id = "c"\n',
    )
    assert "client_secret_file or certificate_file" in error_of(tmp_path, text)


def test_smtp_password_needs_a_username(tmp_path: Path) -> None:
    text = '[smtp]\nhost = "smtp.example.ch"\nfrom = "a@b.ch"\npassword_file = "praxis.pass"\n'
    assert "[smtp] key 'username' is required" in error_of(tmp_path, text)


def test_malformed_toml_is_a_config_error(tmp_path: Path) -> None:
    assert "config file" in error_of(tmp_path, "[[mailbox]\n")


def test_config_check_prints_a_summary_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, MINIMAL)
    assert main(["config", "check", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and "mailbox 'praxis': dmarc@example.ch at imap.example.ch:993" in out
    assert "s3cret" not in out


def test_config_check_of_a_bad_file_exits_78_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, MINIMAL + "colour = 1\n")
    assert main(["config", "check", "--config", str(path)]) == 78
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "colour" in err[0]


def test_init_writes_a_commented_config_that_checks_once_the_password_exists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "etc" / "config.toml"
    assert main(["init", "--config", str(path)]) == 0
    assert path.stat().st_mode & 0o777 == 0o600
    assert main(["config", "check", "--config", str(path)]) == 78  # no praxis.pass yet
    (path.parent / "praxis.pass").write_text("secret\n")
    capsys.readouterr()
    assert main(["config", "check", "--config", str(path)]) == 0
    assert "mailbox 'praxis'" in capsys.readouterr().out
    assert load_config(path).retention == {"failure_reports_older_than": "30d"}


def test_init_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# mine\n")
    assert main(["init", "--config", str(path)]) == Exit.CANTCREAT
    assert path.read_text() == "# mine\n"
    assert "not overwriting" in capsys.readouterr().err


def test_mailbox_option_picks_configured_mailboxes_and_rejects_unknown_names(
    tmp_path: Path,
) -> None:
    from dmarcwatch.commands._mailboxes import chosen

    config = load_config(write(tmp_path, MINIMAL + MINIMAL.replace('"praxis"', '"zweite"')))
    assert [b.name for b in chosen(config, None)] == ["praxis", "zweite"]
    assert [b.name for b in chosen(config, ["zweite", "zweite"])] == ["zweite"]
    with pytest.raises(CommandError) as caught:
        chosen(config, ["dritte"])
    assert caught.value.code == Exit.USAGE and "known: praxis, zweite" in str(caught.value)


def test_poll_without_any_mailbox_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, '[database]\nurl = "sqlite:///x.db"\n')
    assert main(["poll", "--config", str(path)]) == Exit.CONFIG
    assert "no [[mailbox]]" in capsys.readouterr().err


def _no_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("DMARCWATCH_CONFIG", raising=False)
    return tmp_path / "xdg" / "dmarcwatch" / "config.toml"


@pytest.mark.parametrize("argv", [["config", "check"], ["config", "check", "--connect"]])
def test_config_check_without_a_config_file_names_the_path_and_exits_78(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _no_config_file(tmp_path, monkeypatch)
    assert main(argv) == Exit.CONFIG
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"dmarcwatch: no config file at {path}: write one with 'dmarcwatch init', "
        "or name one with --config"
    ]


def test_poll_without_a_config_file_names_the_path_it_looked_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _no_config_file(tmp_path, monkeypatch)
    assert main(["poll"]) == Exit.CONFIG
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and f"no config file at {path}" in err[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            MINIMAL.replace("password_file", "passwrd_file"),
            "[[mailbox]] 'praxis' key 'passwrd_file' is unknown; did you mean 'password_file'?",
        ),
        (MINIMAL + 'proccessed_folder = "x"\n', "did you mean 'processed_folder'?"),
        ('[databse]\nurl = "x"\n', "key 'databse' is unknown; did you mean 'database'?"),
        ('[database]\nulr = "x"\n', "[database] key 'ulr' is unknown; did you mean 'url'?"),
        (
            '[smtp]\nhost = "h"\nfrom = "a@b.ch"\nusername = "u"\npasword_env = "X"\n',
            "[smtp] key 'pasword_env' is unknown; did you mean 'password_env'?",
        ),
        (
            MINIMAL.replace('password_file = "praxis.pass"\n', "[mailbox.oauth2]\n")
            + 'token_comand = "x"\n',
            "key 'token_comand' is unknown; did you mean 'token_command'?",
        ),
    ],
)
def test_a_mistyped_key_gets_a_suggestion(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in error_of(tmp_path, text)


def test_trust_table_sets_the_switch_and_the_dkim_nameservers(tmp_path: Path) -> None:
    text = '[trust]\ninclude_unverified = true\nnameservers = ["192.0.2.53:5353"]\n'
    trust = load_config(write(tmp_path, text)).trust
    assert (trust.include_unverified, trust.nameservers) == (True, ("192.0.2.53:5353",))
    assert load_config(write(tmp_path, "")).trust.include_unverified is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[trust]\nnameservers = [53]\n", "key 'nameservers' expected a list"),
        ("[trust]\ninclude_unverified = 1\n", "key 'include_unverified'"),
        ("[trust]\ninclude = true\n", "key 'include' is unknown"),
    ],
)
def test_bad_trust_keys_are_named(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in error_of(tmp_path, text)
