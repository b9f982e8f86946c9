"""E-mail messages: report attachments and bodies, forwarded reports, and what is not a report."""

from __future__ import annotations

import base64
import gzip
import io
import time
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from dmarcwatch.ingest.errors import (
    ContainerError,
    LimitExceeded,
    NotAReport,
    RejectClass,
    RejectedInput,
)
from dmarcwatch.ingest.limits import DEFAULT_LIMITS, Limits
from dmarcwatch.ingest.mime import header_text, scan_message, subject_looks_like_rua
from dmarcwatch.ingest.unpack import unpack

REAL = Path("/work/shared/real-samples")
RUA_SUBJECT = "Report Domain: physio-muster.ch Submitter: google.com Report-ID: 1234567890"


def report(n: int = 1) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<feedback><report_metadata><org_name>r'
        + str(n).encode()
        + b"</org_name></report_metadata></feedback>\n"
    )


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def zipped(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def message(
    *attachments: tuple[bytes, str, str], subject: str = RUA_SUBJECT, text: str = "A report."
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "noreply-dmarc-support@google.com"
    msg["To"] = "dmarc@physio-muster.ch"
    msg["Subject"] = subject
    msg.set_content(text)
    for data, content_type, name in attachments:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def contents(data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[tuple[str, bytes]]:
    return [(p.location, b"".join(p.chunks())) for p in unpack(data, limits)]


def rejected(data: bytes, limits: Limits = DEFAULT_LIMITS) -> RejectedInput:
    with pytest.raises(RejectedInput) as caught:
        unpack(data, limits)
    return caught.value


# --- report attachments ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type", "name", "location"),
    [
        (gz(report()), "application/gzip", "r.xml.gz", "part 2 'r.xml.gz' > gzip"),
        (gz(report()), "application/x-gzip", "r.xml.gz", "part 2 'r.xml.gz' > gzip"),
        (
            zipped({"r.xml": report()}),
            "application/zip",
            "r.zip",
            "part 2 'r.zip' > zip member 'r.xml'",
        ),
        (gz(report()), "application/octet-stream", "r.bin", "part 2 'r.bin' > gzip"),
        (report(), "text/xml", "r.xml", "part 2 'r.xml'"),
        (report(), "application/xml", "r.xml", "part 2 'r.xml'"),
    ],
)
def test_report_attachment_is_found_by_content(
    data: bytes, content_type: str, name: str, location: str
) -> None:
    raw = message((data, content_type, name)).as_bytes()
    assert contents(raw) == [(location, report())]


def test_attachment_type_and_name_do_not_matter_only_content() -> None:
    raw = message((zipped({"r.xml": report()}), "image/png", "holiday.png")).as_bytes()
    assert contents(raw) == [("part 2 'holiday.png' > zip member 'r.xml'", report())]


def test_single_part_message_whose_body_is_the_zip_is_read() -> None:
    msg = EmailMessage()
    msg["Subject"] = RUA_SUBJECT
    name = "google.com!physio-muster.ch!1700000000!1700086399.zip"
    msg.set_content(zipped({"r.xml": report()}), "application", "zip", filename=name)
    assert contents(msg.as_bytes()) == [(f"message body '{name}' > zip member 'r.xml'", report())]


def test_report_as_a_plain_text_body_is_read() -> None:
    msg = EmailMessage()
    msg["Subject"] = RUA_SUBJECT
    msg.set_content(report().decode())
    [(location, data)] = contents(msg.as_bytes())
    assert location == "message body"
    assert data.strip() == report().strip()


def test_quoted_printable_xml_part_is_decoded() -> None:
    xml = report().replace(b"r1", "r\u00e9sum\u00e9".encode())
    msg = message()
    msg.add_attachment(xml, "text", "xml", filename="r.xml", cte="quoted-printable")
    assert b"=C3" in msg.as_bytes()
    assert contents(msg.as_bytes()) == [("part 2 'r.xml'", xml)]


def test_several_reports_in_one_message_are_several_payloads() -> None:
    raw = message(
        (gz(report(1)), "application/gzip", "one.xml.gz"),
        (zipped({"two.xml": report(2), "three.xml": report(3)}), "application/zip", "b.zip"),
    ).as_bytes()
    assert contents(raw) == [
        ("part 2 'one.xml.gz' > gzip", report(1)),
        ("part 3 'b.zip' > zip member 'two.xml'", report(2)),
        ("part 3 'b.zip' > zip member 'three.xml'", report(3)),
    ]


def test_forwarded_report_inside_message_rfc822_is_found() -> None:
    inner = message((gz(report()), "application/gzip", "r.xml.gz"))
    outer = message(subject="Fwd: our DMARC report", text="see attached")
    outer.add_attachment(inner)
    assert "message/rfc822" in outer.as_string()
    assert contents(outer.as_bytes()) == [("part 2.2 'r.xml.gz' > gzip", report())]


def test_forwarded_message_sent_base64_is_decoded_and_read() -> None:
    inner = message((report(), "text/xml", "r.xml")).as_bytes()
    raw = (
        b"Subject: Fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
        b"--XX\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(inner)
        + b"--XX--\r\n"
    )
    assert contents(raw) == [("part 1.2 'r.xml'", report())]


def test_one_broken_attachment_does_not_hide_the_good_one() -> None:
    raw = message(
        (gz(report(1))[:-12], "application/gzip", "broken.xml.gz"),
        (gz(report(2)), "application/gzip", "good.xml.gz"),
    ).as_bytes()
    broken, good = unpack(raw)
    assert broken.location == "part 2 'broken.xml.gz' > gzip"
    with pytest.raises(ContainerError, match="truncated gzip"):
        b"".join(broken.chunks())
    assert b"".join(good.chunks()) == report(2)


def test_attachment_named_as_a_report_but_holding_garbage_is_a_failing_payload() -> None:
    raw = message((b"\x00\x01not a zip at all", "application/zip", "r.zip")).as_bytes()
    [payload] = unpack(raw)
    assert payload.location == "part 2 'r.zip'"
    with pytest.raises(ContainerError, match="not gzip, zip or XML"):
        b"".join(payload.chunks())


def test_zip_attachment_without_xml_is_a_failing_payload() -> None:
    raw = message((zipped({"README": b"hi"}), "application/zip", "r.zip")).as_bytes()
    [payload] = unpack(raw)
    with pytest.raises(ContainerError, match="zip holds no XML member"):
        b"".join(payload.chunks())


def test_damaged_base64_is_decoded_as_far_as_it_goes() -> None:
    encoded = base64.b64encode(gz(report())).rstrip(b"=")
    spaced = b"\r\n".join(encoded[i : i + 50] + b"!*" for i in range(0, len(encoded), 50))
    raw = (
        b"Subject: x\r\nContent-Type: application/gzip; name=r.xml.gz\r\n"
        b"Content-Transfer-Encoding: BASE64 \r\n\r\n" + spaced + b"\r\n"
    )
    assert contents(raw) == [("message body 'r.xml.gz' > gzip", report())]


def test_broken_headers_and_unknown_charsets_do_not_stop_the_report() -> None:
    raw = (
        b"Subject: =?x-no-such-charset?q?Report_Domain=3A?= \xff\xfe raw bytes\r\n"
        b"From: \xc3\x28 <broken@\xff>\r\n"
        b"X-Empty:\r\n"
        b'Content-Type: multipart/mixed; boundary="B"; charset="bogus\r\n'
        b"\r\n--B\r\nContent-Type: text/plain; charset=no-such\r\n\r\nhello \xff\r\n"
        b"--B\r\nContent-Type: application/gzip; name*=x-bad''%FF%FE.gz\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(gz(report())) + b"--B--"
    )
    payloads = list(unpack(raw))
    assert [b"".join(p.chunks()) for p in payloads] == [report()]
    assert "\n" not in payloads[0].location


def test_multipart_without_its_closing_boundary_still_yields_the_report() -> None:
    raw = message((report(), "text/xml", "r.xml")).as_bytes()
    raw = raw[: raw.rindex(b"--")]
    assert [data for _, data in contents(raw)] == [report()]


# --- not aggregate reports -------------------------------------------------------------------


def test_ordinary_mail_is_not_a_report() -> None:
    msg = message(subject="Lunch on Friday?", text="Shall we?")
    msg.add_alternative("<html><body><p>Shall we?</p></body></html>", subtype="html")
    error = rejected(msg.as_bytes())
    assert isinstance(error, NotAReport)
    assert error.reject_class is RejectClass.NOT_A_REPORT
    assert error.reason.startswith("no report attachment")
    assert "'Lunch on Friday?'" in error.reason


def test_html_part_is_not_taken_for_xml() -> None:
    msg = EmailMessage()
    msg["Subject"] = "newsletter"
    msg.set_content("<html><body>Hello</body></html>", subtype="html")
    assert rejected(msg.as_bytes()).reject_class is RejectClass.NOT_A_REPORT


def test_rua_subject_without_a_readable_attachment_is_a_container_error() -> None:
    error = rejected(message(text="The report could not be attached.").as_bytes())
    assert isinstance(error, ContainerError)
    assert error.reason == "report mail without a readable report attachment"


FAILURE_REPORT = b"""\
From: dmarc-noreply@receiver.example
Subject: DMARC failure report for email.physio-muster.ch
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="outer"

--outer
Content-Type: text/plain

This is an authentication failure report.
--outer
Content-Type: message/feedback-report

Feedback-Type: auth-failure
Version: 1
Auth-Failure: dmarc
Reported-Domain: email.physio-muster.ch
--outer
Content-Type: message/rfc822

From: praxis@email.physio-muster.ch
Subject: Ihre Rechnung
Content-Type: multipart/mixed; boundary="inner"

--inner
Content-Type: text/plain

Anbei die Rechnung.
--inner
Content-Type: application/zip; name="rechnung.zip"
Content-Transfer-Encoding: base64

UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==
--inner--
--outer--
"""


def kinds(raw: bytes) -> list[tuple[str, bytes]]:
    return [(p.kind, b"".join(p.chunks())) for p in unpack(raw)]


def test_failure_report_is_one_failure_payload_of_the_whole_message() -> None:
    assert kinds(FAILURE_REPORT) == [("failure", FAILURE_REPORT)]


def test_failure_report_part_without_multipart_report_is_recognised() -> None:
    raw = FAILURE_REPORT.replace(
        b"multipart/report; report-type=feedback-report", b"multipart/mixed"
    )
    assert kinds(raw) == [("failure", raw)]


def test_failure_notice_without_a_feedback_report_part_is_not_a_report() -> None:
    start = FAILURE_REPORT.index(b"--outer\nContent-Type: message/feedback-report")
    end = FAILURE_REPORT.index(b"--outer\nContent-Type: message/rfc822")
    error = rejected(FAILURE_REPORT[:start] + FAILURE_REPORT[end:])
    assert isinstance(error, NotAReport)
    assert error.reject_class is RejectClass.FAILURE_REPORT


def tls_report_message(part_type: str, data: bytes) -> bytes:
    msg = EmailMessage()
    msg["Subject"] = "Report Domain: physio-muster.ch Submitter: google.com Report-ID: <x>"
    msg.set_content("This is an aggregate TLS report.")
    maintype, subtype = part_type.split("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename="r.json.gz")
    msg.replace_header("Content-Type", 'multipart/report; report-type="tlsrpt"')
    return msg.as_bytes()


TLS_JSON = b'{"organization-name": "Google Inc.", "policies": [{"summary": {}}]}'


@pytest.mark.parametrize(
    ("part_type", "data"),
    [
        ("application/tlsrpt+gzip", gz(TLS_JSON)),
        ("application/tlsrpt+json", TLS_JSON),
        ("application/octet-stream", gz(TLS_JSON)),
        ("application/json", TLS_JSON),
    ],
)
def test_tls_report_is_a_tls_payload_in_every_container(part_type: str, data: bytes) -> None:
    raw = tls_report_message(part_type, data)
    assert kinds(raw) == [("tls", TLS_JSON)]


def test_tls_json_attachment_in_an_ordinary_multipart_is_recognised_by_content() -> None:
    raw = message((TLS_JSON, "application/json", "report.json"), subject="tls").as_bytes()
    assert kinds(raw) == [("tls", TLS_JSON)]


def test_tls_report_part_that_is_not_json_is_an_invalid_payload() -> None:
    raw = tls_report_message("application/tlsrpt+gzip", b"not json at all")
    payloads = list(unpack(raw))
    assert len(payloads) == 1
    with pytest.raises(ContainerError):
        list(payloads[0].chunks())


def test_aggregate_report_wins_over_other_report_parts() -> None:
    raw = FAILURE_REPORT.replace(
        b"--outer--",
        b"--outer\nContent-Type: application/gzip\nContent-Transfer-Encoding: base64\n\n"
        + base64.encodebytes(gz(report()))
        + b"--outer--",
    )
    assert [data for _, data in contents(raw)] == [report()]


# --- limits ----------------------------------------------------------------------------------


def test_message_over_max_message_bytes_is_refused_before_parsing() -> None:
    raw = message((gz(report()), "application/gzip", "r.xml.gz")).as_bytes()
    error = rejected(raw, Limits(max_message_bytes=len(raw) - 1))
    assert isinstance(error, LimitExceeded)
    assert "max_message_bytes" in error.reason


def test_message_with_1000_parts_is_read_whole() -> None:
    msg = message()
    for n in range(999):
        msg.add_attachment(report(n), "text", "xml", filename=f"{n}.xml")
    started = time.perf_counter()
    found = contents(msg.as_bytes())
    assert time.perf_counter() - started < 10
    assert len(found) == 999
    assert found[-1] == ("part 1000 '998.xml'", report(998))


def test_message_over_max_mime_parts_is_refused_while_parsing() -> None:
    msg = message(*((report(n), "text/xml", f"{n}.xml") for n in range(30)))
    error = rejected(msg.as_bytes(), Limits(max_mime_parts=20))
    assert isinstance(error, LimitExceeded)
    assert "more than 20 MIME parts" in error.reason


def test_message_over_max_message_lines_is_refused_before_parsing() -> None:
    attached = message((gz(report()), "application/gzip", "r.xml.gz")).as_bytes()
    lines = attached.count(b"\n") + 1
    assert len(contents(attached, Limits(max_message_lines=lines))) == 1
    crlf = attached.replace(b"\n", b"\r\n")  # a CRLF ends one line, not two
    assert len(contents(crlf, Limits(max_message_lines=lines))) == 1
    error = rejected(attached, Limits(max_message_lines=lines - 1))
    assert isinstance(error, LimitExceeded)
    assert f"more than {lines - 1} lines (max_message_lines)" in error.reason


def test_forwarded_messages_sent_base64_share_the_line_budget() -> None:
    inner = message((report(), "text/xml", "r.xml")).as_bytes()
    raw = (
        b"Subject: Fwd\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n"
        b"--XX\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
        + base64.encodebytes(inner)
        + b"--XX--\n"
    )
    outer, decoded = raw.count(b"\n") + 1, inner.count(b"\n") + 1
    assert len(contents(raw, Limits(max_message_lines=outer + decoded))) == 1
    error = rejected(raw, Limits(max_message_lines=outer + decoded - 1))  # more than the outer
    assert "max_message_lines" in error.reason


def test_forwarding_deeper_than_max_depth_is_refused() -> None:
    msg = message((gz(report()), "application/gzip", "r.xml.gz"))
    for _ in range(4):
        outer = message(subject="Fwd")
        outer.add_attachment(msg)
        msg = outer
    raw = msg.as_bytes()
    assert len(contents(raw, Limits(max_depth=6))) == 1  # five messages and a gzip
    [payload] = unpack(raw, Limits(max_depth=5))
    with pytest.raises(LimitExceeded, match="containers nested more than 5 deep"):
        b"".join(payload.chunks())
    error = rejected(raw, Limits(max_depth=4))
    assert isinstance(error, LimitExceeded)
    assert "forwarded messages nested more than 4 deep" in error.reason


def test_multipart_nested_thousands_deep_is_refused_without_a_crash() -> None:
    depth = 1500
    head = b"".join(
        b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (n, n + 1)
        for n in range(depth)
    )
    raw = b"Subject: x\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n" + head + report()
    error = rejected(raw)
    assert isinstance(error, ContainerError)
    assert error.reason == "MIME structure nested too deeply"


# --- scan_message ----------------------------------------------------------------------------


def test_scan_numbers_parts_like_imap_and_decodes_file_names() -> None:
    inner = message((b"x", "application/octet-stream", "a.bin"), subject="inner subject")
    msg = message(subject="=?utf-8?q?Gr=C3=BCezi?= outer")
    msg.add_attachment(inner)
    msg.add_attachment(b"y", "application", "octet-stream", filename="Bericht \u00e4.gz")
    scan = scan_message(msg.as_bytes(), DEFAULT_LIMITS)
    assert [(leaf.location, leaf.depth) for leaf in scan.leaves] == [
        ("part 1", 1),
        ("part 2.1", 2),
        ("part 2.2 'a.bin'", 2),
        ("part 3 'Bericht \u00e4.gz'", 1),
    ]
    assert scan.subjects == ("Gr\u00fcezi outer", "inner subject")
    assert scan.leaves[2].data == b"x"
    assert not scan.failure_report
    assert not scan.tls_report


def test_scan_flags_failure_reports() -> None:
    assert scan_message(FAILURE_REPORT, DEFAULT_LIMITS).failure_report


# --- subjects --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "subject",
    [
        RUA_SUBJECT,
        "Report domain: physio-muster.ch Submitter: google.com Report-ID: 1234",
        "Report Domain: physio-muster.ch Submitter: protection.outlook.com",
        "Report Domain: physio-muster.ch; Submitter: Mail.Ru; Report-ID: 12",
        "Dmarc Aggregate Report Domain: {physio-muster.ch} Submitter: {Amazon SES} Report-ID: {x}",
        "[Preview] Report Domain: physio-muster.ch Submitter: comcast.net Report-ID: <a@b>",
        "Fwd: Report Domain: physio-muster.ch Submitter: yahoo.com Report-ID: <1.2>",
        "Report Domain: physio-muster.ch\r\n Submitter: mimecast.org Report-ID: ",
        "=?utf-8?q?Report_Domain=3A_physio-muster=2Ech_Submitter=3A_outlook=2Ecom?=",
        "REPORT DOMAIN: PHYSIO-MUSTER.CH SUBMITTER: WEB.DE",
    ],
)
def test_rua_subjects_are_recognised(subject: str) -> None:
    assert subject_looks_like_rua(subject)


@pytest.mark.parametrize(
    "subject",
    [
        "",
        "Lunch on Friday?",
        "Report: domain renewal",
        "Your domain report is ready",
        "Report Domain: physio-muster.ch",
        "Submitter: google.com",
        "DMARC failure report for physio-muster.ch",
    ],
)
def test_other_subjects_are_not_taken_for_rua(subject: str) -> None:
    assert not subject_looks_like_rua(subject)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("plain  text\r\n\tfolded", "plain text folded"),
        ("=?iso-8859-1?q?Gr=FCezi?= mitenand", "Gr\u00fcezi mitenand"),
        ("=?x-unknown?q?abc?=", "abc"),
        ("=?utf-8?b?!!!notbase64?=", "=?utf-8?b?!!!notbase64?="),
        ("raw \udcff\udcfe bytes", "raw \ufffd\ufffd bytes"),
    ],
)
def test_header_text_decodes_what_it_can_and_never_raises(value: str | None, text: str) -> None:
    assert header_text(value) == text


# --- real samples ----------------------------------------------------------------------------


@pytest.mark.skipif(not REAL.is_dir(), reason="no /work/shared/real-samples")
def test_real_google_report_mail_yields_its_zipped_report() -> None:
    [(location, data)] = contents((REAL / "twilight.eml").read_bytes())
    assert location == (
        "part 1 'google.com!twlnet.com!1549756800!1549843199.zip'"
        " > zip member 'google.com!twlnet.com!1549756800!1549843199.xml'"
    )
    assert b"<feedback>" in data
