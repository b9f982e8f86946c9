"""Test mail built in code: RFC 7489 aggregate reports in every container kind, other mail,
and broken reports. Each report gets a unique report id, so tests can count what was stored."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime, make_msgid

POLICY_DOMAIN = "email.physio-muster.ch"
DAY = 86400
BEGIN = 1_767_225_600  # 2026-01-01T00:00:00Z

CONTAINERS = (
    "xml",
    "gzip",
    "zip",
    "xml-body",
    "octet-stream-gzip",
    "x-zip-compressed",
    "forwarded",
)
OTHER_KINDS = ("plain", "html", "failure-notice", "abuse-report")
"""Mail that holds no report of any kind dmarcwatch reads (filed under Other)."""
REPORT_KINDS = ("failure-report", "tls-report")
"""Reports that are not aggregate reports: stored, and filed under Processed (issue 14)."""
BROKEN_KINDS = ("truncated-gzip", "malformed-xml", "bad-zip-crc", "not-dmarc-xml", "dtd-entity")


def report_xml(
    report_id: str,
    org: str = "google.com",
    domain: str = POLICY_DOMAIN,
    begin: int = BEGIN,
    records: int = 2,
    padding: int = 0,
) -> bytes:
    """One RFC 7489 appendix C aggregate report with *records* rows (and *padding* more)."""
    rows = "".join(_row(i) for i in range(records + padding))
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<feedback>
  <report_metadata>
    <org_name>{org}</org_name>
    <email>noreply-dmarc-support@{org}</email>
    <report_id>{report_id}</report_id>
    <date_range><begin>{begin}</begin><end>{begin + DAY - 1}</end></date_range>
  </report_metadata>
  <policy_published>
    <domain>{domain}</domain><adkim>r</adkim><aspf>r</aspf>
    <p>none</p><sp>none</sp><pct>100</pct>
  </policy_published>
{rows}</feedback>
"""
    return xml.encode()


def _row(i: int) -> str:
    ip = f"198.51.{(i // 250) % 250}.{i % 250 + 1}"
    return f"""  <record>
    <row>
      <source_ip>{ip}</source_ip><count>{i % 7 + 1}</count>
      <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf>
      </policy_evaluated>
    </row>
    <identifiers><header_from>{POLICY_DOMAIN}</header_from></identifiers>
    <auth_results>
      <dkim><domain>{POLICY_DOMAIN}</domain><selector>s1</selector><result>pass</result></dkim>
      <spf><domain>em123.{POLICY_DOMAIN}</domain><result>pass</result></spf>
    </auth_results>
  </record>
"""


def _message(subject: str, sender: str = "noreply-dmarc-support@google.com") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = f"dmarc@{POLICY_DOMAIN}"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 1, 2, 6, 0, tzinfo=UTC))
    msg["Message-ID"] = make_msgid(domain="google.com")
    return msg


def _filename(report_id: str, suffix: str) -> str:
    return f"google.com!{POLICY_DOMAIN}!{BEGIN}!{BEGIN + DAY - 1}!{report_id}.{suffix}"


def _zip(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return out.getvalue()


def report_mail(report_id: str, container: str = "gzip", **report: int) -> bytes:
    """A rua mail carrying report *report_id* in *container* (one of :data:`CONTAINERS`)."""
    xml = report_xml(report_id, **report)  # type: ignore[arg-type]
    subject = f"Report domain: {POLICY_DOMAIN} Submitter: google.com Report-ID: {report_id}"
    msg = _message(subject)
    if container == "xml-body":
        msg.set_content(xml, maintype="text", subtype="xml")
        return bytes(msg)
    msg.set_content("This is an aggregate report from google.com.\n")
    if container == "forwarded":
        forwarded = _message(f"Fwd: {subject}", sender="praxis@physio-muster.ch")
        forwarded.set_content("Forwarded by the practice.\n")
        inner = message_from_bytes(report_mail(report_id, "gzip", **report), policy=default)
        forwarded.add_attachment(inner)
        return bytes(forwarded)
    maintype, subtype, data, name = _attachment(report_id, container, xml)
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(msg)


def _attachment(report_id: str, container: str, xml: bytes) -> tuple[str, str, bytes, str]:
    if container == "xml":
        return "text", "xml", xml, _filename(report_id, "xml")
    if container == "gzip":
        return "application", "gzip", gzip.compress(xml), _filename(report_id, "xml.gz")
    if container == "octet-stream-gzip":
        return "application", "octet-stream", gzip.compress(xml), _filename(report_id, "xml.gz")
    name = _filename(report_id, "xml")
    if container == "zip":
        return "application", "zip", _zip(name, xml), _filename(report_id, "zip")
    if container == "x-zip-compressed":
        return "application", "x-zip-compressed", _zip(name, xml), _filename(report_id, "zip")
    raise ValueError(container)


def other_mail(kind: str, n: int = 0) -> bytes:
    """Mail that holds no aggregate report (one of :data:`OTHER_KINDS`)."""
    if kind == "plain":
        msg = _message(f"Termin am Montag {n}", sender="patient@example.org")
        msg.set_content("Guten Tag, ich möchte meinen Termin verschieben.\n")
    elif kind == "html":
        msg = _message(f"Newsletter {n}", sender="news@example.org")
        msg.set_content("<html><body><p>Neuigkeiten</p></body></html>", subtype="html")
    elif kind == "failure-report":
        return _failure_report(n)
    elif kind == "failure-notice":  # Exim's plain-text notice: no ARF part, not a report
        body = _failure_report(n).split(b"\r\n\r\n", 1)[1].decode().replace("\r\n", "\n")
        msg = _message(f"DMARC failure notice {n}", sender="mailer-daemon@example.net")
        msg.set_content(body)
    elif kind == "abuse-report":  # ARF, but a spam complaint rather than a DMARC failure
        return _failure_report(n).replace(b"Feedback-Type: auth-failure", b"Feedback-Type: abuse")
    elif kind == "tls-report":
        msg = _message(f"Report Domain: {POLICY_DOMAIN} Submitter: google.com Report-ID: <tls{n}>")
        msg.set_content("This is a TLS report.\n")
        data = gzip.compress(json.dumps(tls_report(n)).encode())
        msg.add_attachment(
            data, maintype="application", subtype="tlsrpt+gzip", filename=f"google!{n}.json.gz"
        )
    else:
        raise ValueError(kind)
    return bytes(msg)


def tls_report(n: int) -> dict[str, object]:
    """A Google-shaped SMTP TLS report (RFC 8460) for the practice's domain, day *n*."""
    day = datetime(2026, 1, 1, tzinfo=UTC).timestamp() + n * DAY
    start = datetime.fromtimestamp(day, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = datetime.fromtimestamp(day + DAY - 1, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "organization-name": "Google Inc.",
        "date-range": {"start-datetime": start, "end-datetime": end},
        "contact-info": "smtp-tls-reporting@google.com",
        "report-id": f"{start}_{POLICY_DOMAIN}-{n}",
        "policies": [
            {
                "policy": {"policy-type": "no-policy-found", "policy-domain": POLICY_DOMAIN},
                "summary": {
                    "total-successful-session-count": 10 + n,
                    "total-failure-session-count": 0,
                },
            }
        ],
    }


def _failure_report(n: int) -> bytes:
    """An RFC 6591 failure report: multipart/report with a message/feedback-report part."""
    return f"""From: dmarc-failure@example.net
To: dmarc@{POLICY_DOMAIN}
Subject: FW: Termin bestaetigt {n}
Date: Fri, 02 Jan 2026 06:00:00 +0000
Message-ID: <failure{n}@example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="b{n}"

--b{n}
Content-Type: text/plain

This is an authentication failure report.

--b{n}
Content-Type: message/feedback-report

Feedback-Type: auth-failure
Version: 1
Auth-Failure: dmarc
Reported-Domain: {POLICY_DOMAIN}

--b{n}
Content-Type: text/rfc822-headers

From: praxis@{POLICY_DOMAIN}
Subject: Termin
Message-ID: <termin{n}@{POLICY_DOMAIN}>

--b{n}--
""".replace("\n", "\r\n").encode()


def broken_mail(kind: str, report_id: str) -> bytes:
    """A mail with a report-like part whose report cannot be read (:data:`BROKEN_KINDS`)."""
    xml = report_xml(report_id)
    subject = f"Report domain: {POLICY_DOMAIN} Submitter: google.com Report-ID: {report_id}"
    msg = _message(subject)
    msg.set_content("Aggregate report.\n")
    if kind == "truncated-gzip":
        data, mt, st, name = gzip.compress(xml)[:-40], "application", "gzip", "r.xml.gz"
    elif kind == "malformed-xml":
        data, mt, st, name = xml.replace(b"</feedback>", b"<record>"), "text", "xml", "r.xml"
    elif kind == "bad-zip-crc":
        archive = bytearray(_zip("r.xml", xml))
        archive[60] ^= 0xFF  # inside the compressed member
        data, mt, st, name = bytes(archive), "application", "zip", "r.zip"
    elif kind == "not-dmarc-xml":
        invoice = b"<?xml version='1.0'?><invoice><n>1</n></invoice>"
        data, mt, st, name = invoice, "text", "xml", "r.xml"
    elif kind == "dtd-entity":
        bomb = b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY a "aaaa">]><feedback>&a;</feedback>'
        data, mt, st, name = bomb, "text", "xml", "r.xml"
    else:
        raise ValueError(kind)
    msg.add_attachment(data, maintype=mt, subtype=st, filename=name)
    return bytes(msg)


def quick_report_mail(report_id: str) -> bytes:
    """A small rua mail with a plain XML attachment, built as text: fast for big backlogs."""
    xml = report_xml(report_id).decode()
    name = _filename(report_id, "xml")
    text = f"""From: noreply-dmarc-support@google.com
To: dmarc@{POLICY_DOMAIN}
Subject: Report domain: {POLICY_DOMAIN} Submitter: google.com Report-ID: {report_id}
Date: Fri, 02 Jan 2026 06:00:00 +0000
Message-ID: <{report_id}@google.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=-{report_id}"

--=-{report_id}
Content-Type: text/plain

This is an aggregate report from google.com.

--=-{report_id}
Content-Type: text/xml; name="{name}"
Content-Disposition: attachment; filename="{name}"
Content-Transfer-Encoding: 7bit

{xml}
--=-{report_id}--
"""
    return text.replace("\n", "\r\n").encode()
