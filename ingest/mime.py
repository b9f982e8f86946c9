"""Open an e-mail message and list the parts that may hold a report.

This module knows what a message *says* about itself: its MIME structure (RFC 2045, 2046),
transfer encodings, file names, forwarded messages (``message/rfc822``) and the report types
that are not aggregate reports: failure reports (RFC 6591 ``feedback-report``, RFC 9991) and SMTP
TLS reports (RFC 8460 §5.3). What the bytes of a part *are* (gzip, zip, XML) is decided by
content in :mod:`ingest.unpack`.

The parser is :mod:`email` with the ``compat32`` policy: it never raises on broken headers,
charsets or boundaries, it records defects. The number of parts it may build is bounded while
it parses (``max_mime_parts``), the lines it is given before it starts (``max_message_lines``,
as it holds each line as an object), and the structure is walked without recursion.
"""

from __future__ import annotations

import binascii
import email.errors
import email.header
import email.utils
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.feedparser import FeedParser
from email.message import Message
from email.parser import Parser
from email.policy import Policy, compat32

from .errors import ContainerError, LimitExceeded, quote
from .limits import Limits

__all__ = [
    "Leaf",
    "MessageScan",
    "header_text",
    "parse_message",
    "scan_message",
    "subject_looks_like_rua",
]

_REPORT_TYPES = frozenset(
    {
        "application/gzip",
        "application/x-gzip",
        "application/zip",
        "application/x-zip",
        "application/x-zip-compressed",
        "application/xml",
        "text/xml",
    }
)
_REPORT_NAME = re.compile(r"\.(?:xml|gz|gzip|zip)\s*$", re.IGNORECASE)
_HEADER_ERRORS = (
    email.errors.MessageError,
    ValueError,
    TypeError,
    LookupError,
    UnicodeError,
    AttributeError,
)
_FEED_SIZE = 1 << 16
_FLAT_BYTES = 1 << 20
"""Messages split by :func:`_parse_flat` at most: it holds a few copies of the body, which for
a large message cost more memory than :mod:`email`'s one compiled pattern costs time."""


@dataclass(frozen=True, slots=True)
class Leaf:
    """One body part that is not itself a container of parts, transfer-decoded."""

    location: str
    content_type: str
    filename: str | None
    data: bytes
    depth: int
    """Messages around this part: 1 in the message itself, 2 in a forwarded message."""

    @property
    def is_tls_report(self) -> bool:
        """``application/tlsrpt+gzip`` or ``+json`` (RFC 8460 §5.3)."""
        return self.content_type.startswith("application/tlsrpt")

    @property
    def is_text(self) -> bool:
        """A text part other than XML: only a report if its content says so."""
        return self.content_type.startswith("text/") and self.content_type != "text/xml"

    @property
    def declared_report(self) -> bool:
        """Whether the media type or file name promises a report (reference 3.1, 3.2)."""
        named = self.filename is not None and _REPORT_NAME.search(self.filename) is not None
        return named or self.content_type in _REPORT_TYPES


@dataclass(frozen=True, slots=True)
class MessageScan:
    """What a message holds: its leaf parts, subjects and the kinds of report it declares."""

    subjects: tuple[str, ...]
    """The message's own subject first, then those of forwarded messages, decoded."""
    leaves: tuple[Leaf, ...]
    failure_report: bool
    tls_report: bool
    feedback_part: bool = False
    """Whether a ``message/feedback-report`` part is there (an ARF report, RFC 5965 §2)."""


def scan_message(data: bytes, limits: Limits) -> MessageScan:
    """Parse *data* as one RFC 5322 message and list its leaf parts.

    Raises :class:`LimitExceeded` for a message over ``max_message_bytes`` or
    ``max_message_lines``, with more than ``max_mime_parts`` parts or forwarded messages
    nested over ``max_depth``.
    """
    budget = _PartBudget(limits.max_mime_parts, limits.max_message_lines)
    scanner = _Scanner(limits, budget)
    scanner.run(parse_message(data, limits, budget))
    return MessageScan(
        subjects=tuple(scanner.subjects),
        leaves=tuple(scanner.leaves),
        failure_report=scanner.failure_report,
        tls_report=scanner.tls_report,
        feedback_part=scanner.feedback_part,
    )


def parse_message(data: bytes, limits: Limits, budget: _PartBudget | None = None) -> Message:
    """*data* as a :mod:`email` message, within the message limits (see :func:`scan_message`)."""
    if len(data) > limits.max_message_bytes:
        limit = limits.max_message_bytes
        raise LimitExceeded(f"message is larger than {limit} bytes (max_message_bytes)")
    if budget is None:
        budget = _PartBudget(limits.max_mime_parts, limits.max_message_lines)
    return _parse(data, budget)


# --- subject ---------------------------------------------------------------------------------

_RUA_SUBJECT = re.compile(
    r"report\W{0,3}domain\s*[:=]\s*\S.*?submitter\s*[:=]\s*\S", re.IGNORECASE | re.DOTALL
)


def subject_looks_like_rua(subject: str) -> bool:
    """Whether a subject reads like an aggregate report's (RFC 7489 §7.2.1.1, RFC 9990).

    Tolerant as reference 3.2 asks: any case, ``;`` or ``,`` separators, braces, prefixes such
    as ``[Preview]`` or ``Fwd:``, a missing Report-ID, folding and RFC 2047 encoded words.
    """
    text = header_text(subject) if "=?" in subject else " ".join(subject.split())
    return _RUA_SUBJECT.search(text) is not None


def header_text(value: object) -> str:
    """A header value as one line of text: encoded words decoded, bad bytes replaced."""
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        value = _joined(email.header.decode_header(value))
    text = str(value)
    try:
        chunks = email.header.decode_header(text)
    except _HEADER_ERRORS:
        chunks = [(text, None)]
    return " ".join(_clean(_joined(chunks)).split())


def _joined(chunks: list[tuple[bytes | str, str | None]]) -> str:
    return "".join(_chunk_text(chunk, charset) for chunk, charset in chunks)


def _chunk_text(chunk: bytes | str, charset: str | None) -> str:
    if isinstance(chunk, str):
        return chunk
    if charset in (None, "unknown-8bit"):
        return chunk.decode("utf-8", errors="replace")
    try:
        return chunk.decode(charset, errors="replace")
    except (LookupError, UnicodeError):  # unknown, or a codec that refuses 'replace' (idna)
        return chunk.decode("utf-8", errors="replace")


def _clean(text: str) -> str:
    """Replace lone surrogates (raw 8-bit header bytes) so the text can always be printed."""
    try:
        raw = text.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", errors="replace")
    return raw.decode("utf-8", errors="replace")


# --- parsing ---------------------------------------------------------------------------------


class _PartBudget:
    """The parser's message factory: refuses to build more than *limit* parts, or to be given
    more than *lines* lines in all (a message and the forwarded ones decoded inside it)."""

    def __init__(self, limit: int, lines: int) -> None:
        self.limit = limit
        self.made = 0
        self.line_limit = lines
        self.lines = 0

    def take_lines(self, data: bytes) -> None:
        # The parser ends a line at CRLF, LF or a lone CR.
        self.lines += data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + 1
        if self.lines > self.line_limit:
            limit = self.line_limit
            raise LimitExceeded(f"message has more than {limit} lines (max_message_lines)")

    def __call__(self, policy: Policy = compat32) -> Message:
        self.made += 1
        if self.made > self.limit:
            raise LimitExceeded(f"message has more than {self.limit} MIME parts (max_mime_parts)")
        return Message(policy=policy)


def _parse(data: bytes, budget: _PartBudget) -> Message:
    budget.take_lines(data)
    text = data.decode("ascii", errors="surrogateescape")
    try:
        flat = _parse_flat(text, budget) if len(text) <= _FLAT_BYTES else None
        return flat or _parse_whole(text, budget)
    except RecursionError:
        raise ContainerError("MIME structure nested too deeply") from None


def _parse_whole(text: str, budget: _PartBudget) -> Message:
    parser = FeedParser(_factory=budget, policy=compat32)
    budget.made -= 1  # FeedParser builds one probe message to learn the factory's signature
    for start in range(0, len(text), _FEED_SIZE):
        parser.feed(text[start : start + _FEED_SIZE])
    root = parser.close()
    if not isinstance(root, Message):
        raise ContainerError("unreadable message")
    return root


def _parse_flat(text: str, budget: _PartBudget) -> Message | None:
    """A multipart message whose parts are all leaves (as a report mail is), split here and
    parsed part by part; ``None`` for any other message, which :func:`_parse_whole` parses.

    :mod:`email` compiles a regular expression for every boundary it meets, which was a tenth
    of a poll. The split follows its rules (:func:`_split`); a part that is itself multipart
    or a message, adjacent boundaries or a missing start or close boundary leave the whole
    message to :mod:`email`, so that what it makes of them stays the only reading.
    """
    made = budget.made
    root = _parsed(text, budget, headersonly=True)
    boundary = root.get_boundary() if root.get_content_maintype() == "multipart" else None
    split = None
    if boundary and root.get_content_subtype() != "digest" and _plain(root):
        # decode=True gives the body's own bytes (a str payload is decoded by its charset)
        body = root.get_payload(decode=True)
        if isinstance(body, bytes):
            split = _split(body.decode("ascii", errors="surrogateescape"), "--" + boundary)
    if split is None:
        budget.made = made
        return None
    preamble, pieces, epilogue = split
    parts: list[Message | str] = []
    for piece in pieces:
        part = _parsed(piece, budget)
        if part.get_content_maintype() in ("multipart", "message"):
            budget.made = made
            return None
        parts.append(part)
    root.set_payload(parts)
    root.preamble, root.epilogue = preamble, epilogue
    return root


def _plain(part: Message) -> bool:
    """Whether *part* has no transfer encoding to undo (the only ones a multipart may have)."""
    return _transfer_encoding(part) in ("", "7bit", "8bit", "binary")


def _parsed(text: str, budget: _PartBudget, *, headersonly: bool = False) -> Message:
    """*text* parsed by :mod:`email`; a plain header block's body is left to it unread.

    Past the blank line :mod:`email` keeps the rest of a message whose content is no
    container as its payload, line by line as it reads it; for a header block it reads the
    same way (:data:`_PLAIN_HEADERS`), the rest is set as the payload in one piece. A
    multipart or ``message/`` part so read is not split: :func:`_parse_flat` gives those
    to :func:`_parse_whole`.
    """
    budget.made -= 1  # FeedParser builds one probe message to learn the factory's signature
    parser = Parser(_class=budget, policy=compat32)
    block = _PLAIN_HEADERS.match(text)
    if block is None:
        message = parser.parsestr(text, headersonly=headersonly)
    else:
        message = parser.parsestr(text[: block.end()], headersonly=True)
        if isinstance(message, Message):
            message.set_payload(text[block.end() :])
    if not isinstance(message, Message):
        raise ContainerError("unreadable message")
    return message


_PLAIN_HEADERS = re.compile(
    r"[\041-\071\073-\176]+:[^\r\n]*\r?\n"  # a field (no "From " line, no empty name)
    r"(?:(?:[\041-\071\073-\176]+:|[ \t])[^\r\n]*\r?\n)*"  # more fields, folded lines
    r"\r?\n"  # the blank line; a lone CR anywhere (a line end to email) is not matched
)
"""A header block :mod:`email` reads as it is: its lines are fields (a name of printable
characters but the colon) or their continuations, each ended by LF or CRLF, and a blank
line ends it."""


def _split(body: str, separator: str) -> tuple[str | None, list[str], str] | None:
    """*body*'s preamble, parts and epilogue around the boundary lines of *separator*.

    A boundary line is the separator at the start of a line, ``--`` after it for the last,
    then spaces or tabs and the line's end (CRLF, LF or a lone CR, as :mod:`email` reads
    lines); the line end before it belongs to the boundary (RFC 2046 §5.1.1). ``None`` unless
    there is a part, every part has text and the close boundary is there.
    """
    lines = list(_boundary_lines(body, separator))
    if len(lines) < 2 or not lines[-1][2]:  # the lines end at the first that closes
        return None
    pieces = [
        _without_line_end(body[end:start])
        for (_, end, _), (start, _, _) in zip(lines, lines[1:], strict=False)
    ]
    if not all(pieces):
        return None
    first = lines[0][0]
    preamble = _without_line_end(body[:first]) if first else None
    return preamble, pieces, body[lines[-1][1] :]


def _boundary_lines(body: str, separator: str) -> Iterator[tuple[int, int, bool]]:
    """Each boundary line's start, end (after its line end) and whether it closes, up to the
    first that closes."""
    at = body.find(separator)
    while at >= 0:
        line = _boundary_line(body, separator, at)
        if line is not None:
            yield line
            if line[2]:
                return
        at = body.find(separator, at + 1)


def _boundary_line(body: str, separator: str, at: int) -> tuple[int, int, bool] | None:
    if at and body[at - 1] not in "\r\n":
        return None
    end = at + len(separator)
    close = body.startswith("--", end)
    end += 2 * close
    while end < len(body) and body[end] in " \t":
        end += 1
    if body.startswith("\r\n", end):
        end += 2
    elif body.startswith(("\r", "\n"), end):
        end += 1
    elif end < len(body):
        return None
    return at, end, close


def _without_line_end(text: str) -> str:
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith(("\r", "\n")):
        return text[:-1]
    return text


# --- walking ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Node:
    part: Message
    section: str
    """IMAP-style part number (RFC 3501 §6.4.5); "" for the top-level message."""
    depth: int
    is_message: bool
    in_failure_report: bool = False


@dataclass(slots=True)
class _Scanner:
    limits: Limits
    budget: _PartBudget
    subjects: list[str] = field(default_factory=list)
    leaves: list[Leaf] = field(default_factory=list)
    failure_report: bool = False
    tls_report: bool = False
    feedback_part: bool = False

    def run(self, root: Message) -> None:
        """Visit every part depth-first, in document order, without recursion."""
        stack = [_Node(root, "", 1, is_message=True)]
        while stack:
            node = stack.pop()
            content_type = node.part.get_content_type()
            self._note(node, content_type)
            children = self._children(node, content_type)
            if children is None:
                self.leaves.append(_leaf(node, content_type))
            else:
                stack.extend(reversed(children))

    def _note(self, node: _Node, content_type: str) -> None:
        if node.is_message:
            self.subjects.append(header_text(node.part.get("subject")))
        report_type = _param(node.part, "report-type").lower()
        if content_type == "message/feedback-report" or report_type == "feedback-report":
            self.failure_report = True
        if content_type == "message/feedback-report":
            self.feedback_part = True
        if report_type == "tlsrpt":
            self.tls_report = True

    def _children(self, node: _Node, content_type: str) -> list[_Node] | None:
        """The nodes inside *node*, or None when it is a leaf."""
        part = node.part
        if not part.is_multipart():
            return None
        payload = part.get_payload()
        parts = [sub for sub in payload if isinstance(sub, Message)]
        if content_type.startswith("message/"):
            return self._forwarded(node, content_type, parts)
        in_ruf = node.in_failure_report or _is_failure_report(part, parts)
        return [
            _Node(sub, _child_section(node.section, index), node.depth, False, in_ruf)
            for index, sub in enumerate(parts, 1)
        ]

    def _forwarded(self, node: _Node, content_type: str, parts: list[Message]) -> list[_Node]:
        """A forwarded message, parsed by :mod:`email` (``message/rfc822``, ``message/global``)."""
        if content_type in ("message/feedback-report", "message/delivery-status"):
            return []  # header fields about a message, not a message
        if node.in_failure_report:
            return []  # the failing message a ruf report copies is not ours to ingest
        if content_type == "message/rfc822" and _transfer_encoding(node.part) in _ENCODED:
            return self._reparsed(node, parts)
        depth = self._deeper(node)
        return [_Node(sub, node.section, depth, True) for sub in parts]

    def _reparsed(self, node: _Node, parts: list[Message]) -> list[_Node]:
        """A ``message/rfc822`` sent base64 or quoted-printable: decode, then parse."""
        inner = parts[0] if parts else None
        text = inner.get_payload() if inner is not None else None
        if not isinstance(text, str):
            return []
        data = _decode(_raw(text), _transfer_encoding(node.part))
        return [_Node(_parse(data, self.budget), node.section, self._deeper(node), True)]

    def _deeper(self, node: _Node) -> int:
        if node.depth >= self.limits.max_depth:
            limit = self.limits.max_depth
            raise LimitExceeded(f"forwarded messages nested more than {limit} deep (max_depth)")
        return node.depth + 1


def _is_failure_report(part: Message, parts: list[Message]) -> bool:
    """An RFC 6591 report: its other parts copy a failing message that is not ours to read."""
    if _param(part, "report-type").lower() == "feedback-report":
        return True
    return any(sub.get_content_type() == "message/feedback-report" for sub in parts)


def _child_section(section: str, index: int) -> str:
    return f"{section}.{index}" if section else str(index)


def _leaf(node: _Node, content_type: str) -> Leaf:
    filename = _filename(node.part)
    if node.is_message:
        where = f"part {node.section}.1" if node.section else "message body"
    else:
        where = f"part {node.section}"
    if filename:
        where += f" {quote(filename)}"
    data = _decode(_raw(node.part.get_payload()), _transfer_encoding(node.part))
    return Leaf(where, content_type, filename, data, node.depth)


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except _HEADER_ERRORS:
        return None
    return header_text(name) if name else None


def _param(part: Message, name: str) -> str:
    """A Content-Type parameter; a header that does not name it is not parsed (each part
    asked for ``report-type`` twice: parsing its parameters was 5 % of a poll's CPU)."""
    try:
        header = part.get("content-type")
        if header is None or name not in str(header).lower():
            return ""
        value = part.get_param(name)
    except _HEADER_ERRORS:
        return ""
    if value is None:
        return ""
    return email.utils.collapse_rfc2231_value(value).strip()


# --- transfer decoding (RFC 2045 §6) ---------------------------------------------------------

_ENCODED = frozenset({"base64", "quoted-printable"})
_UUENCODE = frozenset({"x-uuencode", "uuencode", "uue", "x-uue"})
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")


def _transfer_encoding(part: Message) -> str:
    value = part.get("content-transfer-encoding")
    return "" if value is None else header_text(value).lower()


def _raw(payload: object) -> bytes:
    """The part's body as the bytes that were in the message."""
    if isinstance(payload, bytes):
        return payload
    if not isinstance(payload, str):
        return b""
    try:
        return payload.encode("ascii", errors="surrogateescape")
    except UnicodeEncodeError:
        return payload.encode("utf-8", errors="surrogateescape")


def _decode(body: bytes, encoding: str) -> bytes:
    """Undo a transfer encoding, tolerating damage; unknown encodings pass through."""
    if encoding == "base64":
        return _decode_base64(body)
    if encoding == "quoted-printable":
        return quopri.decodestring(body)
    if encoding in _UUENCODE:
        return _decode_uu(body)
    return body


def _decode_base64(body: bytes) -> bytes:
    """Base64 without its line breaks, stray characters and missing padding (RFC 2045 §6.8)."""
    try:
        return binascii.a2b_base64(body)  # skips line breaks and stray characters itself
    except binascii.Error:
        pass  # bad padding, or padding in the middle: clean up and try once more
    clean = _NOT_BASE64.sub(b"", body)
    if len(clean) % 4 == 1:
        clean = clean[:-1]
    return binascii.a2b_base64(clean + b"=" * (-len(clean) % 4))


def _decode_uu(body: bytes) -> bytes:
    lines = iter(body.splitlines())
    out = bytearray()
    for line in lines:
        if line.startswith(b"begin "):
            break
    for line in lines:
        if line.strip() in (b"end", b"`"):
            break
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:
            continue
    return bytes(out)
