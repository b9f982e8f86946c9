"""An SMTP server's reply text reaches the terminal without control characters (issue 19,
item 12): the loopback aiosmtpd answers DATA with terminal escapes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dmarcwatch.cli import main
from tests.reports.smtp import PASSWORD, USER, SmtpServer, running


@pytest.fixture(scope="module")
def smtp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmtpServer]:
    with running(tmp_path_factory.mktemp("smtp")) as server:
        yield server


def test_the_smtp_servers_reply_is_shown_without_control_characters(
    demo_db: str, smtp: SmtpServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "smtp.pass"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(
        f'[smtp]\nhost = "{smtp.host}"\nport = {smtp.starttls_port}\nsecurity = "starttls"\n'
        f'ca_file = "{smtp.cert}"\nusername = "{USER}"\npassword_file = "{secret}"\n'
        'from = "dmarcwatch@praxis-beispiel.ch"\ntimeout = 10\n',
        encoding="utf-8",
    )
    code = main(["report", "--db", demo_db, "--config", str(config),
                 "--mail-to", "hostile@praxis.example"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 69, err
    assert "mail not sent" in err and "answered 554" in err and "rejected" in err
    assert not [c for c in err if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0]
