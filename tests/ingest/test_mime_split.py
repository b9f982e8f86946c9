"""Splitting a flat multipart message ourselves reads it exactly as :mod:`email` does.

:func:`ingest.mime._parse_flat` splits a multipart whose parts are leaves without :mod:`email`'s
per-boundary regular expression. Every message here is scanned twice, once that way and once
by :mod:`email` alone, and the two scans must be equal: the same leaves (location, type, file
name, decoded bytes), subjects and report kinds, or the same refusal.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dmarcwatch.ingest import mime
from dmarcwatch.ingest.errors import RejectedInput
from dmarcwatch.ingest.limits import DEFAULT_LIMITS, Limits
from tests.poll import mails

REPO = Path(__file__).resolve().parents[2]


def _scans(data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[object, object]:
    """The scan with the split, and the scan by :mod:`email` alone (or the refusals)."""
    return _scan(data, limits), _scan_whole(data, limits)


def _scan(data: bytes, limits: Limits) -> object:
    try:
        return mime.scan_message(data, limits)
    except RejectedInput as error:
        return type(error), error.reason


def _scan_whole(data: bytes, limits: Limits) -> object:
    real = mime._parse_flat
    mime._parse_flat = lambda text, budget: None  # type: ignore[assignment]
    try:
        return _scan(data, limits)
    finally:
        mime._parse_flat = real  # type: ignore[assignment]


def _split_used(data: bytes) -> bool:
    budget = mime._PartBudget(DEFAULT_LIMITS.max_mime_parts, DEFAULT_LIMITS.max_message_lines)
    text = data.decode("ascii", errors="surrogateescape")
    return mime._parse_flat(text, budget) is not None


def _files() -> Iterator[Path]:
    for folder in (REPO / "samples", REPO / "tests"):
        yield from sorted(folder.rglob("*.eml"))


def _generated_mails() -> Iterator[bytes]:
    for n, container in enumerate(mails.CONTAINERS):
        yield mails.report_mail(f"split{n}", container)
    for n, kind in enumerate(mails.OTHER_KINDS):
        yield mails.other_mail(kind, n)
    for kind in mails.BROKEN_KINDS:
        yield mails.broken_mail(kind, f"split-{kind}")
    yield mails.quick_report_mail("split-quick")


@pytest.mark.parametrize("path", list(_files()), ids=lambda path: path.name)
def test_every_sample_mail_is_scanned_as_email_scans_it(path: Path) -> None:
    data = path.read_bytes()
    split, whole = _scans(data)
    assert split == whole
    crlf = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    assert _scan(crlf, DEFAULT_LIMITS) == _scan_whole(crlf, DEFAULT_LIMITS)


def test_every_generated_mail_is_scanned_as_email_scans_it() -> None:
    generated = list(_generated_mails())
    for data in generated:
        split, whole = _scans(data)
        assert split == whole
    assert sum(_split_used(data) for data in generated) >= len(mails.CONTAINERS)


def test_a_report_mail_is_split_without_email_and_nested_ones_are_left_to_it() -> None:
    assert _split_used(mails.report_mail("flat", "gzip"))
    forwarded = (
        b"Content-Type: multipart/mixed; boundary=outer\n\n--outer\n"
        b"Content-Type: message/rfc822\n\nSubject: inner\n\nbody\n--outer--\n"
    )
    assert not _split_used(forwarded)
    nested = (
        b"Content-Type: multipart/mixed; boundary=outer\n\n--outer\n"
        b"Content-Type: multipart/alternative; boundary=inner\n\n--inner\n\nx\n--inner--\n"
        b"--outer--\n"
    )
    assert not _split_used(nested)
    assert _scans(forwarded)[0] == _scans(forwarded)[1]
    assert _scans(nested)[0] == _scans(nested)[1]


def test_the_part_limit_counts_the_same_either_way() -> None:
    parts = b"".join(b"--b\nContent-Type: text/xml\n\n<x/>\n" for _ in range(30))
    data = b"Content-Type: multipart/mixed; boundary=b\n\n" + parts + b"--b--\n"
    for limit in (29, 30, 31, 32):
        split, whole = _scans(data, Limits(max_mime_parts=limit))
        assert split == whole, limit


# Messages built from the awkward pieces a boundary can meet: line ends of every kind, white
# space and dashes after it, its text inside a part or a longer word, preambles, epilogues,
# missing close boundaries, adjacent boundaries and parts without headers.

_BOUNDARY = st.text(string.ascii_letters + string.digits + "'()+_,-./:=? ", min_size=1, max_size=12)
_END = st.sampled_from(["\n", "\r\n", "\r"])
_PART_BODY = st.lists(
    st.sampled_from(["PHg+PC94Pg==", "<x/>", "plain", "f\u00fcr", "", "--", " ", "\t", "-"]),
    max_size=4,
)


@st.composite
def _multipart(draw: st.DrawFn) -> bytes:
    boundary = draw(_BOUNDARY).strip() or "b"
    end = draw(_END)
    quoted = '"' + boundary + '"'
    head = f"Subject: {draw(st.sampled_from(['x', 'Report Domain: a Submitter: b']))}{end}"
    head += f"Content-Type: multipart/{draw(st.sampled_from(['mixed', 'report']))};"
    head += f" boundary={quoted}{end}{end}"
    lines = [draw(st.sampled_from(["", "preamble", f"--{boundary}x", f"x--{boundary}"]))]
    for _ in range(draw(st.integers(0, 4))):
        lines.append(f"--{boundary}" + draw(st.sampled_from(["", "", "", " ", "\t ", "--x", "x"])))
        part_type = draw(st.sampled_from(["text/xml", "application/gzip", "text/plain", None]))
        if part_type is not None:
            lines.append(f"Content-Type: {part_type}; name=r.xml")
            if draw(st.booleans()):
                lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
        lines += draw(_PART_BODY)
        if draw(st.booleans()):
            lines.append(f"text --{boundary} inside")
    if draw(st.integers(0, 4)):  # mostly closed
        lines.append(f"--{boundary}--" + draw(st.sampled_from(["", "", "  ", "-", "x"])))
        lines += draw(st.lists(st.sampled_from(["epilogue", "", f"--{boundary}"]), max_size=2))
    body = end.join(lines) + draw(st.sampled_from(["", end]))
    return (head + body).encode(draw(st.sampled_from(["utf-8", "latin-1"])))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_multipart())
def test_any_flat_multipart_is_scanned_as_email_scans_it(data: bytes) -> None:
    split, whole = _scans(data)
    assert split == whole


# A part's header block read by us up to its blank line, the rest set as the payload: the
# same message as email's own full parse, for header blocks with every awkward line.

_HEADER_LINE = st.sampled_from(
    ["Content-Type: text/xml", "X-A: b", " folded", "\tfolded", "From someone", "From: a@b",
     ":no name", "no colon", "Bad Name: x", "", "X-\u00e9: y", "Subject: =?utf-8?q?x?="]
)  # fmt: skip


@st.composite
def _part(draw: st.DrawFn) -> str:
    lines = draw(st.lists(_HEADER_LINE, max_size=6))
    ends = draw(st.lists(_END, min_size=len(lines) + 3, max_size=len(lines) + 3))
    head = "".join(line + end for line, end in zip(lines, ends, strict=False))
    body = draw(st.sampled_from(["", "<x/>", "a\r\nb\rc\n", "\n\nx", "From x\n"]))
    return head + ends[-1] + body + draw(st.sampled_from(["", "\n", "\r\n", "\r"]))


def _message_as_read(message: object) -> object:
    assert isinstance(message, mime.Message)
    return (
        message.get_unixfrom(),
        message.items(),
        [type(d).__name__ for d in message.defects],
        message.get_payload(),
    )


@settings(max_examples=800, deadline=None)
@given(_part())
def test_a_part_is_read_as_email_reads_it(text: str) -> None:
    budget = mime._PartBudget(100, 10_000)
    ours = mime._parsed(text, budget)
    theirs = mime.Parser(policy=mime.compat32).parsestr(text)
    assert _message_as_read(ours) == _message_as_read(theirs)
    headers = mime._parsed(text, budget, headersonly=True)
    only = mime.Parser(policy=mime.compat32).parsestr(text, headersonly=True)
    assert _message_as_read(headers) == _message_as_read(only)


_PARAMETER_NAMES = st.sampled_from(
    ["report-type", "Report-Type", "REPORT-TYPE*", "report-type*0*", "report-typ", "boundary"]
)


@st.composite
def _content_type(draw: st.DrawFn) -> str:
    params = draw(
        st.lists(
            st.tuples(
                _PARAMETER_NAMES,
                st.sampled_from(['"feedback-report"', "tlsrpt", "us-ascii''tlsrpt", ""]),
            ),
            max_size=3,
        )
    )
    kind = draw(st.sampled_from(["multipart/report", "text/plain", "", "multipart/report;"]))
    return kind + "".join(f"; {name}={value}" for name, value in params)


@settings(max_examples=400, deadline=None)
@given(_content_type(), st.booleans())
def test_a_parameter_is_found_as_email_finds_it(content_type: str, present: bool) -> None:
    part = mime.Message()
    if present:
        part["Content-Type"] = content_type
    expected = part.get_param("report-type")
    found = mime.email.utils.collapse_rfc2231_value(expected).strip() if expected else ""
    assert mime._param(part, "report-type") == found
