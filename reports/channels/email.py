"""Alerts by e-mail: one message per run and recipient, plain text and HTML, self-contained.

The body names each event's change, summary, who acts and the fix, with no link and nothing
loaded from elsewhere; every value is escaped in the HTML part. Sent through
:func:`reports.mail.send_message` (verified TLS, AUTH as configured in ``[smtp]``).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from ...analysis.alerting.events import Event
from ..errors import ChannelError, MailError
from ..i18n import Translator
from ..mail import MailSettings, send_message
from .model import Filters, SenderNames
from .words import Worded, intro, subject, worded

PREFIX = "email:"


@dataclass(frozen=True)
class Email:
    mail: MailSettings
    recipients: tuple[str, ...]
    filters: Filters = Filters()
    lang: str = "en"
    kind: str = "email"

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(PREFIX + r for r in self.recipients)

    def send(self, target: str, events: Sequence[Event], names: SenderNames) -> None:
        recipient = target.removeprefix(PREFIX)
        t = Translator.for_language(self.lang)
        message = alert_message(events, t, names, self.mail.sender, recipient)
        try:
            send_message(message, self.mail, [recipient])
        except MailError as exc:
            raise ChannelError(f"{target}: {exc}") from None


def alert_message(
    events: Sequence[Event],
    t: Translator,
    names: SenderNames,
    sender: str,
    recipient: str,
    *,
    now: dt.datetime | None = None,
) -> EmailMessage:
    items = [worded(e, t, names) for e in events]
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject(events, t)
    message["Date"] = format_datetime((now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC))
    message["Message-ID"] = make_msgid("dmarcwatch", domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message.set_content(text_body(items, t), subtype="plain", charset="utf-8")
    message.add_alternative(html_body(items, t), subtype="html", charset="utf-8")
    message["Content-Language"] = t.lang
    return message


def text_body(items: Sequence[Worded], t: Translator) -> str:
    lines = [intro(t), ""]
    for w in items:
        lines += [w.headline, "  " + w.summary]
        lines += ["  " + x for x in (w.actor, w.fix) if x]
        lines += ["  " + w.since, ""]
    return "\n".join(lines)


def html_body(items: Sequence[Worded], t: Translator) -> str:
    e = html.escape
    parts = [
        f'<!DOCTYPE html><html lang="{e(t.lang)}"><head><meta charset="utf-8">',
        f"<title>{e(intro(t))}</title></head>",
        '<body style="font-family:sans-serif;max-width:40em">',
        f"<p>{e(intro(t))}</p>",
    ]
    for w in items:
        parts.append(f'<h3 style="margin-bottom:0.2em">{e(w.headline)}</h3>')
        parts.append(f'<p style="margin-top:0">{e(w.summary)}</p>')
        if w.actor or w.fix:
            parts.append(f"<p><strong>{e(w.actor)}</strong><br>{e(w.fix)}</p>")
        parts.append(f'<p style="color:#555">{e(w.since)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)
