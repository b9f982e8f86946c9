"""A real SMTP server on loopback for the digest tests (aiosmtpd), with TLS and AUTH.

Two listeners share one mailbox: STARTTLS (``require_starttls``, as on port 587) and implicit
TLS (as on port 465). Both want AUTH PLAIN/LOGIN as ``reports`` with :data:`PASSWORD`, over
TLS only, with a self-signed certificate for 127.0.0.1 made by ``openssl`` (the client trusts
it through ``ca_file``). Mail to ``refused@…`` is refused at RCPT (550); mail to ``hostile@…`` gets
:data:`HOSTILE_REPLY` to DATA.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

HOSTILE_REPLY = "554 5.7.1 \x1b]0;owned\x07\x1b[2J\x1b[31mrejected\x7f"
"""What the server answers DATA for mail to ``hostile@…``: terminal escapes in the reply text."""
USER = "reports"
PASSWORD = "s3cret-Pässword"  # noqa: S105 - the test server's own account


@dataclass
class Delivered:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    authenticated: bool
    tls: bool


@dataclass
class Mailbox:
    messages: list[Delivered] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.startswith("refused@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: Any, session: Session, envelope: Envelope
    ) -> str:
        if any(r.startswith("hostile@") for r in envelope.rcpt_tos):
            return HOSTILE_REPLY
        content = envelope.original_content or b""
        self.messages.append(
            Delivered(
                str(envelope.mail_from),
                list(envelope.rcpt_tos),
                content,
                bool(session.authenticated),
                server.transport.get_extra_info("ssl_object") is not None,
            )
        )
        return "250 OK queued"

    def authenticate(
        self, server: Any, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword):
            self.logins.append(data.login.decode())
            if data.login == USER.encode() and data.password == PASSWORD.encode():
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@dataclass
class SmtpServer:
    host: str
    starttls_port: int
    tls_port: int
    cert: Path
    mailbox: Mailbox


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


class _ImplicitTlsSMTP(SMTP):
    """aiosmtpd counts only STARTTLS as TLS for AUTH; on this listener every byte is TLS."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, auth_require_tls=True, **kwargs)
        self._auth_require_tls = False


class _ImplicitTlsController(Controller):
    def factory(self) -> SMTP:
        return _ImplicitTlsSMTP(self.handler, **self.SMTP_kwargs)


@contextmanager
def running(folder: Path) -> Iterator[SmtpServer]:
    cert, key = make_certificate(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mailbox = Mailbox()
    common: dict[str, Any] = {
        "hostname": "127.0.0.1",
        "authenticator": mailbox.authenticate,
        "auth_required": True,
    }
    starttls = Controller(
        mailbox, port=free_port(), tls_context=context, require_starttls=True,
        auth_require_tls=True, **common,
    )  # fmt: skip
    implicit = _ImplicitTlsController(mailbox, port=free_port(), ssl_context=context, **common)
    starttls.start()
    try:
        implicit.start()
        try:
            yield SmtpServer("127.0.0.1", starttls.port, implicit.port, cert, mailbox)
        finally:
            implicit.stop()
    finally:
        starttls.stop()
