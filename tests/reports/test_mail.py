"""``dmarcwatch report --mail-to`` against a real SMTP server on loopback (aiosmtpd).

What arrives is parsed back: a multipart/alternative with the plain-text digest first and
the HTML report last, sent over verified TLS after AUTH, to every recipient.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from dmarcwatch.cli import main
from dmarcwatch.reports.mail import MailError, parse_recipients
from tests.reports.smtp import PASSWORD, USER, SmtpServer, free_port, running


@pytest.fixture(scope="module")
def smtp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmtpServer]:
    with running(tmp_path_factory.mktemp("smtp")) as server:
        yield server


@pytest.fixture
def fresh(smtp: SmtpServer) -> SmtpServer:
    smtp.mailbox.messages.clear()
    smtp.mailbox.logins.clear()
    return smtp


def _config(folder: Path, server: SmtpServer, *, security: str, port: int | None = None,
            ca: bool = True, password: str = PASSWORD) -> Path:  # fmt: skip
    secret = folder / "smtp.pass"
    secret.write_text(password + "\n", encoding="utf-8")
    secret.chmod(0o600)
    ca_line = f'ca_file = "{server.cert}"\n' if ca else ""
    if port is None:
        port = server.starttls_port if security == "starttls" else server.tls_port
    path = folder / "config.toml"
    path.write_text(
        "[smtp]\n"
        f'host = "{server.host}"\nport = {port}\nsecurity = "{security}"\n{ca_line}'
        f'username = "{USER}"\npassword_file = "{secret}"\n'
        'from = "dmarcwatch@praxis-beispiel.ch"\ntimeout = 10\n',
        encoding="utf-8",
    )
    return path


def _parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_digest_arrives_over_starttls_to_every_recipient(
    demo_db: str, fresh: SmtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)  # mailing only: no file may appear in the working directory
    config = _config(tmp_path, fresh, security="starttls")
    code = main(["report", "--db", demo_db, "--config", str(config),
                 "--mail-to", "it@praxis-beispiel.ch, support@vendor.example",
                 "--mail-to", "it@praxis-beispiel.ch"])  # fmt: skip
    assert code == 0
    assert list(tmp_path.glob("*.html")) == []
    [delivered] = fresh.mailbox.messages
    assert delivered.authenticated and delivered.tls
    assert delivered.mail_from == "dmarcwatch@praxis-beispiel.ch"
    assert delivered.rcpt_tos == ["it@praxis-beispiel.ch", "support@vendor.example"]
    message = _parsed(delivered.content)
    assert message["Subject"].startswith("DMARC report 6 Sept")
    assert message["To"] == "it@praxis-beispiel.ch, support@vendor.example"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    plain, page = message.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert page.get_content_type() == "text/html"
    text = plain.get_content()
    assert "email.praxis-beispiel.ch" in text and "Passing DMARC" in text
    html = page.get_content().replace("\r\n", "\n")
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert 'id="chart-1-daily"' in html and 'id="overview"' in html
    out = capsys.readouterr()
    assert PASSWORD not in out.out + out.err


def test_digest_arrives_over_implicit_tls_in_german(
    demo_db: str, fresh: SmtpServer, tmp_path: Path
) -> None:
    config = _config(tmp_path, fresh, security="tls")
    out = tmp_path / "report.html"
    code = main(["report", "--db", demo_db, "--config", str(config), "--lang", "de",
                 "--domain", "physio-muster.ch", "-o", str(out),
                 "--mail-to", "it@physio.example"])  # fmt: skip
    assert code == 0
    [delivered] = fresh.mailbox.messages
    assert delivered.tls and delivered.authenticated
    message = _parsed(delivered.content)
    assert message["Subject"].startswith("DMARC-Bericht")
    assert message["Content-Language"] == "de"
    html = message.get_body(("html",))
    assert html is not None
    sent = html.get_content().replace("\r\n", "\n")
    assert sent == out.read_text(encoding="utf-8")  # the mail is the file


def test_untrusted_certificate_is_refused_before_login(
    demo_db: str, fresh: SmtpServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, fresh, security="starttls", ca=False)
    code = main(["report", "--db", demo_db, "--config", str(config), "--mail-to", "a@b.ch"])
    assert code == 78
    err = capsys.readouterr().err
    assert "not trusted" in err and "ca_file" in err
    assert fresh.mailbox.messages == [] and fresh.mailbox.logins == []


def test_wrong_password_is_a_config_error_that_hides_the_password(
    demo_db: str, fresh: SmtpServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, fresh, security="tls", password="wrong-Secret-123")
    code = main(["report", "--db", demo_db, "--config", str(config), "--mail-to", "a@b.ch"])
    assert code == 78
    err = capsys.readouterr().err
    assert "refused the login" in err and "wrong-Secret-123" not in err
    assert fresh.mailbox.logins == [USER] and fresh.mailbox.messages == []


def test_refused_recipient_exits_65(
    demo_db: str, fresh: SmtpServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, fresh, security="starttls")
    code = main(["report", "--db", demo_db, "--config", str(config),
                 "--mail-to", "refused@praxis.example"])  # fmt: skip
    assert code == 65
    assert "refused" in capsys.readouterr().err
    assert fresh.mailbox.messages == []


def test_server_down_is_temporary(
    demo_db: str, fresh: SmtpServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, fresh, security="tls", port=free_port())
    code = main(["report", "--db", demo_db, "--config", str(config), "--mail-to", "a@b.ch"])
    assert code == 75
    assert "cannot send" in capsys.readouterr().err


def test_mail_to_without_smtp_section_is_a_config_error(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    code = main(["report", "--db", demo_db, "--config", str(config), "--mail-to", "a@b.ch"])
    assert code == 78
    assert "[smtp]" in capsys.readouterr().err


@pytest.mark.parametrize(
    "value",
    ["not-an-address", "a@b.ch\r\nBcc: x@y.z", "Name <a@b.ch>", "a@localhost", "a b@c.ch", ","],
)
def test_bad_recipient_is_refused(value: str) -> None:
    with pytest.raises(MailError):
        parse_recipients([value])


def test_bad_recipient_is_a_usage_error(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", demo_db, "--mail-to", "a@b.ch\nBcc: evil@x.y"]) == 64
    assert "--mail-to" in capsys.readouterr().err
