"""Parse DMARC aggregate reports: XML bytes in, frozen dataclasses out. Pure and streaming.

One parser reads the three formats in the wild (reference, section 1): the pre-RFC draft,
RFC 7489 Appendix C and RFC 9990. Elements are matched by local name, so any namespace or
prefix works, and the format is only a label (``schema``), never a branch in the logic.

What is fatal and what is a warning:

- fatal (:class:`ReportParseError` or a subclass): not well-formed XML; a DTD, entity
  declaration or external reference (:class:`UnsafeXML`, refused before anything is expanded);
  a root that is not ``feedback``; no policy domain; no or unreadable ``date_range``; a record
  whose ``count`` is not an integer from 0 to 2**32-1 (so that sums over a whole store stay
  within 64 bits); a limit from :class:`Limits` reached; more than 4 MiB without markup.
- a warning on the report, the value kept as well as it could be read: mixed-case words
  (``Pass``), unknown enumeration values, an invalid source IP, a missing org name or report
  id, a period that runs backwards or spans more than a week, invalid UTF-8 (replaced), stray
  text between elements, data after the end of the report.

Missing optional elements take the RFC defaults: ``adkim``/``aspf`` ``r``; ``sp`` = ``p``;
``np`` = ``sp`` if given else ``p``; ``pct`` 100 (none under RFC 9990, which removed it);
``fo`` ``0``; an SPF result without ``scope`` is ``mfrom`` (RFC 7489 App. C, RFC 9990).

Records stream: :func:`open_report` parses the header eagerly and then yields records as the
XML is read, so a report of 200,000 records never holds more than a slice of them.

Speed: one expat parser reads every report, but calling Python for each of a record's two
dozen elements would cost ten times expat's own work. So *plain* records (the common layout,
with nothing an XML parser is needed for; see :mod:`ingest.records`) are read in runs by
regular expressions and per-report templates, while expat parses their bytes with no
callbacks; everything else, records that are not plain included, goes through the element
callbacks below. Both ways apply the same rules (:class:`ingest.records.RecordReader`) and
give the same result, warnings and errors included; ``exact=True`` turns the fast path off.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import NoReturn
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from .errors import LimitExceeded, RejectClass, ReportParseError, UnsafeXML, quote
from .limits import DEFAULT_LIMITS, KEY_FIELD_BYTES, Limits
from .model import (
    AggregateReport,
    DkimAuthResult,
    PolicyOverrideReason,
    PolicyPublished,
    Record,
    ReportEnd,
    ReportHeader,
    ReportMetadata,
    Schema,
    SpfAuthResult,
)
from .records import MAX_COUNT, RecordReader, domain
from .xmltext import Utf8Stream

__all__ = ["ReportStream", "open_report", "parse_report"]

NS_RFC9990 = "urn:ietf:params:xml:ns:dmarc-2.0"
NS_DRAFT = "http://dmarc.org/dmarc-xml/0.1"

_FEED = 256 * 1024
_NO_ELEMENTS = expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]
_MAX_TEXT = 1024 * 1024
# expat buffers an unfinished token (a tag with its attributes, a comment) and scans it again
# on every feed: a 50 MB token costs quadratic time and hundreds of MB. No real report has a
# token, or text, anywhere near this long.
_MAX_TOKEN = 4 * 1024 * 1024
_SLICE = 1024 * 1024
_FIRST_SLICE = 16 * 1024
_WEEK = 7 * 86400
# Whether expat parses the bytes of plain records too (with no callbacks), checking again what
# the grammar of ingest.records has checked, or a stand-in of white space (twice as fast). A
# run matches that grammar only if it is well-formed XML by construction, so expat gets the
# stand-in by default. Both ways are tested against the exact parser, down to the position
# of an error (tests/ingest/test_parse_fast.py, on every sample and on generated reports).
EXPAT_READS_PLAIN_RECORDS = False
# Characters XML forbids that valid UTF-8 can hold and a plain record's text would let through.
_FORBIDDEN_CHARS = re.compile(b"\xef\xbf[\xbe\xbf]")
_SCHEMA_TAG = re.compile(rb"</?[A-Za-z_][A-Za-z0-9_.-]*:schema\b[^<>]*>")

_POLICIES = frozenset({"none", "quarantine", "reject"})

# The element tree we read. A node is (children, kind, key): ``children`` maps a child's
# local name to its node (None for a leaf), ``kind`` says what closing the element means, and
# ``key`` names the leaf's field or, for a container, the dict its leaves are written to.
# Anything not in the tree is skipped with its whole subtree: extensions (RFC 9990 says ignore
# them) and oddities.
_Node = tuple[dict[str, "_Node"] | None, int, str]

(K_LEAF, K_PLAIN, K_META, K_POLICY, K_RECORD, K_ROW, K_AUTH_DKIM, K_AUTH_SPF, K_REASON) = range(9)
K_TRANSPARENT, K_ERROR = 9, 10


def _leaves(*names: str) -> dict[str, _Node]:
    return {name: (None, K_LEAF, name) for name in names}


_AUTH_DKIM: _Node = (_leaves("domain", "selector", "result", "human_result"), K_AUTH_DKIM, "_auth")
_AUTH_SPF: _Node = (_leaves("domain", "scope", "result", "human_result"), K_AUTH_SPF, "_auth")
_REASON: _Node = (_leaves("type", "comment"), K_REASON, "_auth")
_EVALUATED: _Node = (_leaves("disposition", "dkim", "spf") | {"reason": _REASON}, K_PLAIN, "_row")
_IDENTIFIERS: _Node = (_leaves("header_from", "envelope_from", "envelope_to"), K_PLAIN, "_row")
_RECORD: _Node = (
    {
        "row": (_leaves("source_ip", "count") | {"policy_evaluated": _EVALUATED}, K_PLAIN, "_row"),
        "identifiers": _IDENTIFIERS,
        "identities": _IDENTIFIERS,  # some old reporters' spelling
        "auth_results": ({"dkim": _AUTH_DKIM, "spf": _AUTH_SPF}, K_PLAIN, "_row"),
    },
    K_RECORD,
    "_row",
)
_METADATA: _Node = (
    _leaves("org_name", "email", "extra_contact_info", "report_id", "generator")
    | {"date_range": (_leaves("begin", "end"), K_PLAIN, "_meta"), "error": ({}, K_ERROR, "_meta")},
    K_META,
    "_meta",
)
_POLICY: _Node = (
    _leaves("domain", "adkim", "aspf", "p", "sp", "np", "pct", "fo", "testing")
    | _leaves("discovery_method"),
    K_POLICY,
    "_policy",
)
_FEEDBACK: _Node = (
    _leaves("version")
    | {"report_metadata": _METADATA, "policy_published": _POLICY, "record": _RECORD},
    K_PLAIN,
    "_top",
)
_DOCUMENT: _Node = ({"feedback": _FEEDBACK}, K_PLAIN, "_top")
_NO_CHILDREN: dict[str, _Node] = {}
_RFC9990_ONLY = frozenset({"testing", "discovery_method", "generator", "extension"})
# Schema wrappers some reporters put around or inside the report (reference 3.2, "IKEA").
_TRANSPARENT = "schema"


def parse_report(
    data: bytes | Iterable[bytes], limits: Limits = DEFAULT_LIMITS, *, exact: bool = False
) -> AggregateReport:
    """Parse a whole report held in memory (or given as chunks) into an :class:`AggregateReport`.

    ``exact=True`` reads every record with the expat callbacks, never the fast path; the
    result is the same (the tests check it), only slower.
    """
    chunks = [data] if isinstance(data, bytes | bytearray) else data
    stream = open_report(chunks, limits, exact=exact)
    records = tuple(stream.records())
    end = stream.end
    return AggregateReport(
        header=stream.header, records=records, warnings=stream.header.warnings + end.warnings
    )


def open_report(
    chunks: Iterable[bytes], limits: Limits = DEFAULT_LIMITS, *, exact: bool = False
) -> ReportStream:
    """Start parsing; the header is read before this returns, the records when iterated."""
    return ReportStream(chunks, limits, exact=exact)


class ReportStream:
    """A report being parsed: ``header`` now, ``records()`` as they are read, ``end`` last.

    Every byte goes through one expat parser, in order, which checks well-formedness and
    refuses DTDs and entities. Everything outside plain records (see :mod:`ingest.records`)
    is read by the builder's callbacks. A run of plain records is read by
    :meth:`RecordReader.read_run <ingest.records.RecordReader.read_run>` instead, and expat
    parses its bytes with no callbacks at all, which is several times faster. A run starts
    only where the builder itself has just opened a ``record`` element at the very byte where
    the run starts, so a ``<record>`` inside a comment, a CDATA section or an extension is
    never taken for one; the run's records are well-formed by the grammar they match, so the
    builder resumes after them exactly where it would have been.

    With :data:`EXPAT_READS_PLAIN_RECORDS` off, expat gets white space in place of a run's
    bytes (the same lines and columns, so its error positions do not change): the grammar
    alone vouches for them, and parsing takes half the time.
    """

    def __init__(self, chunks: Iterable[bytes], limits: Limits, *, exact: bool = False) -> None:
        self._text = Utf8Stream(chunks)
        self._source = _guarded(_without_schema_tags(self._text))
        self._builder = _Builder(limits)
        self._parser = _new_parser(self._builder)
        self._handlers = (
            self._parser.StartElementHandler,
            self._parser.EndElementHandler,
            self._parser.CharacterDataHandler,
        )
        self._fast = not exact
        self._fed = 0  # bytes given to expat so far
        self._done = False
        self._end: ReportEnd | None = None
        self._feed_until_header()
        self.header = self._builder.header(self._text.warnings)
        self._early_warnings = len(self._text.warnings)

    @property
    def end(self) -> ReportEnd:
        """Totals and late warnings; available once :meth:`records` is exhausted."""
        if self._end is None:
            raise RuntimeError("ReportStream.end read before all records were consumed")
        return self._end

    def records(self) -> Iterator[Record]:
        """Yield the records in document order, parsing as it goes."""
        pending = self._builder.pending
        while True:
            while pending:
                yield pending.popleft()
            if self._done:
                break
            self._feed_next()
        self._end = self._builder.finish(self._text.warnings[self._early_warnings :])

    def _feed_until_header(self) -> None:
        while not self._done and not self._builder.header_ready:
            self._feed_next()

    def _feed_next(self) -> None:
        try:
            chunk = next(self._source)
        except StopIteration:
            self._parse(b"", final=True)
            self._done = True
            return
        if self._fast and b"<record>" in chunk and not _FORBIDDEN_CHARS.search(chunk):
            self._feed_fast(chunk)
        else:
            self._feed_exact(chunk, 0, len(chunk))

    def _feed_exact(self, chunk: bytes, start: int, stop: int) -> None:
        """Parse ``chunk[start:stop]`` with the callbacks.

        The text-size check runs at the same places as when the chunk is parsed whole: every
        :data:`_FEED` bytes and at the end of the chunk.
        """
        while start < stop:
            checkpoint = min((start // _FEED + 1) * _FEED, len(chunk))
            end = min(checkpoint, stop)
            self._parse(chunk[start:end], final=False)
            if self._done:
                return
            if end == checkpoint:
                self._builder.check_text_size()
            start = end

    def _feed_fast(self, chunk: bytes) -> None:
        """Parse a chunk, reading its runs of plain records on the fast path."""
        builder = self._builder
        position = 0
        while (start := chunk.find(b"<record>", position)) != -1:
            self._feed_exact(chunk, position, start + 8)
            if self._done:
                return
            position = start + 8
            if builder.record_at != self._fed - 8:
                continue  # not a record element where it seems to be (a comment, an extension)
            end = builder.reader.read_run(chunk, start, builder.pending.append)
            if end == start:
                continue  # not plain: the callbacks read it
            builder.read_elsewhere = True
            if EXPAT_READS_PLAIN_RECORDS:
                self._feed_quiet(chunk[position : end - 9])
            else:
                self._feed_quiet(_stand_in(chunk, position, end - 9))
            self._feed_exact(chunk, end - 9, end)  # </record>: the builder leaves the record
            position = end
        self._feed_exact(chunk, position, len(chunk))

    def _feed_quiet(self, data: bytes) -> None:
        """Parse *data* (the inside of a run of records already read) with no callbacks."""
        parser = self._parser
        parser.StartElementHandler = parser.EndElementHandler = None
        parser.CharacterDataHandler = None
        try:
            self._parse(data, final=False)
        finally:
            (
                parser.StartElementHandler,
                parser.EndElementHandler,
                parser.CharacterDataHandler,
            ) = self._handlers

    def _parse(self, data: bytes, *, final: bool) -> None:
        self._fed += len(data)
        try:
            self._parser.Parse(data, final)
        except expat.ExpatError as exc:
            if self._builder.closed:  # the report is whole; what follows it is not ours
                self._builder.warn("data after the end of the report ignored")
                self._done = True
                return
            if exc.code == _NO_ELEMENTS and not self._builder.started:
                raise ReportParseError("no XML element found", RejectClass.EMPTY) from None
            raise ReportParseError(
                f"not well-formed XML: {expat.errors.messages[exc.code]} "
                f"at line {exc.lineno}, column {exc.offset}"
            ) from None
        except DTDForbidden as exc:
            raise UnsafeXML(
                f"refused: the XML declares a DTD (<!DOCTYPE {quote(exc.name or '', 40)}>); "
                "DTDs and entities are never processed"
            ) from None
        except EntitiesForbidden as exc:
            raise UnsafeXML(
                f"refused: the XML declares the entity {quote(exc.name or '', 40)}; "
                "entities are never expanded"
            ) from None
        except ExternalReferenceForbidden:
            raise UnsafeXML(
                "refused: the XML refers to an external resource; nothing is fetched"
            ) from None


def _stand_in(chunk: bytes, start: int, stop: int) -> bytes:
    """White space that ends on the same line and column as ``chunk[start:stop]`` would.

    Line breaks are counted as XML counts them (CR LF, CR and LF are one each, XML 1.0
    section 2.11) and columns in characters, as expat does, so that its error messages for
    what follows give the same positions as if it had read the records themselves.
    """
    breaks = chunk.count(b"\n", start, stop)
    if chunk.find(b"\r", start, stop) != -1:
        breaks += chunk.count(b"\r", start, stop) - chunk.count(b"\r\n", start, stop)
    line = max(chunk.rfind(b"\n", start, stop), chunk.rfind(b"\r", start, stop)) + 1
    last = chunk[max(line, start) : stop]
    columns = len(last) if last.isascii() else len(last.decode())
    return b"\n" * breaks + b" " * columns


def _new_parser(builder: _Builder) -> expat.XMLParserType:
    """An expat parser fed UTF-8, with every DTD, entity and external reference refused.

    These are defusedxml's rules (its ``forbid_dtd``, ``forbid_entities`` and
    ``forbid_external``), raising defusedxml's own exceptions, applied to a bare expat parser
    so that no element tree is ever built.
    """
    parser = expat.ParserCreate(encoding="UTF-8")
    parser.buffer_text = True
    parser.buffer_size = 65536
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _forbid_doctype
    parser.EntityDeclHandler = _forbid_entity
    parser.UnparsedEntityDeclHandler = _forbid_unparsed_entity
    parser.ExternalEntityRefHandler = _forbid_external
    parser.StartElementHandler, parser.EndElementHandler = builder.handlers()
    parser.CharacterDataHandler = builder.texts.append
    builder.parser = parser
    return parser


def _forbid_doctype(name: str, sysid: str | None, pubid: str | None, _internal: bool) -> NoReturn:
    raise DTDForbidden(name, sysid, pubid)


def _forbid_entity(  # noqa: PLR0917 - expat's callback signature
    name: str,
    _is_param: bool,
    value: str | None,
    base: str | None,
    sysid: str | None,
    pubid: str | None,
    notation: str | None,
) -> NoReturn:
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation)


def _forbid_unparsed_entity(
    name: str, base: str | None, sysid: str, pubid: str | None, notation: str
) -> NoReturn:
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation)


def _forbid_external(
    context: str, base: str | None, sysid: str | None, pubid: str | None
) -> NoReturn:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def _guarded(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Slices of at most 1 MiB, refusing more than :data:`_MAX_TOKEN` bytes without markup.

    A run without ``<`` is text or one token; a run without ``>`` is one tag, comment or
    attribute. Slicing keeps every run inside one slice shorter than the limit, so only runs
    across slices need counting.
    """
    since_open = since_close = 0
    # Small slices first: the header (and whether the report is a duplicate) is known after
    # a few KiB, so a duplicate is not parsed further than that.
    size = _FIRST_SLICE
    for chunk in chunks:
        start = 0
        while start < len(chunk):
            piece = chunk if start == 0 and len(chunk) <= size else chunk[start : start + size]
            start += len(piece)
            size = min(size * 2, _SLICE)
            since_open = _run(piece, b"<", since_open)
            since_close = _run(piece, b">", since_close)
            yield piece


def _run(piece: bytes, mark: bytes, before: int) -> int:
    """The bytes since the last *mark* after *piece*, checking the run that crosses into it."""
    first = piece.find(mark)
    crossing = before + (len(piece) if first == -1 else first)
    if crossing > _MAX_TOKEN:
        what = "a tag" if mark == b"<" else "the end of a tag, comment or attribute"
        raise LimitExceeded(f"more than {_MAX_TOKEN // (1024 * 1024)} MiB without {what}")
    return crossing if first == -1 else len(piece) - 1 - piece.rfind(mark)


def _without_schema_tags(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Drop stray ``<xs:schema ...>`` tags, balanced or not, that some reporters embed.

    Only when the start of the document shows one; a tag split between two chunks is
    held back until it is whole.
    """
    source = iter(chunks)
    first = next(source, b"")
    if b":schema" not in first:
        yield first
        yield from source
        return
    carry = b""
    for chunk in _chain_first(first, source):
        data = _SCHEMA_TAG.sub(b"", carry + chunk)
        cut = data.rfind(b"<")
        if cut != -1 and data.find(b">", cut) == -1 and len(data) - cut < 4096:
            data, carry = data[:cut], data[cut:]
        else:
            carry = b""
        yield data
    if carry:
        yield _SCHEMA_TAG.sub(b"", carry)


def _chain_first(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _local(name: str) -> str:
    return name.rpartition(":")[2] if ":" in name else name


class _Builder:
    """expat callbacks that collect one report; records go to ``pending`` as they close.

    The callbacks run for every element of reports that reach hundreds of thousands of
    records, so they are kept flat: character data goes straight into a list (a C call),
    and the element tree above decides in one dict lookup what an element means.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.pending: deque[Record] = deque()
        self.closed = False
        self.started = False
        self.texts: list[str] = []
        self._node: _Node = _DOCUMENT
        self._kids: dict[str, _Node] = _DOCUMENT[0] or {}
        self._stack: list[_Node] = []
        self._warnings: dict[str, int] = {}
        self.reader = RecordReader(limits, self._warnings)
        self.parser: expat.XMLParserType | None = None
        self.read_elsewhere = False  # the record being closed was read by the fast path
        self.record_at = -1
        self._namespace: str | None = None
        self._top: dict[str, str] = {}
        self._meta: dict[str, str] = {}
        self._errors: list[str] = []
        self._policy: dict[str, str] = {}
        self._seen_metadata = False
        self._seen_policy = False
        self._row: dict[str, str] = {}
        self._reasons: list[PolicyOverrideReason] = []
        self._dkims: list[DkimAuthResult] = []
        self._auth_seen = {False: 0, True: 0}
        self._spfs: list[SpfAuthResult] = []
        self._auth: dict[str, str] = {}
        self.target: dict[str, str] = self._top
        self._header: ReportHeader | None = None

    # -- expat callbacks -------------------------------------------------------------

    def handlers(self) -> tuple[Callable[[str, dict[str, str]], None], Callable[[str], None]]:
        """The start and end callbacks, as closures: cell variables are cheaper than attributes."""
        stack = self._stack
        texts = self.texts
        node = self._node
        kids = self._kids
        skip = 0
        max_depth = self.limits.max_xml_depth
        builder = self

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal node, kids, skip
            if skip:
                skip += 1
                if skip > max_depth:
                    raise LimitExceeded(f"XML nested deeper than {max_depth} levels")
                return
            if ":" in name:
                name = name.rpartition(":")[2]
            if texts:
                if not (len(texts) == 1 and texts[0].isspace()) and "".join(texts).strip():
                    builder.warn("stray text between elements ignored")
                texts.clear()
            child = kids.get(name)
            if child is None:
                if name == _TRANSPARENT:
                    builder.warn("a stray schema element was ignored")
                    stack.append(node)
                    node = (kids, K_TRANSPARENT, node[2])
                    return
                builder.unknown(name, kids)
                skip = 1
                return
            stack.append(node)
            node = child
            if child[0] is None:
                kids = _NO_CHILDREN
                return
            kids = child[0]
            builder.open_container(child, attrs)

        def end(_name: str) -> None:
            nonlocal node, kids, skip
            if skip:
                skip -= 1
                return
            closing = node
            node = stack.pop()
            kids = node[0] or _NO_CHILDREN
            if closing[0] is None:
                if not texts:
                    builder.target[closing[2]] = ""
                    return
                text = texts[0] if len(texts) == 1 else "".join(texts)
                texts.clear()
                if len(text) > _MAX_TEXT:
                    raise LimitExceeded(
                        f"text of <{closing[2]}> is longer than {_MAX_TEXT // 1024} KiB"
                    )
                builder.target[closing[2]] = text.strip()
                return
            builder.close_container(closing, node)

        return start, end

    def open_container(self, node: _Node, attrs: dict[str, str]) -> None:
        kind = node[1]
        if kind == K_RECORD:
            self._start_record()
        elif kind >= K_AUTH_DKIM:
            self._auth = {}
        self.target = getattr(self, node[2])
        if node is _FEEDBACK:
            self._start_root(attrs)

    def close_container(self, node: _Node, parent: _Node) -> None:
        texts = self.texts
        kind = node[1]
        if kind == K_ERROR:
            self._errors.append("".join(texts).strip()[:_MAX_TEXT])
        texts.clear()
        if kind != K_TRANSPARENT:
            self.target = getattr(self, parent[2])
        if kind == K_RECORD:
            self._end_record()
        elif kind in (K_AUTH_DKIM, K_AUTH_SPF):
            self._end_auth(kind)
        elif kind == K_REASON:
            self._end_reason()
        elif kind == K_META:
            self._seen_metadata = True
        elif kind == K_POLICY:
            self._seen_policy = True
        elif node is _FEEDBACK:
            self.closed = True

    # -- structure ------------------------------------------------------------------

    def unknown(self, name: str, kids: dict[str, _Node]) -> None:
        """An element outside the tree: refuse a foreign root, else skip it (an extension)."""
        if kids is _DOCUMENT[0]:
            raise ReportParseError(
                f"not a DMARC aggregate report: the root element is {quote(name, 40)}",
                RejectClass.NOT_DMARC,
            )
        if name in _RFC9990_ONLY:
            self.reader.seen_9990 = True

    def _start_root(self, attrs: dict[str, str]) -> None:
        self._namespace = attrs.get("xmlns") or _prefixed_namespace(attrs)
        self.started = True

    def _start_record(self) -> None:
        self.reader.start_record()
        self.record_at = self.parser.CurrentByteIndex if self.parser is not None else -1
        self._row = {}
        self._reasons = []
        self._dkims = []
        self._spfs = []
        self._auth_seen = {False: 0, True: 0}

    def _end_auth(self, kind: int) -> None:
        spf = kind == K_AUTH_SPF
        self._auth_seen[spf] += 1
        if not self.reader.has_room(spf, self._auth_seen[spf] - 1):
            return
        result = self.reader.auth(spf, self._auth)
        if isinstance(result, DkimAuthResult):
            self._dkims.append(result)
        else:
            self._spfs.append(result)

    def _end_reason(self) -> None:
        reason = self.reader.reason(self._auth)
        if reason is not None:
            self._reasons.append(reason)

    def _end_record(self) -> None:
        if self.read_elsewhere:
            self.read_elsewhere = False
            return
        self.pending.append(self.reader.record(self._row, self._reasons, self._dkims, self._spfs))

    def _word(self, text: str, allowed: frozenset[str], what: str) -> str:
        return self.reader.word(text, allowed, what)

    # -- header and end ----------------------------------------------------------------

    def check_text_size(self) -> None:
        """Bound text that has not reached an element's end yet (a 50 MB text node)."""
        texts = self.texts
        if len(texts) > 8 and sum(map(len, texts)) > _MAX_TEXT:
            raise LimitExceeded(f"text longer than {_MAX_TEXT // 1024} KiB in one element")

    def warn(self, message: str) -> None:
        self._warn_once(message)

    def _warn_once(self, message: str) -> None:
        self.reader.warn(message)

    @property
    def header_ready(self) -> bool:
        """Header fields are known, and a first record shows which format this is."""
        if self.closed:
            return True
        return self._seen_metadata and self._seen_policy and bool(self.pending)

    def header(self, encoding_warnings: list[str]) -> ReportHeader:
        if self._header is None:
            self._header = self._build_header(encoding_warnings)
        return self._header

    def _build_header(self, encoding_warnings: list[str]) -> ReportHeader:
        if not self._seen_policy and not self._policy:
            self._fail("no <policy_published> section")
        meta = self._metadata()
        policy = self._published()
        self._check_key_sizes(meta.org_name, meta.report_id, policy.domain)
        warnings = tuple(encoding_warnings) + self._render_warnings()
        self._warnings.clear()
        return ReportHeader(
            schema=self._schema(),
            version=self._top.get("version"),
            metadata=meta,
            policy=policy,
            warnings=warnings,
        )

    def _check_key_sizes(self, org_name: str, report_id: str, policy_domain: str) -> None:
        """Refuse a key field too long for the store's unique index (on either backend)."""
        values = {"org_name": org_name, "report_id": report_id, "policy_domain": policy_domain}
        for name, value in values.items():
            size = len(value.encode("utf-8", "surrogatepass"))
            if size > KEY_FIELD_BYTES[name]:
                self._fail(
                    f"{name} is {size} bytes long, more than the {KEY_FIELD_BYTES[name]} "
                    f"a report key may hold: {quote(value, 40)}"
                )

    def finish(self, encoding_warnings: list[str]) -> ReportEnd:
        if self.reader.record_no == 0:
            self._warn_once("the report holds no records")
        if self.reader.messages > MAX_COUNT:  # the store's message_count is a BIGINT
            self._fail("the records' counts add up to more than 2**63-1 messages")
        return ReportEnd(
            records=self.reader.record_no,
            messages=self.reader.messages,
            warnings=tuple(encoding_warnings) + self._render_warnings(),
        )

    def _render_warnings(self) -> tuple[str, ...]:
        return tuple(
            message if times == 1 else f"{message} ({times} times)"
            for message, times in self._warnings.items()
        )

    def _metadata(self) -> ReportMetadata:
        meta = self._meta
        begin = self._timestamp(meta.get("begin"), "begin")
        end = self._timestamp(meta.get("end"), "end")
        if begin > end:
            self._warn_once("the report period ends before it begins")
        elif end - begin > _WEEK:
            self._warn_once(f"the report period spans {(end - begin) // 86400} days")
        for key, label in (("org_name", "org_name"), ("report_id", "report_id")):
            if not meta.get(key):
                self._warn_once(f"no {label} in report_metadata")
        return ReportMetadata(
            org_name=meta.get("org_name", ""),
            email=meta.get("email", ""),
            report_id=meta.get("report_id", ""),
            begin=begin,
            end=end,
            extra_contact_info=meta.get("extra_contact_info"),
            errors=tuple(self._errors),
            generator=meta.get("generator"),
        )

    def _timestamp(self, text: str | None, which: str) -> int:
        """Epoch seconds (RFC 7489 App. C); a decimal or ISO 8601 date is read with a warning."""
        if not text:
            self._fail(f"no date_range/{which} in report_metadata")
        plain = text.isdigit() and text.isascii() and len(text) <= 19  # int() stops at 4,300
        value = int(text) if plain else self._odd_timestamp(text, which)
        if not 0 <= value <= MAX_COUNT:
            self._fail(f"date_range/{which} is out of range: {quote(text, 30)}")
        return value

    def _odd_timestamp(self, text: str, which: str) -> int:
        try:
            value = int(float(text))
        except (ValueError, OverflowError):
            try:
                moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                self._fail(f"date_range/{which} is not a number: {quote(text, 30)}")
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            value = int(moment.timestamp())
        self._warn_once(f"date_range/{which} {quote(text, 30)} read as {value}")
        return value

    def _published(self) -> PolicyPublished:
        pol = self._policy
        name = domain(pol.get("domain", ""))
        if not name:
            self._fail("no policy_published/domain")
        p = self._policy_word(pol.get("p"), "p", "none")
        sp = self._policy_word(pol.get("sp"), "sp", p)
        np = self._policy_word(pol.get("np"), "np", sp if pol.get("sp") else p)
        return PolicyPublished(
            domain=name,
            adkim=self._alignment(pol.get("adkim"), "adkim"),
            aspf=self._alignment(pol.get("aspf"), "aspf"),
            p=p,
            sp=sp,
            np=np,
            pct=self._pct(pol.get("pct")),
            fo=pol.get("fo") or "0",
            testing=self._optional_word(pol.get("testing"), frozenset({"n", "y"}), "testing"),
            discovery_method=self._optional_word(
                pol.get("discovery_method"), frozenset({"psl", "treewalk"}), "discovery_method"
            ),
        )

    def _policy_word(self, text: str | None, tag: str, default: str) -> str:
        if not text:
            if tag == "p":
                self._warn_once("no policy_published/p; read as 'none'")
            return default
        return self._word(text, _POLICIES, f"policy {tag}")

    def _alignment(self, text: str | None, tag: str) -> str:
        if not text:
            return "r"
        lowered = text.lower()
        if lowered in ("r", "s"):
            if lowered != text:
                self._warn_once(f"mixed-case {tag} {quote(text, 10)} read as {lowered!r}")
            return lowered
        if lowered in ("relaxed", "strict"):
            self._warn_once(f"{tag} {quote(text, 10)} read as {lowered[0]!r}")
            return lowered[0]
        self._warn_once(f"unknown {tag} {quote(text, 20)}; RFC default 'r' used")
        return "r"

    def _pct(self, text: str | None) -> int | None:
        if text is None or text == "":
            return None if self._is_9990() else 100
        try:
            value = int(text)
        except ValueError:
            self._warn_once(f"pct {quote(text, 20)} is not a number; ignored")
            return None
        if not 0 <= value <= 100:
            self._warn_once(f"pct {value} is outside 0..100; ignored")
            return None
        return value

    def _optional_word(self, text: str | None, allowed: frozenset[str], what: str) -> str | None:
        if text is None:
            return None
        self.reader.seen_9990 = True
        return self._word(text, allowed, what)

    def _is_9990(self) -> bool:
        return self._namespace == NS_RFC9990 or self.reader.seen_9990

    def _schema(self) -> Schema:
        if self._is_9990():
            return "rfc9990"
        if self._namespace == NS_DRAFT:
            return "draft"
        reader = self.reader
        if "version" in self._top or reader.seen_scope or reader.seen_envelope_from:
            return "rfc7489"
        if "fo" in self._policy or "np" in self._policy:
            return "rfc7489"
        return "draft"

    def _fail(self, reason: str) -> NoReturn:
        raise ReportParseError(f"invalid report: {reason}", RejectClass.INVALID_REPORT)


def _prefixed_namespace(attrs: dict[str, str]) -> str | None:
    for key, value in attrs.items():
        if key.startswith("xmlns:") and value in (NS_RFC9990, NS_DRAFT):
            return value
    return None
