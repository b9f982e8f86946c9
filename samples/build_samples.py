#!/usr/bin/env python3
"""Build the individual and broken samples, check their totals, write ``manifest.json``.

Run from anywhere (stdlib only)::

    python samples/generate_demo.py      # first: writes samples/demo/ and demo/MANIFEST.csv
    python samples/build_samples.py      # then: reports/, broken/, manifest.json, README table

What it does:

1. Writes every derived file in ``reports/`` and ``broken/`` from the readable XML in ``src/``
   (gzip with mtime 0, zip with a fixed timestamp, e-mails with fixed dates and boundaries), so
   a rerun is byte-identical on the same zlib. Plain ``.xml`` samples are written by hand and
   only checked.
2. Counts ``<record>`` elements and the sum of ``<count>`` in every report file with its own
   small unpacker (gzip, zip, MIME) and ``xml.etree``, and stops if a count differs from the
   totals declared in :data:`SAMPLES` (or, for the demo set, in ``demo/MANIFEST.csv``).
   dmarcwatch's own parser is deliberately not used: these totals are what it is tested against.
3. Writes ``manifest.json`` (one entry per file; paths relative to this folder) and the file
   table in ``README.md`` between its ``BEGIN``/``END`` markers.

``--out DIR`` writes the derived files into another folder instead (used by the test that checks
the committed files are exactly what this script produces).
"""

from __future__ import annotations

import argparse
import base64
import csv
import email
import email.policy
import gzip
import io
import json
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from xml.etree import ElementTree

from sample_containers import (
    attachment,
    authentication_results,
    b64,
    gz,
    message,
    multipart,
    part,
    received,
    zipped,
)

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
PADDING_BYTES = 128 * 1024 * 1024
PRAXIS = "dmarc@praxis-beispiel.ch"


# --- containers -----------------------------------------------------------------------------


def src(name: str) -> bytes:
    """Return the bytes of ``src/<name>``."""
    return (SRC / name).read_bytes()


# --- e-mail samples -------------------------------------------------------------------------


def google_single_part_mail() -> bytes:
    """Google's report mail as sent: the zip is the whole (non-multipart) message body."""
    name = "google.com!email.physio-muster.ch!1786492800!1786579199.zip"
    report = zipped(name.removesuffix(".zip") + ".xml", src("google-forwarded.xml"))
    pairs = [
        ("Return-Path", "<noreply-dmarc-support@google.com>"),
        received("mail-yb1-f201.google.com", "209.85.219.201", "4Wq1Lz0k9Xz1Pb", _GOOGLE_RCVD),
        authentication_results("google.com"),
        ("MIME-Version", "1.0"),
        ("Date", "Wed, 12 Aug 2026 16:59:59 -0700"),
        ("Message-ID", "<9288310574421866051@google.com>"),
        (
            "Subject",
            "Report domain: email.physio-muster.ch Submitter: google.com\n"
            " Report-ID: 9288310574421866051",
        ),
        ("From", "noreply-dmarc-support@google.com"),
        ("To", "dmarc@physio-muster.ch"),
        ("Content-Type", f'application/zip;\n\tname="{name}"'),
        ("Content-Disposition", f'attachment;\n\tfilename="{name}"'),
        ("Content-Transfer-Encoding", "base64"),
    ]
    return message(pairs, b64(report) + "\n")


_GOOGLE_RCVD = "Thu, 13 Aug 2026 03:14:09 +0200 (CEST)"


def forwarded_eml() -> bytes:
    """A staff member forwards Google's report from Outlook as an attached .eml (WG: = Fwd:)."""
    inner = google_single_part_mail().decode("utf-8")
    note = part(
        [("Content-Type", 'text/plain; charset="utf-8"'), ("Content-Transfer-Encoding", "8bit")],
        "Hallo\n\nDer Bericht lag im Posteingang der Praxis, bitte im DMARC-Postfach ablegen.\n\n"
        "Gruss\nAnna Muster\nPhysiotherapie Muster\n",
    )
    wrapped = part(
        [
            ("Content-Type", 'message/rfc822;\n\tname="Report domain email.physio-muster.ch.eml"'),
            (
                "Content-Disposition",
                'attachment;\n\tfilename="Report domain email.physio-muster.ch.eml"',
            ),
        ],
        inner,
    )
    boundary = "_004_ZR0P278MB0123456789ABCDEF_"
    pairs = [
        received(
            "mail-zr0che01on2101.outbound.protection.outlook.com",
            "40.107.23.90",
            "F0rw4rd1",
            "Thu, 13 Aug 2026 09:02:41 +0200 (CEST)",
        ),
        ("From", "Anna Muster <anna.muster@physio-muster.ch>"),
        ("To", "DMARC <dmarc@physio-muster.ch>"),
        (
            "Subject",
            "WG: Report domain: email.physio-muster.ch Submitter: google.com Report-ID:\n"
            " 9288310574421866051",
        ),
        ("Date", "Thu, 13 Aug 2026 07:02:38 +0000"),
        ("Message-ID", "<ZR0P278MB0123456789ABCDEF@ZR0P278MB0123.CHEP278.PROD.OUTLOOK.COM>"),
        ("Accept-Language", "de-CH, en-US"),
        ("Content-Language", "de-CH"),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/mixed;\n\tboundary="{boundary}"'),
    ]
    return message(pairs, multipart(boundary, [note, wrapped]), crlf=True)


def mimecast_eml() -> bytes:
    """Mimecast: gzip attachment, Submitter mimecast.org and an empty Report-ID in the subject."""
    name = "mimecast.org!email.praxis-beispiel.ch!1786406400!1786492799.xml.gz"
    boundary = "----=_Part_1122334_55667788.1786500000000"
    body = multipart(
        boundary,
        [
            part(
                [
                    ("Content-Type", "text/plain; charset=UTF-8"),
                    ("Content-Transfer-Encoding", "7bit"),
                ],
                "This is a DMARC aggregate report for email.praxis-beispiel.ch.\n",
            ),
            attachment("application/gzip", name, gz(src("mimecast.xml"))),
        ],
    )
    pairs = [
        received(
            "eu-smtp-delivery-1.mimecastreport.com",
            "198.51.100.250",
            "MiMe0001",
            "Wed, 12 Aug 2026 02:41:17 +0200 (CEST)",
            PRAXIS,
        ),
        ("From", "DMARC Aggregate Report <no-reply@eu.mimecastreport.com>"),
        ("To", "dmarc@praxis-beispiel.ch"),
        ("Subject", "Report Domain: email.praxis-beispiel.ch Submitter: mimecast.org Report-ID: "),
        ("Date", "Wed, 12 Aug 2026 00:41:15 +0000"),
        ("Message-ID", "<mc-agg-20260811-6c7e0f4d@eu.mimecastreport.com>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
    ]
    return message(pairs, body)


def webde_eml() -> bytes:
    """web.de: gzip attachment announced as application/x-gzip."""
    name = "web.de!email.physio-muster.ch!1786406400!1786492799!d1b9e8a4c0f2476b.xml.gz"
    boundary = "=_webde_dmarc_d1b9e8a4c0f2476b"
    body = multipart(
        boundary,
        [attachment("application/x-gzip", name, gz(src("webde.xml")))],
        preamble="This is a multi-part message in MIME format.",
    )
    pairs = [
        received(
            "mout-dmarc.web.de",
            "203.0.113.45",
            "WebDe0002",
            "Wed, 12 Aug 2026 04:05:51 +0200 (CEST)",
        ),
        authentication_results("sicher.web.de"),
        ("From", "noreply-dmarc@sicher.web.de"),
        ("To", "dmarc@physio-muster.ch"),
        (
            "Subject",
            "Report Domain: email.physio-muster.ch Submitter: web.de Report-ID: <d1b9e8a4c0f2476b>",
        ),
        ("Date", "Wed, 12 Aug 2026 02:05:49 +0000"),
        ("Message-ID", "<d1b9e8a4c0f2476b@sicher.web.de>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
    ]
    return message(pairs, body)


def microsoft_enterprise_eml() -> bytes:
    """Microsoft enterprise receiver: RFC 2047 encoded subject, CRLF line ends, gzip."""
    name = "enterprise.protection.outlook.com!physio-muster.ch!1786492800!1786579200.xml.gz"
    subject = (
        "Report Domain: physio-muster.ch Submitter: enterprise.protection.outlook.com "
        "Report-ID: <a3e95c0d7b6f4182b9c4e07d21f5a8b3>"
    )
    encoded = base64.b64encode(subject.encode("utf-8")).decode("ascii")
    folded = "\n ".join(f"=?utf-8?B?{encoded[i : i + 60]}?=" for i in range(0, len(encoded), 60))
    boundary = "_000_a3e95c0d7b6f4182b9c4e07d21f5a8b3_"
    body = multipart(
        boundary,
        [
            part(
                [
                    ("Content-Type", 'text/plain; charset="us-ascii"'),
                    ("Content-Transfer-Encoding", "7bit"),
                ],
                "This is a DMARC aggregate report from Microsoft Corporation.\n",
            ),
            attachment("application/gzip", name, gz(src("microsoft-enterprise.xml"))),
        ],
    )
    pairs = [
        received(
            "mail-zr1che01on2100.outbound.protection.outlook.com",
            "52.100.174.230",
            "MsEnt0003",
            "Thu, 13 Aug 2026 05:12:30 +0200 (CEST)",
        ),
        authentication_results("microsoft.com"),
        ("From", "DMARC Aggregate Report <dmarcreport@microsoft.com>"),
        ("To", "<dmarc@physio-muster.ch>"),
        ("Subject", folded),
        ("Date", "Thu, 13 Aug 2026 03:12:27 +0000"),
        ("Message-ID", "<a3e95c0d7b6f4182b9c4e07d21f5a8b3@microsoft.com>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
    ]
    return message(pairs, body, crlf=True)


def xml_body_eml() -> bytes:
    """A small OpenDMARC-style reporter that sends the XML itself as a text/xml body."""
    pairs = [
        received(
            "mail.example.org",
            "192.0.2.25",
            "XmlBody04",
            "Sat, 15 Aug 2026 00:10:02 +0200 (CEST)",
            PRAXIS,
        ),
        ("From", "OpenDMARC Reporter <opendmarc@mail.example.org>"),
        ("To", "dmarc@praxis-beispiel.ch"),
        (
            "Subject",
            "Report Domain: email.praxis-beispiel.ch Submitter: mail.example.org"
            " Report-ID: <mail.example.org:1786752000>",
        ),
        ("Date", "Fri, 14 Aug 2026 22:10:00 +0000"),
        ("Message-ID", "<opendmarc.1786752000.4711@mail.example.org>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'text/xml; charset="utf-8"'),
        ("Content-Transfer-Encoding", "8bit"),
    ]
    return message(pairs, src("xml-body.xml").decode("utf-8"))


def two_reports_eml() -> bytes:
    """One mail carrying two gzip reports (the subdomain's and the parent domain's)."""
    first = "mx.example.com!email.physio-muster.ch!1786752000!1786838399!0001.xml.gz"
    second = "mx.example.com!physio-muster.ch!1786752000!1786838399!0002.xml.gz"
    boundary = "=-=-=mxex-two-reports=-=-="
    body = multipart(
        boundary,
        [
            part(
                [("Content-Type", "text/plain; charset=us-ascii")],
                "DMARC aggregate reports for 2026-08-15 (2 policy domains) are attached.\n",
            ),
            attachment("application/gzip", first, gz(src("two-reports-a.xml"))),
            attachment("application/gzip", second, gz(src("two-reports-b.xml"))),
        ],
    )
    pairs = [
        received(
            "mx.example.com", "192.0.2.80", "TwoRep05", "Sun, 16 Aug 2026 01:00:12 +0200 (CEST)"
        ),
        ("From", "dmarc-noreply@mx.example.com"),
        ("To", "dmarc@physio-muster.ch"),
        (
            "Subject",
            "Report Domain: physio-muster.ch Submitter: mx.example.com Report-ID: <mxex-20260815>",
        ),
        ("Date", "Sat, 15 Aug 2026 23:00:10 +0000"),
        ("Message-ID", "<mxex-20260815@mx.example.com>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
    ]
    return message(pairs, body)


def ordinary_eml() -> bytes:
    """An invoice mail that landed in the rua mailbox: an attachment, but no report."""
    boundary = "inv-2026-0815"
    pdf = b"%PDF-1.4\n% dmarcwatch sample: not a real PDF document\n%%EOF\n"
    body = multipart(
        boundary,
        [
            part(
                [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Transfer-Encoding", "8bit"),
                ],
                "Guten Tag\n\nIm Anhang finden Sie die Rechnung für das Hosting im August.\n\n"
                "Freundliche Grüsse\nIhr Hosting-Team\n",
            ),
            attachment("application/pdf", "Rechnung-2026-08.pdf", pdf),
        ],
    )
    pairs = [
        received(
            "smtp.hosting.example",
            "192.0.2.60",
            "Invoice8",
            "Sat, 15 Aug 2026 08:00:05 +0200 (CEST)",
        ),
        ("From", "Hosting Beispiel <billing@hosting.example>"),
        ("To", "dmarc@physio-muster.ch"),
        ("Subject", "Ihre Rechnung August 2026"),
        ("Date", "Sat, 15 Aug 2026 06:00:00 +0000"),
        ("Message-ID", "<invoice-2026-08-0815@hosting.example>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/mixed; boundary="{boundary}"'),
    ]
    return message(pairs, body)


# --- other derived files --------------------------------------------------------------------


def with_bom_and_whitespace(data: bytes) -> bytes:
    """A UTF-8 byte-order mark and blank lines before the XML declaration."""
    return b"\xef\xbb\xbf\r\n\n   " + data


def as_utf16(data: bytes) -> bytes:
    """The XML re-encoded as UTF-16 with a byte-order mark (Python writes little-endian)."""
    return data.decode("utf-8").encode("utf-16")


def truncated_gzip() -> bytes:
    """The first half of a gzip file, as a broken download or a cut attachment leaves it."""
    whole = gz(src("truncated.xml"))
    return whole[: len(whole) // 2]


def bad_crc_gzip() -> bytes:
    """A complete gzip file whose CRC-32 trailer does not match the data."""
    whole = bytearray(gz(src("truncated.xml").replace(b"0f4be1c2", b"1a5cf2d3")))
    whole[-8] ^= 0xFF
    return bytes(whole)


def oversized_gzip() -> bytes:
    """A valid report padded with 128 MiB of blanks: small on disk, over the size limit."""
    head, tail = src("oversized.xml").split(b"<!-- PADDING -->")
    return gz(head + b" " * PADDING_BYTES + tail)


# --- the list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One file in reports/ or broken/ with what it should contain."""

    path: str
    exercises: str
    records: int = 0
    messages: int = 0
    reports: int = 1
    reject_class: str | None = None
    build: Callable[[], bytes] | None = None

    @property
    def kind(self) -> str:
        return "broken" if self.reject_class else "report"

    @property
    def container(self) -> str:
        return container_of(self.path)


def container_of(path: str) -> str:
    """Short container name from the file name (for the table only; sniffing is by content)."""
    for suffix, name in (
        (".xml.gz", "gzip"),
        (".json.gz", "gzip"),
        (".zip", "zip"),
        (".eml", "eml"),
        (".xml", "xml"),
    ):
        if path.endswith(suffix):
            return name
    return "other"


R = "reports/"
B = "broken/"
SAMPLES: list[Sample] = [
    Sample(
        R + "google.com!email.physio-muster.ch!1786320000!1786406399.zip",
        "Google as zip: no `<version>`, numeric report id, end = 23:59:59, no envelope_from, "
        "SPF without scope, DKIM `<result>` before `<selector>`; SendGrid authenticated "
        "(s1 + sendgrid.info), Gmail forward (DKIM survives, SPF softfail), IPv6 and IPv4 "
        "spoofers quarantined",
        records=5,
        messages=65,
        build=lambda: zipped(
            "google.com!email.physio-muster.ch!1786320000!1786406399.xml", src("google-zip.xml")
        ),
    ),
    Sample(
        R + "google.com!physio-muster.ch!1786406400!1786492799.xml.gz",
        "Google as gzip, p=reject on the main domain: Microsoft 365 signing only with "
        "d=physiomuster.onmicrosoft.com (unaligned, DMARC passes on SPF alone), a forwarded "
        "copy failing both with reason local_policy 'arc=pass', spoofer rejected",
        records=4,
        messages=19,
        build=lambda: gz(src("google-gzip.xml")),
    ),
    Sample(
        R + "protection.outlook.com!email.praxis-beispiel.ch!1786320000!1786406400.xml.gz",
        "Outlook.com: no namespace but xmlns:xsd/xsi attributes, `<version>1.0</version>`, "
        "end = next midnight, `<envelope_to>`, `<fo>`; SendGrid NOT authenticated "
        "(d=sendgrid.net smtpapi, envelope sendgrid.net: raw pass, aligned fail), spoofer",
        records=4,
        messages=25,
        build=lambda: gz(src("microsoft-outlook.xml")),
    ),
    Sample(
        R + "yahoo.com!email.praxis-beispiel.ch!1786320000!1786406399.xml.gz",
        "Yahoo gzip, report id '`<begin>.<n>`', no sp/fo; unauthenticated SendGrid and an "
        "IPv6 spoofer",
        records=2,
        messages=3,
        build=lambda: gz(src("yahoo.xml")),
    ),
    Sample(
        R + "mimecast.org!email.praxis-beispiel.ch!1786406400!1786492799.eml",
        "Mimecast e-mail: gzip attachment (application/gzip), Subject 'Submitter: "
        "mimecast.org Report-ID: ' with an empty id; unauthenticated SendGrid to a hospital",
        records=1,
        messages=4,
        build=mimecast_eml,
    ),
    Sample(
        R + "web.de!email.physio-muster.ch!1786406400!1786492799.eml",
        "web.de e-mail: attachment as application/x-gzip, no text part, MIME preamble; "
        "SendGrid authenticated plus a forwarded copy with reason 'forwarded'",
        records=2,
        messages=7,
        build=webde_eml,
    ),
    Sample(
        R + "gmx.net!email.physio-muster.ch!1786492800!1786579199.xml",
        "GMX as plain XML; authenticated SendGrid and a quarantined spoofer",
        records=2,
        messages=11,
    ),
    Sample(
        R + "bluewin.ch!email.physio-muster.ch!1786320000!1786406399.xml.gz",
        "Swisscom/bluewin gzip (reporter address and id format invented: not confirmed); two "
        "SendGrid IPs and a forward that broke DKIM, overridden with reason 'forwarded'",
        records=3,
        messages=45,
        build=lambda: gz(src("swisscom.xml")),
    ),
    Sample(
        R + "example.net!physio-muster.ch!1786579200!1786665599!b7d2e4f81c.xml",
        "RFC 9990: xmlns dmarc-2.0, metadata out of order (xs:all), generator, lang "
        "attributes, np, testing=y, discovery_method, no pct, file-level `<extension>` and "
        "record-level extension elements, disposition 'pass', reason policy_test_mode, "
        "human_result on DKIM and SPF, empty envelope_from (null reverse-path), empty "
        "auth_results",
        records=4,
        messages=18,
    ),
    Sample(
        R + "draft.example.org!email.physio-muster.ch!1786665600!1786751999.xml",
        "Pre-RFC draft: xmlns dmarc.org/dmarc-xml/0.1, no `<version>`, no `<scope>`, no "
        "`<envelope_from>`, no `<fo>`, DKIM without selector and with empty human_result",
        records=2,
        messages=6,
    ),
    Sample(
        R + "forwarded-google-report.eml",
        "Report forwarded by a person: Outlook 'WG:' mail with a message/rfc822 attachment "
        "holding Google's original single-part mail (the zip is the whole body, folded "
        "Subject 'Report domain:'); CRLF line ends",
        records=3,
        messages=63,
        build=forwarded_eml,
    ),
    Sample(
        R + "xml-body.eml",
        "The XML is the text/xml body of the mail (no attachment); OpenDMARC-style id "
        "'host:begin', SPF scope helo",
        records=2,
        messages=3,
        build=xml_body_eml,
    ),
    Sample(
        R + "two-reports.eml",
        "One mail with TWO gzip reports (email.physio-muster.ch and physio-muster.ch) and a "
        "text part",
        reports=2,
        records=3,
        messages=14,
        build=two_reports_eml,
    ),
    Sample(
        R + "enterprise.protection.outlook.com!physio-muster.ch!1786492800!1786579200.eml",
        "Microsoft enterprise receiver: RFC 2047 base64 Subject over two lines, CRLF line "
        "ends, `<envelope_to>` of a hospital; M365 with aligned selector1 plus the "
        "onmicrosoft.com co-signature",
        records=2,
        messages=8,
        build=microsoft_enterprise_eml,
    ),
    Sample(
        R + "quirk-bom-leading-whitespace.xml",
        "UTF-8 byte-order mark and blank lines before '<?xml' (not well-formed until stripped)",
        records=1,
        messages=4,
        build=lambda: with_bom_and_whitespace(src("quirk-bom-leading-whitespace.xml")),
    ),
    Sample(
        R + "quirk-utf16-bom.xml",
        'UTF-16 (little-endian, with BOM and encoding="UTF-16"), non-ASCII org_name '
        "'Mailbetrieb Zürich AG'",
        records=2,
        messages=7,
        build=lambda: as_utf16(src("quirk-utf16-bom.xml")),
    ),
    Sample(
        R + "quirk-xs-schema-wrapper.xml",
        "Report wrapped in a well-formed `<xs:schema>` element (root is not `<feedback>`)",
        records=1,
        messages=9,
    ),
    Sample(
        R + "quirk-xs-schema-unbound-prefix.xml",
        "Stray `<xs:schema>` and `</xs:schema>` tags WITHOUT an xmlns:xs declaration: "
        "'unbound prefix' for a namespace-aware parser until the tags are removed",
        records=2,
        messages=5,
    ),
    Sample(
        R + "quirk-mixed-case-enums.xml",
        "Mixed-case enumerations: None, Pass, Fail in policy_evaluated and auth_results",
        records=2,
        messages=7,
    ),
    Sample(
        R + "quirk-identities.xml",
        "`<identities>` instead of `<identifiers>`; no version, no selectors",
        records=1,
        messages=6,
    ),
    Sample(
        R + "quirk-whitespace-numbers.xml",
        "Blanks and newlines around numbers: `<count> 3 </count>`, begin/end, pct, version",
        records=2,
        messages=15,
    ),
    Sample(
        R + "quirk-empty-reason.xml",
        "An empty `<reason></reason>` and a `<reason>` with empty `<type>`/`<comment>`: "
        "no override reason should be stored",
        records=2,
        messages=11,
    ),
    Sample(
        R + "quirk-missing-optional.xml",
        "Only the required policy fields (no adkim/aspf/sp/pct/fo); a record without SPF "
        "result and one with an empty `<auth_results/>`",
        records=2,
        messages=9,
    ),
    Sample(
        R + "quirk-stray-text.xml",
        "Stray text between elements (`11` after `</sp>`, a phrase between records)",
        records=2,
        messages=3,
    ),
    Sample(
        B + "truncated.xml.gz",
        "gzip cut in half (no trailer)",
        reject_class="container",
        reports=0,
        build=truncated_gzip,
    ),
    Sample(
        B + "crc-mismatch.xml.gz",
        "complete gzip whose CRC-32 does not match",
        reject_class="container",
        reports=0,
        build=bad_crc_gzip,
    ),
    Sample(
        B + "oversized-padded.xml.gz",
        "~130 KB gzip that inflates to a valid report padded with 128 MiB of blanks: over "
        "the 100 MiB max_report_bytes limit (must stop while streaming)",
        reject_class="limit",
        reports=0,
        build=oversized_gzip,
    ),
    Sample(
        B + "not-well-formed.xml",
        "raw '&' in org_name: not well-formed XML",
        reject_class="malformed-xml",
        reports=0,
    ),
    Sample(
        B + "xxe-external-entity.xml",
        "DOCTYPE with an external entity (file:///etc/hostname) used in org_name",
        reject_class="unsafe-xml",
        reports=0,
    ),
    Sample(
        B + "not-dmarc.xml",
        "well-formed XML that is an RSS feed, not a DMARC report",
        reject_class="not-dmarc",
        reports=0,
    ),
    Sample(
        B + "invalid-report.xml",
        "`<feedback>` without `<date_range>` and with `<count>viele</count>`",
        reject_class="invalid-report",
        reports=0,
    ),
    Sample(B + "empty.xml", "zero bytes", reject_class="empty", reports=0),
    Sample(
        B + "ordinary-mail.eml",
        "an invoice mail with a PDF attachment: nothing report-like inside",
        reject_class="not-a-report",
        reports=0,
        build=ordinary_eml,
    ),
]


# --- independent counting (stdlib only, never dmarcwatch) -----------------------------------

XS_SCHEMA_TAG = re.compile(rb"</?xs:schema\b[^>]*>")


def xml_payloads(data: bytes) -> list[bytes]:
    """Every XML report inside *data*, unpacking gzip, zip and MIME by magic bytes."""
    if data[:2] == b"\x1f\x8b":
        return xml_payloads(gzip.decompress(data))
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [p for n in archive.namelist() for p in xml_payloads(archive.read(n))]
    if re.match(rb"[A-Za-z-]+: ", data):
        return mail_payloads(email.message_from_bytes(data, policy=email.policy.compat32))
    return [data]


def mail_payloads(msg: Message) -> list[bytes]:
    """Reports in a mail: attachments and text/xml bodies, following message/rfc822."""
    if msg.is_multipart():  # also true for message/rfc822: its payload is [inner message]
        subparts = msg.get_payload()
        assert isinstance(subparts, list)
        return [p for sub in subparts if isinstance(sub, Message) for p in mail_payloads(sub)]
    if msg.get_content_maintype() == "text" and msg.get_content_subtype() != "xml":
        return []
    body = msg.get_payload(decode=True)
    return xml_payloads(body) if isinstance(body, bytes) else []


def feedback_of(xml: bytes) -> ElementTree.Element:
    """The <feedback> element after the known repairs (BOM, blanks, UTF-16, xs:schema)."""
    if xml.startswith((b"\xff\xfe", b"\xfe\xff")):
        xml = xml.decode("utf-16").encode("utf-8")
        xml = re.sub(rb'encoding="UTF-16"', b'encoding="UTF-8"', xml)
    xml = XS_SCHEMA_TAG.sub(b"", xml.removeprefix(b"\xef\xbb\xbf").lstrip())
    root = ElementTree.fromstring(xml)  # noqa: S314 - our own trusted sample files
    if local(root.tag) == "feedback":
        return root
    return next(e for e in root.iter() if local(e.tag) == "feedback")


def local(tag: str) -> str:
    """Tag name without its {namespace}."""
    return tag.rpartition("}")[2]


def totals(data: bytes) -> tuple[int, int, int]:
    """(reports, records, messages) in one file."""
    reports = records = messages = 0
    for xml in xml_payloads(data):
        feedback = feedback_of(xml)
        reports += 1
        for record in (e for e in feedback if local(e.tag) == "record"):
            records += 1
            count = next(e for e in record.iter() if local(e.tag) == "count")
            messages += int((count.text or "").strip())
    return reports, records, messages


# --- main -----------------------------------------------------------------------------------


def build(out: Path) -> None:
    """Write every derived sample below *out*."""
    for sample in SAMPLES:
        if sample.build is not None:
            target = out / sample.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(sample.build())


def check(sample_root: Path, entries: list[dict[str, object]]) -> list[str]:
    """Compare declared totals with a fresh count; return one line per mismatch."""
    problems = []
    for entry in entries:
        if entry["kind"] != "report":
            continue
        found = totals((sample_root / str(entry["path"])).read_bytes())
        wanted = (entry["reports"], entry["records"], entry["messages"])
        if found != wanted:
            problems.append(f"{entry['path']}: declared {wanted}, counted {found}")
    return problems


def individual_entries() -> list[dict[str, object]]:
    """Manifest entries for reports/ and broken/."""
    return [
        {
            "path": s.path,
            "kind": s.kind,
            "container": s.container,
            "reports": s.reports,
            "records": s.records,
            "messages": s.messages,
            "reject_class": s.reject_class,
            "exercises": s.exercises,
        }
        for s in SAMPLES
    ]


def demo_entries() -> list[dict[str, object]]:
    """Manifest entries for the demo set, read from demo/MANIFEST.csv."""
    with (HERE / "demo" / "MANIFEST.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        {
            "path": "demo/" + row["path"],
            "kind": "report",
            "container": row["container"],
            "reports": int(row["reports"]),
            "records": int(row["records"]),
            "messages": int(row["messages"]),
            "reject_class": None,
            "exercises": f"demo: {row['practice']} / {row['receiver']} / {row['day']}",
        }
        for row in rows
    ]


def readme_table(entries: list[dict[str, object]]) -> str:
    """The Markdown file table for README.md (demo set summarised per practice)."""
    lines = [
        "| file | kind | container | reports | records | messages | reject class | exercises |",
        "| --- | --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for e in entries:
        if str(e["path"]).startswith("demo/"):
            continue
        name = str(e["path"]).replace("|", "\\|")
        lines.append(
            f"| `{name}` | {e['kind']} | {e['container']} | {e['reports']} | {e['records']} "
            f"| {e['messages']} | {e['reject_class'] or '–'} | {e['exercises']} |"
        )
    demo = [e for e in entries if str(e["path"]).startswith("demo/")]
    for folder in sorted({str(e["path"]).split("/")[1] for e in demo}):
        mine = [e for e in demo if str(e["path"]).split("/")[1] == folder]
        lines.append(
            f"| `demo/{folder}/` ({len(mine)} files) | report | mixed | "
            f"{sum(int(str(e['reports'])) for e in mine)} | "
            f"{sum(int(str(e['records'])) for e in mine)} | "
            f"{sum(int(str(e['messages'])) for e in mine)} | – | demo set, one row per file in "
            "`demo/MANIFEST.csv` |"
        )
    return "\n".join(lines)


def write_readme_table(table: str) -> None:
    """Replace the table between the BEGIN/END markers in README.md."""
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8")
    begin, end = "<!-- BEGIN FILE TABLE -->", "<!-- END FILE TABLE -->"
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    readme.write_text(f"{head}{begin}\n{table}\n{end}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write derived files here instead")
    args = parser.parse_args(argv)
    out = args.out or HERE
    build(out)
    if args.out is not None:
        return 0
    entries = individual_entries() + demo_entries()
    problems = check(HERE, entries)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    manifest = json.dumps(entries, indent=1, ensure_ascii=False) + "\n"
    (HERE / "manifest.json").write_text(manifest, encoding="utf-8")
    write_readme_table(readme_table(entries))
    print(f"{len(entries)} files checked; manifest.json and README table written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
