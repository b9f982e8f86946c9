"""Recognise containers by content and stream the report candidates inside one input.

RFC 7489 §7.2.1.1 and RFC 9990 send a report as gzip or plain XML; zip is common in the wild
(reference 3.2). Containers are recognised by their magic bytes, never by file name or media
type (reference 1.5). Every layer is bounded by :class:`~ingest.limits.Limits` while it streams:
decompressed size (``max_report_bytes``), zip member count (``max_zip_members``) and nesting
depth (``max_depth``), so a gzip or zip bomb costs a bounded amount of memory and time.

:func:`unpack` raises only problems of the input as a whole; a payload that turns out to be
damaged while it streams raises from its ``chunks()``, so one broken attachment or zip member
never hides the others.
"""

from __future__ import annotations

import bz2
import enum
import io
import itertools
import lzma
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Literal

from . import mime
from .errors import (
    ContainerError,
    LimitExceeded,
    NotAReport,
    RejectClass,
    RejectedInput,
    quote,
)
from .limits import DEFAULT_LIMITS, Limits

__all__ = ["CHUNK_SIZE", "Kind", "Payload", "sniff", "unpack"]

CHUNK_SIZE = 1 << 20
"""Largest decompressed chunk a payload yields (1 MiB)."""

_FEED_SIZE = 1 << 16  # compressed bytes handed to zlib at once: keeps unconsumed_tail copies small
_SNIFF_SIZE = 1 << 16  # bytes looked at to recognise content
_MAX_GZIP_HEADER = 1 << 20  # FEXTRA, FNAME and FCOMMENT together (RFC 1952 §2.3.1)

Stream = Callable[[], Iterator[bytes]]
ReportKind = Literal["aggregate", "tls", "failure"]


class Kind(enum.Enum):
    """What a byte string is, judged by its first bytes."""

    XML = "xml"
    GZIP = "gzip"
    ZIP = "zip"
    MESSAGE = "message"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Payload:
    """One report candidate: where it was found, and its decompressed bytes as a stream.

    ``chunks()`` may be called more than once; each call decodes afresh and raises
    :class:`LimitExceeded` or :class:`ContainerError` when the data turns out to be too large
    or damaged.
    """

    location: str
    chunks: Stream
    kind: ReportKind = "aggregate"
    """What the bytes hold: XML aggregate report, JSON TLS report (RFC 8460), or the whole
    message of a failure report (RFC 6591)."""


# --- sniffing --------------------------------------------------------------------------------

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")  # member, empty archive, spanned
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_BOMLESS = ("utf-8", "utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be")
_XML_SPACE = " \t\r\n"
_HEADER_LINE = re.compile(rb"From |[A-Za-z0-9][A-Za-z0-9!#$%&'*+.^_`|~-]*[ \t]*:")


def sniff(data: bytes) -> Kind:
    """Recognise gzip, zip, XML (any BOM, UTF-16/32 without BOM) or an RFC 5322 message."""
    if data.startswith(_GZIP_MAGIC):
        return Kind.GZIP
    if data.startswith(_ZIP_MAGICS):
        return Kind.ZIP
    if _is_xml(data[:_SNIFF_SIZE]):
        return Kind.XML
    if _HEADER_LINE.match(data):
        return Kind.MESSAGE
    return Kind.UNKNOWN


def _xml_text(head: bytes) -> str | None:
    """The decoded start of *head* if it is XML (first non-space character ``<``), else None."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return _starts_with_tag(head[len(bom) :], encoding)
    for encoding in _BOMLESS:
        text = _starts_with_tag(head, encoding)
        if text is not None:
            return text
    return None


def _is_xml(head: bytes) -> bool:
    """``_xml_text(head) is not None``, mostly decided on a short prefix.

    Every input is sniffed; decoding 64 KiB of a message five ways cost more than reading a
    small report. An ASCII letter first (a mail's first header field) is no BOM's first byte,
    and in none of the encodings starts a character that is white space or ``<``.
    """
    if head[:1].isalpha():
        return False
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return _tag_first(head[len(bom) :], encoding)
    return any(_tag_first(head, encoding) for encoding in _BOMLESS)


_PREFIX = 256  # a multiple of 4: UTF-16 and UTF-32 units are never cut


def _tag_first(data: bytes, encoding: str) -> bool:
    """Whether the first character after white space is ``<``.

    A prefix decodes to the same characters as the whole, except perhaps its last one (where
    the prefix cuts a multi-byte sequence), so two characters after the spaces decide.
    """
    prefix = data[:_PREFIX]
    text = prefix.decode(encoding, errors="replace").lstrip(_XML_SPACE)
    if len(text) >= 2 or len(prefix) == len(data):
        return text.startswith("<")
    return _starts_with_tag(data, encoding) is not None


def _starts_with_tag(data: bytes, encoding: str) -> str | None:
    text = data.decode(encoding, errors="replace").lstrip(_XML_SPACE)
    return text if text.startswith("<") else None


def _mentions_feedback(head: bytes) -> bool:
    """Whether XML text names the aggregate report's root element ``<feedback``."""
    text = _xml_text(head)
    return text is not None and "<feedback" in text.lower()


def _looks_like_tls_report(head: bytes) -> bool:
    """Whether *head* starts a JSON SMTP TLS report (RFC 8460 §4.4)."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff" + _XML_SPACE)
    return text.startswith("{") and ('"policies"' in text or '"organization-name"' in text)


def _first_bytes(head: bytes) -> str:
    return quote(head[:32].decode("utf-8", errors="replace"), limit=24)


# --- streams ---------------------------------------------------------------------------------


def _slices(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _bounded(chunks: Iterable[bytes], limit: int) -> Iterator[bytes]:
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise _too_large(limit)
        yield chunk


def _too_large(limit: int) -> LimitExceeded:
    return LimitExceeded(f"report is larger than {limit} bytes decompressed (max_report_bytes)")


def _peek(stream: Stream, size: int = _SNIFF_SIZE) -> bytes:
    """The first *size* bytes of a stream, decoding no more than needed."""
    parts: list[bytes] = []
    have = 0
    chunks = stream()
    try:
        for chunk in chunks:
            parts.append(chunk)
            have += len(chunk)
            if have >= size:
                break
    finally:
        _close(chunks)
    return b"".join(parts)[:size]


def _close(chunks: Iterator[bytes]) -> None:
    close = getattr(chunks, "close", None)
    if close is not None:
        close()


def _materialize(stream: Stream) -> bytes:
    return b"".join(stream())


# --- gzip (RFC 1952) -------------------------------------------------------------------------


class _GzipState(enum.Enum):
    HEADER = "header"
    BODY = "body"
    TRAILER = "trailer"
    NEXT = "next"
    DONE = "done"


class _Gunzip:
    """Decode gzip members one after another (RFC 1952 §2.2), output bounded per call.

    The header is read here rather than by zlib so that reserved flag bits do not stop a report
    (Mimecast files fail Python's :mod:`gzip`); CRC-32 and ISIZE are still checked. Bytes after
    the last member that do not start another member are ignored, as gzip(1) does.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._total = 0
        self._state = _GzipState.HEADER
        self._buf = b""
        self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        self._crc = 0
        self._size = 0

    @property
    def done(self) -> bool:
        return self._state is _GzipState.DONE

    def feed(self, data: bytes) -> Generator[bytes, None, None]:
        while data and self._state is not _GzipState.DONE:
            if self._state is _GzipState.BODY:
                data = yield from self._inflate_some(data)
            else:
                data = self._frame(data)

    def finish(self) -> None:
        """Check that the input did not end inside a member."""
        if self._state in (_GzipState.HEADER, _GzipState.BODY, _GzipState.TRAILER):
            raise ContainerError("truncated gzip")

    def _inflate_some(self, data: bytes) -> Generator[bytes, None, bytes]:
        while True:
            try:
                out = self._inflate.decompress(data, CHUNK_SIZE)
            except zlib.error as exc:
                raise ContainerError(f"damaged gzip data ({exc})") from None
            if out:
                self._count(out)
                yield out
            if self._inflate.eof:
                self._state = _GzipState.TRAILER
                return self._inflate.unused_data
            data = self._inflate.unconsumed_tail
            if not data and len(out) < CHUNK_SIZE:
                return b""

    def _count(self, out: bytes) -> None:
        self._total += len(out)
        if self._total > self._limit:
            raise _too_large(self._limit)
        self._crc = zlib.crc32(out, self._crc)
        self._size += len(out)

    def _frame(self, data: bytes) -> bytes:
        """Consume header, trailer or the gap between members; return the bytes left over."""
        buf = self._buf + data
        self._buf = b""
        if self._state is _GzipState.HEADER:
            return self._header(buf)
        if self._state is _GzipState.TRAILER:
            return self._trailer(buf)
        if len(buf) < 2:
            self._buf = buf
        elif buf.startswith(_GZIP_MAGIC):
            self._state = _GzipState.HEADER
            return buf
        else:
            self._state = _GzipState.DONE
        return b""

    def _header(self, buf: bytes) -> bytes:
        length = _gzip_header_length(buf)
        if length is None:
            if len(buf) > _MAX_GZIP_HEADER:
                raise ContainerError("damaged gzip: header too long")
            self._buf = buf
            return b""
        self._state = _GzipState.BODY
        self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        self._crc = 0
        self._size = 0
        return buf[length:]

    def _trailer(self, buf: bytes) -> bytes:
        if len(buf) < 8:
            self._buf = buf
            return b""
        crc, size = struct.unpack_from("<II", buf)
        if crc != self._crc:
            raise ContainerError("damaged gzip: CRC-32 mismatch")
        if size != self._size & 0xFFFFFFFF:
            raise ContainerError("damaged gzip: length mismatch")
        self._state = _GzipState.NEXT
        return buf[8:]


_FEXTRA, _FNAME, _FCOMMENT, _FHCRC = 4, 8, 16, 2


def _gzip_header_length(buf: bytes) -> int | None:
    """Length of the member header at the start of *buf* (RFC 1952 §2.3), None if incomplete."""
    if len(buf) < 10:
        return None
    if buf[2] != 8:
        raise ContainerError(f"damaged gzip: unknown compression method {buf[2]}")
    flags, pos = buf[3], 10
    if flags & _FEXTRA:
        if len(buf) < pos + 2:
            return None
        pos += 2 + int.from_bytes(buf[pos : pos + 2], "little")
    for flag in (_FNAME, _FCOMMENT):
        if flags & flag:
            end = buf.find(b"\0", pos)
            if end < 0:
                return None
            pos = end + 1
    if flags & _FHCRC:
        pos += 2
    return pos if len(buf) >= pos else None


def _gunzip(compressed: Iterator[bytes], limit: int) -> Iterator[bytes]:
    """Stream the decompressed content of a gzip stream, at most *limit* bytes."""
    decoder = _Gunzip(limit)
    for chunk in compressed:
        for piece in _slices(chunk, _FEED_SIZE):
            yield from decoder.feed(piece)
        if decoder.done:
            break
    decoder.finish()
    for _ in compressed:  # trailing bytes: still let an outer layer check its own integrity
        pass


# --- zip (PKWARE APPNOTE 4.3) ----------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CENTRAL_HEADER = b"PK\x01\x02"
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    LookupError,
    OverflowError,
    OSError,
    struct.error,
)


def check_zip_members(data: bytes, limit: int) -> None:
    """Refuse a zip with more than *limit* members before :mod:`zipfile` reads its directory.

    Reads the end-of-central-directory record (APPNOTE 4.3.16, Zip64 4.3.14) and then counts
    the central directory entries themselves, so an archive that understates its count is
    caught too. Costs at most ``limit + 1`` header reads.
    """
    eocd = data.rfind(_EOCD, max(0, len(data) - 22 - 0xFFFF))
    if eocd < 0 or len(data) < eocd + 22:
        raise ContainerError("damaged zip: no end of central directory record")
    declared, cd_size = struct.unpack_from("<HI", data, eocd + 10)
    end = eocd
    zip64 = _zip64_directory(data, eocd)
    if zip64 is not None:
        end, declared, cd_size = zip64
    if declared > limit:
        raise LimitExceeded(f"zip has {declared} members, more than {limit} (max_zip_members)")
    if _count_central_headers(data, max(0, end - cd_size), end, limit) > limit:
        raise LimitExceeded(f"zip has more than {limit} members (max_zip_members)")


def _zip64_directory(data: bytes, eocd: int) -> tuple[int, int, int] | None:
    """(position, member count, directory size) from a Zip64 end record, if there is one."""
    locator = eocd - 20
    if locator < 0 or data[locator : locator + 4] != _EOCD64_LOCATOR:
        return None
    (record,) = struct.unpack_from("<Q", data, locator + 8)
    if record + 56 > len(data) or data[record : record + 4] != _EOCD64:
        record = locator - 56  # archive with prepended bytes: the record sits just before
        if record < 0 or data[record : record + 4] != _EOCD64:
            return None
    declared, cd_size = struct.unpack_from("<QQ", data, record + 32)
    return record, declared, cd_size


def _count_central_headers(data: bytes, pos: int, end: int, limit: int) -> int:
    count = 0
    while pos + 46 <= end and data[pos : pos + 4] == _CENTRAL_HEADER and count <= limit:
        count += 1
        name, extra, comment = struct.unpack_from("<HHH", data, pos + 28)
        pos += 46 + name + extra + comment
    return count


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise ContainerError(f"damaged zip ({quote(str(exc))})") from None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """Stream one member, counting what comes out rather than trusting the declared size."""
    try:
        yield from _bounded(_member_chunks(archive, info), limit)
    except _ZIP_ERRORS as exc:
        raise ContainerError(f"damaged zip member ({quote(str(exc))})") from None


def _peek_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        return _peek(partial(_member_chunks, archive, info))
    except _ZIP_ERRORS as exc:
        raise ContainerError(f"damaged zip member ({quote(str(exc))})") from None


def _member_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's decompressed bytes, at most :data:`CHUNK_SIZE` at a time."""
    if info.compress_type in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        yield from _inflated(archive, info)
        return
    with archive.open(info) as member:  # stored or deflated: zipfile bounds each read
        yield from iter(partial(member.read, CHUNK_SIZE), b"")


def _inflated(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A bzip2 or LZMA member (APPNOTE 5.7, 5.8), inflated with an output bound per call.

    zipfile inflates these without one: 935 bytes of bzip2 became 1 GiB in one call.
    """
    raw = _raw_member(archive, info)
    if info.compress_type == zipfile.ZIP_BZIP2:
        decompressor: bz2.BZ2Decompressor | lzma.LZMADecompressor = bz2.BZ2Decompressor()
    else:  # version (2 bytes), size of the properties (2), the LZMA1 properties, the data
        (size,) = struct.unpack_from("<H", raw, 2)
        decode = getattr(lzma, "_decode_filter_properties")  # noqa: B009 - as zipfile does
        filters = [decode(lzma.FILTER_LZMA1, bytes(raw[4 : 4 + size]))]
        decompressor = lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=filters)
        raw = raw[4 + size :]
    crc = position = 0
    while not decompressor.eof:
        data: bytes | memoryview = b""
        if decompressor.needs_input:
            if position >= len(raw):
                raise EOFError("compressed data ended before the end-of-stream marker")
            data = raw[position : position + _FEED_SIZE]
            position += len(data)
        out = decompressor.decompress(data, CHUNK_SIZE)
        if out:
            crc = zlib.crc32(out, crc)
            yield out
    if crc != info.CRC:
        raise zipfile.BadZipFile(f"bad CRC-32 for file {info.filename!r}")


def _raw_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> memoryview:
    """The member's compressed bytes, after its local header (APPNOTE 4.3.7), not copied."""
    source = archive.fp
    if not isinstance(source, io.BytesIO):
        raise zipfile.BadZipFile("archive is not in memory")
    whole = source.getbuffer()
    start = info.header_offset
    if bytes(whole[start : start + 4]) != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    name, extra = struct.unpack_from("<HH", whole, start + 26)
    begin = start + 30 + name + extra
    return whole[begin : begin + info.compress_size]


def _member_steps(infos: list[zipfile.ZipInfo]) -> list[str]:
    """A distinct location step per member; a repeated name gets a number."""
    seen: dict[str, int] = {}
    steps = []
    for info in infos:
        seen[info.filename] = seen.get(info.filename, 0) + 1
        repeat = seen[info.filename]
        suffix = f" #{repeat}" if repeat > 1 else ""
        steps.append(f"zip member {quote(info.filename)}{suffix}")
    return steps


def check_no_overlap(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse members whose data overlap: a zip bomb that points many entries at one member.

    Each member's data takes at least its compressed size after its local header (APPNOTE
    4.3.6), so sorted by offset, no member may start before the previous one's data ends.
    """
    spans = sorted((info.header_offset, info.header_offset + info.compress_size) for info in infos)
    for (_, end), (start, _) in itertools.pairwise(spans):
        if start < end:
            raise ContainerError("damaged zip: members overlap (a zip bomb)")


# --- expansion -------------------------------------------------------------------------------

Steps = tuple[str, ...]


def _describe(steps: Steps) -> str:
    return " > ".join(steps) or "input"


def _failed(steps: Steps, error: RejectedInput) -> Payload:
    """A payload that raises *error* (a fresh copy on every call) instead of streaming."""
    kind, reason, reject_class = type(error), error.reason, error.reject_class

    def chunks() -> Iterator[bytes]:
        raise kind(reason, reject_class)

    return Payload(_describe(steps), chunks)


def _guarded(steps: Steps, find: Callable[[], Iterable[Payload]]) -> list[Payload]:
    """The payloads *find* returns, or one failing payload if finding them failed."""
    try:
        return list(find())
    except RejectedInput as exc:
        return [_failed(steps, exc)]


def _bounded_slices(data: bytes, limit: int) -> Iterator[bytes]:
    return _bounded(_slices(data, CHUNK_SIZE), limit)


def _gunzip_stream(source: Stream, limit: int) -> Iterator[bytes]:
    return _gunzip(iter(source()), limit)


def _unrecognised(head: bytes, steps: Steps) -> RejectedInput:
    """Unrecognised bytes: not a report at the top, but a broken one inside gzip or zip.

    A gzip or zip container is report-like in itself (reference 3.1): when it holds
    something else, the input is an invalid report, not ordinary mail.
    """
    if _looks_like_tls_report(head):
        return _tls_report()
    if steps:
        return ContainerError(
            f"{_describe(steps)} holds no XML report (first bytes {_first_bytes(head)})"
        )
    return NotAReport(
        f"not a report: unrecognised content (first bytes {_first_bytes(head)})",
        RejectClass.NOT_A_REPORT,
    )


def _tls_report() -> NotAReport:
    """A mail that says it is a TLS report (``report-type=tlsrpt``) but holds no JSON report."""
    reason = "TLS report mail (RFC 8460) without a TLS report in it"
    return NotAReport(reason, RejectClass.TLS_REPORT)


@dataclass(frozen=True, slots=True)
class _Content:
    """Bytes to open: what they are, their first bytes, a stream, and all of them if at hand."""

    kind: Kind
    head: bytes
    stream: Stream
    data: bytes | None = None


@dataclass(slots=True)
class _Budget:
    """What one input may open in all, nested containers included (a zip of zips is one input).

    Without it, limits per zip multiply with every layer: a 1 MB zip of zips could list a
    million members, or keep hundreds of decompressed inner zips in memory at once.
    """

    limits: Limits
    members: int = 0
    held: int = 0
    spent: str | None = None

    def take_members(self, count: int) -> None:
        self.members += count
        limit = self.limits.max_zip_members
        if self.members > limit:
            self._spend(
                f"zips in this input hold more than {limit} members in all (max_zip_members)"
            )

    def hold(self, size: int) -> None:
        """Count the bytes of a nested container kept in memory while the input is read."""
        self.held += size
        limit = self.limits.max_report_bytes
        if self.held > limit:
            self._spend(
                f"nested zips in this input hold more than {limit} bytes (max_report_bytes)"
            )

    def check(self) -> None:
        if self.spent is not None:
            raise LimitExceeded(self.spent)

    def _spend(self, reason: str) -> None:
        self.spent = reason
        raise LimitExceeded(reason)


@dataclass(frozen=True, slots=True)
class _Expander:
    """Opens nested containers; *depth* counts the containers around the current bytes."""

    limits: Limits
    budget: _Budget

    def from_bytes(self, data: bytes, steps: Steps, depth: int) -> Iterator[Payload]:
        bounded = partial(_bounded_slices, data, self.limits.max_report_bytes)
        content = _Content(sniff(data), data[:_SNIFF_SIZE], bounded, data)
        return self._expand(content, steps, depth)

    def from_stream(self, stream: Stream, steps: Steps, depth: int) -> Iterator[Payload]:
        """Payloads in decoded bytes; damage found while peeking is the payload's to raise."""
        try:
            head = _peek(stream)
        except RejectedInput as exc:
            return iter([_failed(steps, exc)])
        return self._expand(_Content(sniff(head), head, stream), steps, depth)

    def _expand(self, content: _Content, steps: Steps, depth: int) -> Iterator[Payload]:
        if content.kind is Kind.XML:
            yield Payload(_describe(steps), content.stream)
            return
        if content.kind is Kind.UNKNOWN and _looks_like_tls_report(content.head):
            yield Payload(_describe(steps), content.stream, "tls")
            return
        if content.kind not in (Kind.GZIP, Kind.ZIP):
            raise _unrecognised(content.head, steps)
        if depth >= self.limits.max_depth:
            limit = self.limits.max_depth
            raise LimitExceeded(f"containers nested more than {limit} deep (max_depth)")
        if content.kind is Kind.GZIP:
            yield from self.from_stream(self._gunzipped(content), (*steps, "gzip"), depth + 1)
        else:
            if content.data is None:
                data = _materialize(content.stream)
                self.budget.hold(len(data))
            else:
                data = content.data
            yield from self._zip(data, steps, depth + 1)

    def _gunzipped(self, content: _Content) -> Stream:
        if content.data is None:
            source = content.stream
        else:
            source = partial(_slices, content.data, CHUNK_SIZE)
        return partial(_gunzip_stream, source, self.limits.max_report_bytes)

    def _zip(self, data: bytes, steps: Steps, depth: int) -> list[Payload]:
        """Every report-like member (not only the first); other members are skipped."""
        check_zip_members(data, self.limits.max_zip_members)
        archive = _open_zip(data)
        check_no_overlap(archive.infolist())
        infos = [info for info in archive.infolist() if not info.filename.endswith("/")]
        self.budget.take_members(len(infos))
        found: list[Payload] = []
        for info, step in zip(infos, _member_steps(infos), strict=True):
            self.budget.check()  # spent in a nested zip: the whole input is refused
            member_steps = (*steps, step)
            find = partial(self._member, archive, info, member_steps, depth)
            found += _guarded(member_steps, find)
        self.budget.check()
        if not found:
            raise ContainerError("zip holds no XML member")
        return found

    def _member(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, steps: Steps, depth: int
    ) -> Iterator[Payload]:
        if info.flag_bits & 0x1:
            raise ContainerError("zip member is encrypted")
        head = _peek_member(archive, info)
        kind = sniff(head)
        if kind in (Kind.XML, Kind.GZIP, Kind.ZIP) or _looks_like_tls_report(head):
            stream = partial(_read_member, archive, info, self.limits.max_report_bytes)
            yield from self._expand(_Content(kind, head, stream), steps, depth)

    def leaf(self, leaf: mime.Leaf) -> tuple[list[Payload], bool]:
        """Payloads in one message part, and whether the part is a TLS report."""
        head = leaf.data[:_SNIFF_SIZE]
        kind = sniff(head)
        steps = (leaf.location,)
        if leaf.is_tls_report or (kind is Kind.UNKNOWN and _looks_like_tls_report(head)):
            return self._tls_leaf(leaf, steps), True
        if _is_report_like(kind, head, leaf):
            try:
                return list(self.from_bytes(leaf.data, steps, leaf.depth)), False
            except RejectedInput as exc:
                if exc.reject_class is RejectClass.TLS_REPORT:
                    return [], True
                return [_failed(steps, exc)], False
        if kind in (Kind.UNKNOWN, Kind.MESSAGE) and leaf.declared_report:
            reason = f"attachment is not gzip, zip or XML (first bytes {_first_bytes(head)})"
            return [_failed(steps, ContainerError(reason))], False
        return [], False

    def _tls_leaf(self, leaf: mime.Leaf, steps: Steps) -> list[Payload]:
        """A TLS report part (``application/tlsrpt+json`` or ``+gzip``, or JSON by content)."""
        try:
            return list(self.from_bytes(leaf.data, steps, leaf.depth))
        except RejectedInput as exc:
            return [_failed(steps, exc)]


def _is_report_like(kind: Kind, head: bytes, leaf: mime.Leaf) -> bool:
    """gzip, zip or XML; XML in a text/plain or text/html part must name ``<feedback``."""
    if kind is Kind.XML and leaf.is_text:
        return _mentions_feedback(head)
    return kind in (Kind.XML, Kind.GZIP, Kind.ZIP)


def _message_payloads(data: bytes, limits: Limits) -> list[Payload]:
    """Report payloads of an RFC 5322 message, or why it holds none (reference 3.1, 3.2)."""
    scan = mime.scan_message(data, limits)
    expander = _Expander(limits, _Budget(limits))
    found: list[Payload] = []
    tls = scan.tls_report
    for leaf in scan.leaves:
        payloads, is_tls = expander.leaf(leaf)
        found += payloads
        tls = tls or is_tls
    if found:
        return found
    if scan.feedback_part:  # an ARF report: the parser reads the whole message
        return [Payload("message", partial(iter, [data]), "failure")]
    if scan.failure_report:
        reason = "failure (ruf) report, not an aggregate report"
        raise NotAReport(reason, RejectClass.FAILURE_REPORT)
    if tls:
        raise _tls_report()
    if any(mime.subject_looks_like_rua(subject) for subject in scan.subjects):
        raise ContainerError("report mail without a readable report attachment")
    subject = scan.subjects[0] if scan.subjects else ""
    raise NotAReport(f"no report attachment (subject {quote(subject)})", RejectClass.NOT_A_REPORT)


def unpack(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Iterator[Payload]:
    """Every report candidate in one input: a file's content or one e-mail message.

    Raises :class:`RejectedInput` (class ``empty``), :class:`NotAReport`,
    :class:`LimitExceeded` or :class:`ContainerError` for the input as a whole, at call time.
    Problems inside one payload surface from that payload's ``chunks()``.
    """
    if not data or data.isspace():
        raise RejectedInput("empty input", RejectClass.EMPTY)
    if sniff(data) is Kind.MESSAGE:
        return iter(_message_payloads(data, limits))
    return iter(list(_Expander(limits, _Budget(limits)).from_bytes(data, (), 0)))
