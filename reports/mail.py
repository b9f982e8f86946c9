"""The digest by e-mail: the HTML report with a short plain-text part, sent over SMTP.

TLS is always on and always verified: implicit TLS (SMTPS, RFC 8314 §3.3, port 465) or
STARTTLS (RFC 3207, port 587), against the system's CAs or a given CA file. The password is
used for AUTH and nowhere else: it never reaches a log line or an error message.
"""

from __future__ import annotations

import base64
import datetime as dt
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .errors import (
    InvalidAddress,
    MailLoginRefused,
    MailNotSent,
    MailRetryLater,
    MailTLSRefused,
    RecipientsRefused,
)
from .errors import MailError as MailError
from .text import plain

if TYPE_CHECKING:  # alert mails events without loading the report's drawing (matplotlib)
    from .document import Report


@dataclass(frozen=True)
class MailSettings:
    """Where and how to send (the ``[smtp]`` section of the configuration)."""

    host: str
    sender: str
    port: int = 465
    security: Literal["tls", "starttls"] = "tls"
    ca_file: Path | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 60.0


def parse_recipients(values: Sequence[str]) -> list[str]:
    """``a@b.ch,c@d.ch`` (repeatable) into addresses; raises :class:`InvalidAddress`."""
    found: list[str] = []
    for value in values:
        for part in value.split(","):
            text = part.strip()
            if text:
                found.append(check_address(text))
    if not found:
        raise InvalidAddress("no recipient address given")
    return list(dict.fromkeys(found))


def check_address(text: str) -> str:
    """One bare address (``name@domain``), without display name, spaces or control characters."""
    if any(ch.isspace() or ord(ch) < 32 or ch in '<>"(),;' for ch in text):
        raise InvalidAddress(f"not a plain e-mail address: {text[:80]!r}")
    try:
        address = Address(addr_spec=text)
    except (ValueError, IndexError) as exc:
        raise InvalidAddress(f"not an e-mail address: {text[:80]!r}") from exc
    if not address.username or "." not in address.domain:
        raise InvalidAddress(f"not an e-mail address: {text[:80]!r}")
    return address.addr_spec


def build_message(
    report: Report, sender: str, recipients: Sequence[str], *, now: dt.datetime
) -> EmailMessage:
    """multipart/alternative: the plain-text digest first, the HTML report last (RFC 2046 §5.1.4).

    ``Auto-Submitted: auto-generated`` (RFC 3834) keeps vacation responders from answering.
    """
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = report.subject
    message["Date"] = format_datetime(now.astimezone(dt.UTC))
    message["Message-ID"] = make_msgid("dmarcwatch", domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(report.text, subtype="plain", charset="utf-8")
    message.add_alternative(report.html, subtype="html", charset="utf-8")
    message["Content-Language"] = report.view.lang  # after set_content, which clears Content-*
    return message


def send_message(message: EmailMessage, settings: MailSettings, recipients: Sequence[str]) -> None:
    """Deliver *message* to *recipients* through the configured server."""
    context = ssl.create_default_context(cafile=settings.ca_file)
    try:
        with _connect(settings, context) as smtp:
            if settings.username is not None:
                login(smtp, settings.username, settings.password or "")
            refused = smtp.send_message(message, settings.sender, list(recipients))
    except smtplib.SMTPAuthenticationError as exc:
        raise MailLoginRefused(
            f"{settings.host} refused the login of {settings.username!r} ({exc.smtp_code})"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise RecipientsRefused(
            f"{settings.host} refused every recipient: {_codes(exc.recipients)}"
        ) from None
    except smtplib.SMTPResponseException as exc:
        failed = MailRetryLater if 400 <= exc.smtp_code < 500 else MailNotSent
        raise failed(f"{settings.host} answered {exc.smtp_code}: {_text(exc.smtp_error)}") from None
    except ssl.SSLCertVerificationError as exc:
        raise MailTLSRefused(
            f"the TLS certificate of {settings.host} is not trusted ({exc.verify_message}); "
            "set [smtp] ca_file for a private CA"
        ) from None
    except (ssl.SSLError, smtplib.SMTPException, OSError) as exc:
        raise MailRetryLater(
            f"cannot send through {settings.host}:{settings.port}: {type(exc).__name__}: "
            f"{_text(str(exc))}"
        ) from None
    if refused:
        raise RecipientsRefused(f"{settings.host} refused some recipients: {_codes(refused)}")


def login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    """AUTH PLAIN (RFC 4616) or LOGIN with UTF-8 credentials.

    smtplib's own ``login`` encodes them as ASCII, so a password with an umlaut would fail
    before reaching the server.
    """
    smtp.ehlo_or_helo_if_needed()
    offered = smtp.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" in offered or "LOGIN" not in offered:
        token = b"\0" + username.encode() + b"\0" + password.encode()
        code, reply = smtp.docmd("AUTH", "PLAIN " + base64.b64encode(token).decode("ascii"))
    else:
        code, reply = smtp.docmd("AUTH", "LOGIN " + _b64(username))
        if code == 334:
            code, reply = smtp.docmd(_b64(password))
    if code not in (235, 503):  # 503: already authenticated
        raise smtplib.SMTPAuthenticationError(code, reply)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")


def _connect(settings: MailSettings, context: ssl.SSLContext) -> smtplib.SMTP:
    if settings.security == "tls":
        return smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        smtp.ehlo()
        if not smtp.has_extn("starttls"):
            raise MailTLSRefused(f"{settings.host} does not offer STARTTLS")
        smtp.starttls(context=context)
        smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_report(
    report: Report,
    settings: MailSettings,
    recipients: Sequence[str],
    *,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """Build the digest of *report* and send it; returns the message sent."""
    message = build_message(report, settings.sender, recipients, now=now or dt.datetime.now(dt.UTC))
    send_message(message, settings, recipients)
    return message


def _codes(refused: dict[str, tuple[int, bytes]]) -> str:
    return ", ".join(f"{addr} ({code})" for addr, (code, _) in sorted(refused.items()))


def _text(value: bytes | str) -> str:
    """A server's reply on one line, without control, bidi or invisible characters."""
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return plain(text)[:200]
