#!/usr/bin/env python3
"""Build the SMTP TLS report and failure report samples in ``kinds/`` and ``kinds/manifest.json``.

Run from anywhere (stdlib only)::

    python samples/build_kinds.py            # writes kinds/ and kinds/manifest.json
    python samples/build_kinds.py --out DIR  # the same files below DIR (for the rerun test)

Every file is written by dmarcwatch, none is a copy of a real report. The layouts follow what
real reporters send (reference-turn2 §1.5, §1.6, §2.1, §2.5): Google's ``application/tlsrpt+gzip``
mail, Microsoft's unquoted ``report-type=tlsrpt`` and nested TLSA policy string, Mail.ru's end at
the next midnight and ``null`` contact, ``mx: `` prefixes, missing ``mx-host`` and IPs; ARF
failure reports with the failing message's headers (``text/rfc822-headers``) or the whole message
(``message/rfc822``), LinkedIn's ``Version: 1.0`` and empty ``Original-Mail-From``. The days fall
in the demo period (2026-09-01 … 2026-10-05) so that ``diagnose`` on the demo store shows them.

The manifest's totals are declared here by hand and checked by ``tests/samples/test_kinds.py``
against dmarcwatch's parser: ``tls`` reports with their successful and failed sessions, or
``failure`` reports, or for broken ones the reject class.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sample_containers import (
    attachment,
    authentication_results,
    gz,
    message,
    multipart,
    part,
    received,
    text_part,
    zipped,
)

HERE = Path(__file__).resolve().parent
KINDS = "kinds/"
PHYSIO = "physio-muster.ch"
PRAXIS = "email.praxis-beispiel.ch"
MX = "physiomuster-ch.mail.protection.outlook.com"
BACKUP = "mx-backup.physio-muster.ch"


def day(text: str) -> int:
    return int(dt.datetime.fromisoformat(text + "T00:00:00+00:00").timestamp())


def stamp(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def tls_json(report: dict[str, object]) -> bytes:
    return (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def sts(domain: str, mode: str, mx: list[str]) -> dict[str, object]:
    lines = ["version: STSv1", f"mode: {mode}", *(f"mx: {m}" for m in mx), "max_age: 604800"]
    return {"policy-type": "sts", "policy-string": lines, "policy-domain": domain, "mx-host": mx}


def report(
    org: str, contact: str | None, report_id: str, span: tuple[int, int], policies: list[object]
) -> dict[str, object]:
    begin, end = span
    return {
        "organization-name": org,
        "date-range": {"start-datetime": stamp(begin), "end-datetime": stamp(end)},
        "contact-info": contact,
        "report-id": report_id,
        "policies": policies,
    }


# --- TLS reports ------------------------------------------------------------------------------

D1, D2, D3, D4 = day("2026-10-01"), day("2026-10-02"), day("2026-10-03"), day("2026-10-04")


def google_plain() -> bytes:
    """Google: one sts policy in testing mode, every session fine."""
    policy = {
        "policy": sts(PHYSIO, "testing", [MX]),
        "summary": {"total-successful-session-count": 57, "total-failure-session-count": 0},
    }
    rid = f"{stamp(D1)}_{PHYSIO}"
    return tls_json(
        report("Google Inc.", "smtp-tls-reporting@google.com", rid, (D1, D2 - 1), [policy])
    )


def microsoft_gzip() -> bytes:
    """Microsoft: the MTA-STS policy could not be fetched; no mx-host, a detail without IPs."""
    policy_part = sts(PHYSIO, "testing", [MX])
    del policy_part["mx-host"]
    policy = {
        "policy": policy_part,
        "summary": {"total-successful-session-count": 210, "total-failure-session-count": 3},
        "failure-details": [
            {
                "result-type": "sts-policy-fetch-error",
                "receiving-mx-hostname": MX,
                "failed-session-count": 3,
                "failure-reason-code": "HTTP 404 for https://mta-sts.physio-muster.ch/",
            }
        ],
    }
    rid = "133412345678901234+physio-muster.ch"
    return gz(
        tls_json(
            report(
                "Microsoft Corporation", "tlsrpt-noreply@microsoft.com", rid, (D2, D3 - 1), [policy]
            )
        )
    )


def mailru_zip() -> bytes:
    """Mail.ru: contact null, end at the next midnight, ``mx: `` prefixes in mx-host."""
    policy_part = sts(PHYSIO, "testing", [MX])
    policy_part["mx-host"] = [f"mx: {MX}"]
    policy = {
        "policy": policy_part,
        "summary": {"total-successful-session-count": 12, "total-failure-session-count": 0},
    }
    doc = report(
        "Mail.Ru", None, "b6a0c4de-59b1-4a8e-9c3a-1f0e2d7c8b6a@mail.ru", (D3, D4), [policy]
    )
    return zipped(f"mail.ru!{PHYSIO}!{D3}!{D4}.json", tls_json(doc))


def google_mail() -> bytes:
    """Google's mail: ``application/tlsrpt+gzip``; a backup MX served an expired certificate."""
    policy = {
        "policy": sts(PHYSIO, "testing", [MX, BACKUP]),
        "summary": {"total-successful-session-count": 48, "total-failure-session-count": 4},
        "failure-details": [
            {
                "result-type": "certificate-expired",
                "sending-mta-ip": "209.85.220.41",
                "receiving-mx-hostname": BACKUP,
                "receiving-ip": "203.0.113.25",
                "failed-session-count": 4,
            }
        ],
    }
    rid = f"{stamp(D3)}_{PHYSIO}"
    doc = report("Google Inc.", "smtp-tls-reporting@google.com", rid, (D3, D4 - 1), [policy])
    name = f"google.com!{PHYSIO}!{D3}!{D4 - 1}!001.json.gz"
    boundary = "000000000000tlsrpt0000000000000003"
    body = multipart(
        boundary,
        [
            part(
                [("Content-Type", 'text/plain; charset="UTF-8"')],
                "This is an aggregate TLS report from google.com\n",
            ),
            attachment("application/tlsrpt+gzip", name, gz(tls_json(doc))),
        ],
    )
    pairs = [
        received(
            "mail-yb1-f202.google.com",
            "209.85.219.202",
            "TlsRpt31",
            "Sun, 4 Oct 2026 09:31:10 +0200 (CEST)",
        ),
        authentication_results("google.com"),
        ("MIME-Version", "1.0"),
        ("Date", "Sun, 04 Oct 2026 00:31:05 -0700"),
        ("Message-ID", f"<{rid}@google.com>"),
        ("Subject", f"Report Domain: {PHYSIO} Submitter: google.com Report-ID: <{rid}@google.com>"),
        ("From", "noreply-smtp-tls-reporting@google.com"),
        ("To", f"dmarc@{PHYSIO}"),
        ("TLS-Report-Domain", PHYSIO),
        ("TLS-Report-Submitter", "google.com"),
        ("Content-Type", f'multipart/report; report-type="tlsrpt";\n\tboundary="{boundary}"'),
    ]
    return message(pairs, body)


def microsoft_mail() -> bytes:
    """Microsoft's mail: plain ``application/tlsrpt+json``, unquoted report-type, a TLSA policy
    whose one policy string is itself a JSON array, and STARTTLS missing on the backup MX."""
    tlsa = json.dumps(["3 1 1 0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9"])
    policy = {
        "policy": {"policy-type": "tlsa", "policy-string": [tlsa], "policy-domain": PHYSIO},
        "summary": {"total-successful-session-count": 95, "total-failure-session-count": 2},
        "failure-details": [
            {
                "result-type": "starttls-not-supported",
                "sending-mta-ip": "40.107.22.51",
                "receiving-mx-hostname": BACKUP,
                "receiving-ip": "203.0.113.25",
                "failed-session-count": 2,
                "additional-information": "https://tlsrpt.microsoft.com/info?id=starttls",
            }
        ],
    }
    rid = "133413210987654321+physio-muster.ch"
    doc = report(
        "Microsoft Corporation", "tlsrpt-noreply@microsoft.com", rid, (D4, D4 + 86399), [policy]
    )
    name = f"microsoft.com!{PHYSIO}!{D4}!{D4 + 86399}!{rid}.json"
    boundary = "_tlsrpt_ms_0004_"
    body = multipart(
        boundary,
        [
            text_part("This is an SMTP TLS report from Microsoft Corporation.\n"),
            attachment("application/tlsrpt+json", name, tls_json(doc)),
        ],
    )
    pairs = [
        received(
            "mail-db8eur05.outbound.protection.outlook.com",
            "40.107.22.51",
            "TlsRpt44",
            "Mon, 5 Oct 2026 04:02:11 +0200 (CEST)",
        ),
        authentication_results("microsoft.com"),
        ("From", "tlsrpt-noreply@microsoft.com"),
        ("To", f"dmarc@{PHYSIO}"),
        ("Subject", f"Report Domain: {PHYSIO} Submitter: microsoft.com Report-ID: {rid}"),
        ("Date", "Mon, 05 Oct 2026 02:02:09 +0000"),
        ("Message-ID", "<tlsrpt-0004@microsoft.com>"),
        ("TLS-Report-Domain", PHYSIO),
        ("TLS-Report-Submitter", "microsoft.com"),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/report; report-type=tlsrpt; boundary="{boundary}"'),
    ]
    return message(pairs, body, crlf=True)


# --- failure reports --------------------------------------------------------------------------


_REPORT_TYPE = "multipart/report; report-type=feedback-report;\n\t"


def arf(
    sender: str, boundary: str, subject: str, *, date: str, feedback: str, returned: tuple[str, str]
) -> bytes:
    """An RFC 5965 report: human text, message/feedback-report, the returned message."""
    body = multipart(
        boundary,
        [
            text_part("This is an authentication failure report for a message you sent.\n"),
            part([("Content-Type", "message/feedback-report")], feedback),
            part([("Content-Type", returned[0])], returned[1]),
        ],
    )
    pairs = [
        ("From", sender),
        ("To", "dmarc@praxis-beispiel.ch"),
        ("Subject", subject),
        ("Date", date),
        ("Message-ID", f"<{boundary}@{sender.partition('@')[2]}>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", _REPORT_TYPE + f'boundary="{boundary}"'),
    ]
    return message(pairs, body)


def yahoo_sendgrid() -> bytes:
    """Yahoo: SendGrid mail of Praxis Beispiel before Domain Authentication (d=sendgrid.net)."""
    feedback = (
        "Feedback-Type: auth-failure\n"
        "User-Agent: Yahoo!-Mail-Feedback/2.0\n"
        "Version: 1\n"
        "Original-Mail-From: <bounces+4821-7f3a-anna.meier=example.org@sendgrid.net>\n"
        "Original-Rcpt-To: <anna.meier@yahoo.com>\n"
        "Arrival-Date: Thu, 10 Sep 2026 07:12:09 +0000\n"
        "Source-IP: 167.89.101.2\n"
        "Reported-Domain: email.praxis-beispiel.ch\n"
        "Authentication-Results: mta1004.mail.bf1.yahoo.com; dkim=pass header.d=sendgrid.net"
        " header.s=smtpapi; spf=pass smtp.mailfrom=sendgrid.net;"
        " dmarc=fail(p=NONE) header.from=email.praxis-beispiel.ch\n"
        "Auth-Failure: dmarc\n"
        "Identity-Alignment: none\n"
        "DKIM-Domain: sendgrid.net\n"
        "DKIM-Selector: smtpapi\n"
        "Delivery-Result: delivered\n"
    )
    headers = (
        "Received: from o1.ptr1234.sendgrid.net (o1.ptr1234.sendgrid.net [167.89.101.2])\n"
        "\tby mta1004.mail.bf1.yahoo.com with ESMTPS; Thu, 10 Sep 2026 07:12:09 +0000\n"
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=sendgrid.net;\n"
        "\th=from:subject:mime-version:to:content-type; s=smtpapi;\n"
        "\tbh=q1pkQ9tWaJ0RmRZ7mQ3Hd5pBf5m3x7YqBzv9YpS8K0Y=; b=Zm9vYmFy\n"
        "Received-SPF: pass (domain of sendgrid.net designates 167.89.101.2 as permitted sender)"
        " receiver=mta1004.mail.bf1.yahoo.com; client-ip=167.89.101.2;"
        " envelope-from=<bounces+4821-7f3a-anna.meier=example.org@sendgrid.net>\n"
        "From: Praxis Beispiel <termine@email.praxis-beispiel.ch>\n"
        "To: anna.meier@yahoo.com\n"
        "Subject: Erinnerung: Ihr Termin am 14. September\n"
        "Date: Thu, 10 Sep 2026 07:12:05 +0000\n"
        "Message-ID: <7f3a2b1c.4821@email.praxis-beispiel.ch>\n"
        "MIME-Version: 1.0\n"
    )
    return arf(
        "dmarc_ruf@yahoo.com",
        "yahoo-ruf-0910",
        "Erinnerung: Ihr Termin am 14. September",
        date="Thu, 10 Sep 2026 07:20:00 +0000",
        feedback=feedback,
        returned=("text/rfc822-headers", headers),
    )


def example_spoof() -> bytes:
    """A small operator: a forger, SPF and DKIM failing, with the whole message returned."""
    feedback = (
        "Feedback-Type: auth-failure\n"
        "User-Agent: ExampleMTA/2.1\n"
        "Version: 1\n"
        "Original-Mail-From: <termine@email.praxis-beispiel.ch>\n"
        "Original-Rcpt-To: <patient@example.com>\n"
        "Arrival-Date: Tue, 29 Sep 2026 10:22:31 +0000\n"
        "Source-IP: 198.51.100.23\n"
        "Reported-Domain: email.praxis-beispiel.ch\n"
        "Authentication-Results: mx.example.com; dmarc=fail header.from=email.praxis-beispiel.ch;"
        " spf=fail smtp.mailfrom=email.praxis-beispiel.ch; dkim=none\n"
        "Auth-Failure: dmarc\n"
        "Identity-Alignment: dkim, spf\n"
        'SPF-DNS: txt : email.praxis-beispiel.ch : "v=spf1 include:sendgrid.net -all"\n'
        "Delivery-Result: reject\n"
    )
    original = (
        "Received: from [198.51.100.23] (unknown [198.51.100.23])\n"
        "\tby mx.example.com with ESMTP id 7F3A21C0042; Tue, 29 Sep 2026 10:22:31 +0000\n"
        "From: Praxis Beispiel <termine@email.praxis-beispiel.ch>\n"
        "To: patient@example.com\n"
        "Subject: Ihre Rechnung ist fällig\n"
        "Date: Tue, 29 Sep 2026 10:22:29 +0000\n"
        "Message-ID: <fake-7781@email.praxis-beispiel.ch>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "\n"
        "Bitte öffnen Sie den Link, um Ihre Rechnung zu bezahlen.\n"
    )
    return arf(
        "dmarc-failure@mx.example.com",
        "ruf-7781-boundary",
        "FW: Ihre Rechnung ist fällig",
        date="Tue, 29 Sep 2026 10:22:38 +0000",
        feedback=feedback,
        returned=("message/rfc822", original),
    )


def linkedin_quirks() -> bytes:
    """LinkedIn's shape: Version 1.0, an empty Original-Mail-From, no Arrival-Date, no DKIM."""
    feedback = (
        "Feedback-Type: auth-failure\n"
        "User-Agent: LinkedIn DMARC Reporter\n"
        "Version: 1.0\n"
        "Original-Mail-From: \n"
        "Source-IP: 192.0.2.88\n"
        "Reported-Domain: email.praxis-beispiel.ch\n"
        "Authentication-Results: linkedin.com; dmarc=fail header.from=email.praxis-beispiel.ch\n"
        "Auth-Failure: dmarc\n"
    )
    headers = (
        'From: "Praxis Beispiel" <info@email.praxis-beispiel.ch>\n'
        "Subject: Rezept bereit\n"
        "Date: Thu, 03 Oct 2026 18:02:11 +0000\n"
    )
    return arf(
        "dmarc-noreply@linkedin.com",
        "linkedin-ruf-1003",
        "DMARC Failure report for email.praxis-beispiel.ch",
        date="Sat, 03 Oct 2026 18:05:00 +0000",
        feedback=feedback,
        returned=("text/rfc822-headers", headers),
    )


# --- broken -----------------------------------------------------------------------------------


def plain_text_notice() -> bytes:
    """Exim's plain-text DMARC failure notice: no ARF part, so not a report."""
    pairs = [
        ("From", "Mail Delivery System <Mailer-Daemon@mail.example.net>"),
        ("To", "dmarc@praxis-beispiel.ch"),
        ("Subject", "DMARC failure report for email.praxis-beispiel.ch"),
        ("Date", "Fri, 02 Oct 2026 08:00:00 +0000"),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=us-ascii"),
    ]
    text = (
        "A message claiming to be from you failed verification.\n"
        "Sender Domain: email.praxis-beispiel.ch\nSender IP Address: 203.0.113.77\n"
    )
    return message(pairs, text)


def abuse_report() -> bytes:
    """An ARF report of type abuse (a spam complaint): not a DMARC failure report."""
    feedback = "Feedback-Type: abuse\nUser-Agent: ExampleFBL/1.0\nVersion: 1\n"
    headers = "From: termine@email.praxis-beispiel.ch\nSubject: Newsletter\n"
    return arf(
        "fbl@isp.example.net",
        "fbl-0001",
        "Abuse report",
        date="Fri, 02 Oct 2026 09:00:00 +0000",
        feedback=feedback,
        returned=("text/rfc822-headers", headers),
    )


def malformed_json() -> bytes:
    whole = google_plain()
    return gz(whole[: len(whole) // 2])


def too_deep() -> bytes:
    return b'{"organization-name": "x", "policies": ' + b"[" * 100 + b"]" * 100 + b"}\n"


def no_date_range() -> bytes:
    doc = json.loads(google_plain())
    del doc["date-range"]
    return tls_json(doc)


@dataclass(frozen=True)
class Sample:
    path: str
    exercises: str
    build: Callable[[], bytes]
    tls: int = 0
    failures: int = 0
    successful: int = 0
    failed: int = 0
    reject_class: str | None = None

    @property
    def kind(self) -> str:
        return "broken" if self.reject_class else ("tls" if self.tls else "failure")

    @property
    def container(self) -> str:
        name = self.path.rsplit("/", 1)[1]
        for suffix, container in ((".json.gz", "gzip"), (".json", "json"), (".zip", "zip")):
            if name.endswith(suffix):
                return container
        return "eml"


T, F, B = KINDS + "tls/", KINDS + "failure/", KINDS + "broken/"
SAMPLES = [
    Sample(
        T + f"google.com!{PHYSIO}!{D1}!{D2 - 1}.json",
        "Google, plain JSON: one sts policy (testing), every session encrypted",
        google_plain,
        tls=1,
        successful=57,
    ),
    Sample(
        T + f"microsoft.com!{PHYSIO}!{D2}!{D3 - 1}.json.gz",
        "Microsoft, gzip: sts-policy-fetch-error with failure-reason-code, no mx-host, no IPs",
        microsoft_gzip,
        tls=1,
        successful=210,
        failed=3,
    ),
    Sample(
        T + f"mail.ru!{PHYSIO}!{D3}!{D4}.zip",
        "Mail.ru, zip: contact-info null, end at the next midnight, 'mx: ' prefix in mx-host",
        mailru_zip,
        tls=1,
        successful=12,
    ),
    Sample(
        T + "google-tlsrpt-gzip.eml",
        'Google\'s mail: multipart/report; report-type="tlsrpt" with application/tlsrpt+gzip; '
        "certificate-expired on a backup MX",
        google_mail,
        tls=1,
        successful=48,
        failed=4,
    ),
    Sample(
        T + "microsoft-tlsrpt-json.eml",
        "Microsoft's mail (CRLF): report-type=tlsrpt unquoted, application/tlsrpt+json; TLSA "
        "policy string nested as a JSON array; starttls-not-supported",
        microsoft_mail,
        tls=1,
        successful=95,
        failed=2,
    ),
    Sample(
        F + "yahoo-sendgrid-unauthenticated.eml",
        "Yahoo: text/rfc822-headers; SendGrid without Domain Authentication (DKIM d=sendgrid.net "
        "s=smtpapi), SRS-like envelope address; Identity-Alignment none",
        yahoo_sendgrid,
        failures=1,
    ),
    Sample(
        F + "example.com-forger.eml",
        "small operator: message/rfc822 with the forged message's body (never stored); SPF-DNS, "
        "Delivery-Result reject",
        example_spoof,
        failures=1,
    ),
    Sample(
        F + "linkedin-quirks.eml",
        "LinkedIn's shape: Version 1.0, empty Original-Mail-From, no Arrival-Date, no DKIM fields",
        linkedin_quirks,
        failures=1,
    ),
    Sample(
        B + "tls-truncated.json.gz",
        "a TLS report cut in half, gzipped: malformed JSON",
        malformed_json,
        reject_class="malformed-json",
    ),
    Sample(
        B + "tls-nested-too-deep.json",
        "'policies' nested 100 arrays deep (max_json_depth 64)",
        too_deep,
        reject_class="limit",
    ),
    Sample(
        B + "tls-no-date-range.json",
        "a TLS report without 'date-range'",
        no_date_range,
        reject_class="invalid-report",
    ),
    Sample(
        B + "failure-notice-plain-text.eml",
        "Exim-style plain-text failure notice without an ARF part: not a report (Other)",
        plain_text_notice,
        reject_class="not-a-report",
    ),
    Sample(
        B + "arf-abuse-report.eml",
        "an ARF report of Feedback-Type abuse: not a DMARC failure report (Other)",
        abuse_report,
        reject_class="not-a-report",
    ),
]


def entries() -> list[dict[str, object]]:
    return [
        {
            "path": s.path,
            "kind": s.kind,
            "container": s.container,
            "tls": s.tls,
            "failures": s.failures,
            "successful": s.successful,
            "failed": s.failed,
            "reject_class": s.reject_class,
            "exercises": s.exercises,
        }
        for s in SAMPLES
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the files below this folder instead")
    args = parser.parse_args(argv)
    out = args.out or HERE
    for sample in SAMPLES:
        target = out / sample.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(sample.build())
    manifest = json.dumps(entries(), indent=1, ensure_ascii=False) + "\n"
    (out / KINDS / "manifest.json").write_text(manifest, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
