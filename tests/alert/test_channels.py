"""``dmarcwatch alert`` delivering to real servers on loopback: SMTP (aiosmtpd), and HTTP(S)
for the webhook, Slack and Teams, whose payloads are checked against JSON schemas of their
documented formats (tests/alert/schemas)."""

from __future__ import annotations

import base64
import contextlib
import email
import hashlib
import hmac
import io
import json
import shutil
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import jsonschema
import pytest

from dmarcwatch.cli import main
from dmarcwatch.ingest.store import Store
from tests.alert.replay_data import day, write_day
from tests.reports.smtp import PASSWORD, USER, SmtpServer, make_certificate
from tests.reports.smtp import running as smtp_running
from tests.servers.http import running as http_running

SCHEMAS = Path(__file__).with_name("schemas")
AS_OF = 52  # day 52: an unknown sender for alpha (warning), Outlook rejecting beta (critical)
SECRET = "whsec_" + base64.b64encode(b"a shared secret of the receiver").decode()


def _schema(name: str) -> dict[str, object]:
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with days 44-51 of the replay, before any alert."""
    folder = tmp_path_factory.mktemp("alert-store")
    for n in range(44, AS_OF):
        write_day(folder / "in", n)
    assert (
        main(["import", "--quiet", "--db", f"sqlite:///{folder / 'store.db'}", str(folder / "in")])
        == 0
    )
    return folder / "store.db"


@pytest.fixture
def db(filled: Path, tmp_path: Path) -> str:
    copy = tmp_path / "store.db"
    shutil.copy(filled, copy)
    return f"sqlite:///{copy}"


def _alert(db: str, config: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(
            ["alert", "--db", db, "--config", str(config), "--as-of", str(day(AS_OF)), *extra]
        )
    return code, out.getvalue()


@pytest.fixture(scope="module")
def smtp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmtpServer]:
    with smtp_running(tmp_path_factory.mktemp("smtp")) as server:
        yield server


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("https"))


def _vendor_config(folder: Path, smtp: SmtpServer) -> Path:
    secret = folder / "smtp.pass"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    config = folder / "config.toml"
    config.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp.starttls_port}\nsecurity = "starttls"\n'
        f'ca_file = "{smtp.cert}"\nusername = "{USER}"\npassword_file = "{secret}"\n'
        'from = "dmarcwatch@vendor.example"\n\n'
        '[[alert]]\ntype = "email"\ndomains = ["praxis-alpha.ch", "*.praxis-alpha.ch"]\n'
        'to = ["it@praxis-alpha.ch"]\nlang = "de"\n\n'
        '[[alert]]\ntype = "email"\ndomains = ["physio-beta.ch"]\nto = ["it@physio-beta.ch"]\n\n'
        '[[alert]]\ntype = "email"\nmin_severity = "critical"\n'
        'to = ["support@vendor.example", "it@physio-beta.ch"]\n',
        encoding="utf-8",
    )
    return config


def _messages(smtp: SmtpServer) -> dict[str, EmailMessage]:
    found: dict[str, EmailMessage] = {}
    for delivered in smtp.mailbox.messages:
        message = email.message_from_bytes(delivered.content, policy=default)
        assert isinstance(message, EmailMessage)
        for rcpt in delivered.rcpt_tos:
            assert rcpt not in found, f"{rcpt} got two messages in one run"
            found[rcpt] = message
    return found


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


def test_vendor_routing_sends_each_practice_its_domains_and_support_every_critical_event(
    db: str, tmp_path: Path, smtp: SmtpServer
) -> None:
    smtp.mailbox.messages.clear()
    code, out = _alert(db, _vendor_config(tmp_path, smtp))
    assert (code, out) == (0, "")  # quiet on success
    messages = _messages(smtp)
    assert set(messages) == {"it@praxis-alpha.ch", "it@physio-beta.ch", "support@vendor.example"}
    alpha_text, alpha_html = _parts(messages["it@praxis-alpha.ch"])
    assert messages["it@praxis-alpha.ch"]["Content-Language"] == "de"
    assert "Neues Problem" in alpha_text and "praxis-alpha.ch" in alpha_text
    assert "physio-beta.ch" not in alpha_text
    for rcpt in ("it@physio-beta.ch", "support@vendor.example"):
        text, html = _parts(messages[rcpt])
        assert "physio-beta.ch" in text and "praxis-alpha.ch" not in text
        assert "Critical" in text and "Who acts" in text
    assert "href" not in alpha_html and "src=" not in alpha_html  # self-contained, no links
    smtp.mailbox.messages.clear()
    assert _alert(db, _vendor_config(tmp_path, smtp)) == (0, "")
    assert smtp.mailbox.messages == []  # each event once


def _hook_config(folder: Path, kind: str, url: str, extra: str = "") -> Path:
    config = folder / f"{kind}.toml"
    config.write_text(
        f'[[alert]]\ntype = "{kind}"\nurl = "{url}"\nretries = 0\n{extra}', encoding="utf-8"
    )
    return config


def _verify(received_headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does (Standard Webhooks v1)."""
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    signed = (
        f"{received_headers['webhook-id']}.{received_headers['webhook-timestamp']}.".encode() + body
    )
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [s.removeprefix("v1,") for s in received_headers["webhook-signature"].split()]
    return any(hmac.compare_digest(expected, s) for s in offered)


def test_signed_webhook_over_https_posts_the_events_alert_json_prints(
    db: str, tmp_path: Path, cert: tuple[Path, Path]
) -> None:
    secret = tmp_path / "hook.secret"
    secret.write_text("whsec_b2xkIHNlY3JldA==\n" + SECRET + "\n", encoding="utf-8")
    with http_running(cert) as server:
        extra = f'secret_file = "{secret}"\nca_file = "{cert[0]}"\n'
        config = _hook_config(tmp_path, "webhook", server.url, extra)
        code, dry = _alert(db, config, "--dry-run", "--json")
        assert code == 0 and server.received == []
        assert _alert(db, config) == (0, "")
    [request] = server.received
    body = request.json()
    jsonschema.validate(body, _schema("webhook"))
    assert _verify(request.headers, request.body)
    printed = [json.loads(line) for line in dry.splitlines()]
    assert [(e["event"], e["code"]) for e in body["events"]] == [
        (e["event"], e["code"]) for e in printed
    ]
    assert {e["code"] for e in printed} == {"unknown-sender-passing", "receiver-rejected"}


def test_untrusted_https_certificate_is_not_delivered(
    db: str, tmp_path: Path, cert: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with http_running(cert) as server:
        code, _ = _alert(db, _hook_config(tmp_path, "webhook", server.url))
    assert code == 69 and server.received == []
    assert "certificate" in capsys.readouterr().err


@pytest.mark.parametrize(("kind", "status"), [("slack", 200), ("teams", 202)])
def test_chat_payloads_have_their_documented_shape(
    db: str, tmp_path: Path, kind: str, status: int
) -> None:
    with http_running() as server:
        server.status = status
        assert _alert(db, _hook_config(tmp_path, kind, server.url, 'lang = "fr"\n')) == (0, "")
    [request] = server.received
    jsonschema.validate(request.json(), _schema(kind))
    assert "physio-beta.ch" in request.body.decode()
    assert "Nouveau problème" in request.body.decode()


def test_unreachable_channel_exits_69_naming_no_url_and_delivers_on_the_next_run(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with http_running() as server:
        url = server.url
    named = 'name = "team"\n'  # the target's name: pending events survive a new URL
    config = _hook_config(tmp_path, "slack", url + "/T000/B000/secret-token", named)
    code, _ = _alert(db, config)
    err = capsys.readouterr().err
    assert code == 69 and err.count("\n") == 1 and "secret-token" not in err
    with http_running() as again:
        config = _hook_config(tmp_path, "slack", again.url + "/T000/B000/secret-token", named)
        assert _alert(db, config) == (0, "")
    assert len(again.received) == 1
    assert len(again.received[0].json()["blocks"]) == 4  # header, intro and the two events


def test_a_second_alert_while_one_runs_exits_75(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "empty.toml"
    config.write_text("", encoding="utf-8")
    with Store.open(db) as store, store.lock("alert"):
        code, _ = _alert(db, config)
    assert code == 75
    assert capsys.readouterr().err.count("\n") == 1


def test_a_whsec_secret_that_is_not_base64_is_a_config_error(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "hook.secret"
    secret.write_text("whsec_not base64!\n", encoding="utf-8")
    config = _hook_config(
        tmp_path, "webhook", "https://hooks.example/x", f'secret_file = "{secret}"\n'
    )
    assert _alert(db, config)[0] == 78
    err = capsys.readouterr().err
    assert "secret_file" in err and "not base64" not in err


def test_dry_run_records_nothing(db: str, tmp_path: Path) -> None:
    config = tmp_path / "empty.toml"
    config.write_text("", encoding="utf-8")
    first = _alert(db, config, "--dry-run", "--json")
    assert first == _alert(db, config, "--dry-run", "--json")
    assert _alert(db, config, "--json") == first
    assert _alert(db, config, "--json") == (0, "")
