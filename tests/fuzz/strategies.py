"""Hypothesis strategies for the fuzz tests and the long fuzz run: valid reports and mutations.

A mutated input starts from a valid report (several layouts: the fast path's plain records,
records the exact parser reads, RFC 9990 with a namespace, UTF-16) and is changed by a few
mutations drawn in sequence: byte flips, truncation, deletion, duplication of a slice,
insertion of markup that parsers find hard, and wrapping in a container (gzip, zip, an
e-mail message, a forwarded message).
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
from collections.abc import Callable

from hypothesis import strategies as st

from tests.ingest.reportxml import Report, Row
from tests.poll import mails


def _records(n: int, **kw: object) -> list[Row]:
    return [Row(ip=f"192.0.2.{i + 1}", count=str(i + 1), **kw) for i in range(n)]  # type: ignore[arg-type]


SEEDS: tuple[bytes, ...] = (
    Report(rows=_records(3)).bytes(),
    Report(rows=_records(2, extra="<!-- exact -->", reasons=[("forwarded", "list")])).bytes(),
    Report(
        root_attrs=' xmlns="urn:ietf:params:xml:ns:dmarc-2.0"',
        policy="<p>reject</p><np>none</np><testing>n</testing><discovery_method>psl"
        "</discovery_method>",
        rows=_records(2, envelope_to="example.org"),
    ).bytes(),
    Report(declaration='<?xml version="1.0" encoding="UTF-16"?>').xml().encode("utf-16"),
    mails.report_xml("seed-mail", records=3),
)

MARKUP: tuple[bytes, ...] = (
    b"<!DOCTYPE feedback>",
    b'<!DOCTYPE f [<!ENTITY a "b">]>',
    b"&a;",
    b"&#0;",
    b"&#x1b;",
    b"&amp;",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<?pi x?>",
    b"<record>",
    b"</record>",
    b"<row>",
    b"<count>",
    b"</count>",
    b"</feedback>",
    b"<feedback>",
    b"<x:schema>",
    b"<a b='",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"\r\n",
    b"\xef\xbf\xbe",
    b"9" * 30,
    b"-1",
    b"\x1f\x8b\x08\x00",
    b"PK\x03\x04",
    b"\n\nFrom x\n",
)


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=1, mtime=0)


def _zip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("r.xml", (2026, 1, 1, 0, 0, 0)), data)
        archive.writestr(zipfile.ZipInfo("other.txt", (2026, 1, 1, 0, 0, 0)), b"x")
    return buffer.getvalue()


def _mail(data: bytes) -> bytes:
    import base64

    body = base64.encodebytes(data).decode()
    return (
        "From: r@example.net\r\nSubject: Report domain: example.ch Submitter: example.net\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/plain\r\n\r\nReport.\r\n--b\r\n"
        'Content-Type: application/octet-stream; name="r.xml.gz"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{body}--b--\r\n"
    ).encode()


def _forwarded(data: bytes) -> bytes:
    return (
        b"From: praxis@example.ch\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="o"\r\n\r\n--o\r\n'
        b"Content-Type: message/rfc822\r\n\r\n" + _mail(data) + b"\r\n--o--\r\n"
    )


WRAPPERS: tuple[Callable[[bytes], bytes], ...] = (_gz, _zip, _mail, _forwarded)

# Names codecs.lookup() finds, text encodings and not (reference 1.5: receivers declare odd ones).
ENCODINGS = ("utf-8", "UTF8", "latin-1", "cp1252", "utf-16", "utf_16", "utf-32", "utf-7",
             "ascii", "cp037", "iso2022_jp", "rot13", "zlib_codec", "base64", "hex", "idna",
             "undefined", "punycode", "nonexistent")  # fmt: skip
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>")


def _redeclared(data: bytes, encoding: str) -> bytes:
    """*data* with its XML declaration (if any) replaced by one naming *encoding*."""
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>'.encode()
    return declaration + _DECLARATION.sub(b"", data, count=1)


@st.composite
def _mutation(draw: st.DrawFn, data: bytes) -> bytes:
    if not data:
        return draw(st.sampled_from(MARKUP))
    kind = draw(st.integers(0, 7))
    at = draw(st.integers(0, len(data)))
    if kind == 0:  # flip bits of one byte
        if at == len(data):
            at -= 1
        flipped = data[at] ^ draw(st.integers(1, 255))
        return data[:at] + bytes([flipped]) + data[at + 1 :]
    if kind == 1:  # truncate
        return data[:at]
    if kind == 2:  # delete a slice
        return data[:at] + data[at + draw(st.integers(1, 64)) :]
    if kind == 3:  # repeat a slice
        piece = data[at : at + draw(st.integers(1, 256))]
        return data[:at] + piece * draw(st.integers(2, 20)) + data[at:]
    if kind == 4:  # insert hard markup
        return data[:at] + draw(st.sampled_from(MARKUP)) + data[at:]
    if kind == 5:  # insert random bytes
        return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    if kind == 6:
        return draw(st.sampled_from(WRAPPERS))(data)
    return _redeclared(data, draw(st.sampled_from(ENCODINGS)))


@st.composite
def mutated_reports(draw: st.DrawFn, max_mutations: int = 4) -> bytes:
    """A valid report changed by up to *max_mutations* mutations (possibly still valid)."""
    data = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, max_mutations))):
        data = draw(_mutation(data))
    return data


@st.composite
def split(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """*data* cut into chunks at drawn places (streaming must not depend on where)."""
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=6)))
    bounds = [0, *cuts, len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def any_input() -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, arbitrary bytes behind a container's magic, or a mutated report."""
    magic = st.sampled_from([b"", b"<", b"<feedback>", b"\x1f\x8b\x08\x00", b"PK\x03\x04",
                             b"From: a\r\n\r\n", b"\xff\xfe<\x00"])  # fmt: skip
    raw = st.builds(lambda m, b: m + b, magic, st.binary(max_size=2048))
    return st.one_of(raw, mutated_reports())
