"""Turn the bytes of a report, in whatever encoding a receiver chose, into a UTF-8 stream.

Receivers send UTF-8 with and without a byte-order mark, UTF-16, the odd UTF-32, 8-bit
encodings declared in the XML declaration, leading whitespace before the declaration (which XML
forbids), and UTF-8 that is not valid. The parser is always fed UTF-8, so that expat never has
to guess; invalid UTF-8 is replaced (U+FFFD) and said in a warning rather than rejected, as the
reference (section 1.5) recommends.

Pure: bytes in, bytes out, no I/O.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator

from .errors import ReportParseError

_HEAD = 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# '<' (or '<?') in a wide encoding without a byte-order mark (XML 1.0 Appendix F).
_WIDE_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)

_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
# Codecs for domain labels: their "incremental" decoders decode each chunk on its own, so
# what a report says would depend on where the stream was cut.
_LABEL_CODECS = frozenset({"idna", "punycode"})
_SURROGATE = re.compile("[\ud800-\udfff]")
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
_WIDE_NAMES = ("utf-16", "utf16", "utf-32", "utf32", "ucs-2", "ucs2", "ucs-4", "ucs4")


class Utf8Stream:
    """Iterate over UTF-8 chunks of a document given as chunks of bytes in any encoding.

    ``warnings`` lists what was repaired, once each, after (or during) iteration.
    """

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self.warnings: list[str] = []
        self.encoding = "utf-8"

    def __iter__(self) -> Iterator[bytes]:
        head, exhausted = self._read_head()
        head, encoding = self._detect(head)
        self.encoding = encoding
        rest: Iterable[bytes] = () if exhausted else self._chunks
        if encoding == "utf-8":
            yield from self._checked_utf8(head, rest)
        else:
            yield from self._transcoded(head, rest, encoding)

    def _read_head(self) -> tuple[bytes, bool]:
        parts: list[bytes] = []
        size = 0
        for chunk in self._chunks:
            parts.append(chunk)
            size += len(chunk)
            if size >= _HEAD:
                return b"".join(parts), False
        return b"".join(parts), True

    def _detect(self, head: bytes) -> tuple[bytes, str]:
        for bom, name in _BOMS:
            if head.startswith(bom):
                head = head[len(bom) :]
                return (self._strip(head), name) if name == "utf-8" else (head, name)
        for prefix, name in _WIDE_PREFIXES:
            if head.startswith(prefix):
                return head, name
        stripped = self._strip(head)
        return stripped, self._declared(stripped)

    def _strip(self, head: bytes) -> bytes:
        stripped = head.lstrip()
        if len(stripped) != len(head):
            self.warnings.append("leading whitespace before the XML declaration removed")
        return stripped

    def _declared(self, head: bytes) -> str:
        match = _DECLARED.match(head)
        if not match:
            return "utf-8"
        name = match.group(1).decode("ascii").lower()
        if name in _UTF8_NAMES:
            return "utf-8"
        if name.startswith(_WIDE_NAMES):
            self.warnings.append(
                f"declared encoding {name!r} does not match the bytes; read as UTF-8"
            )
            return "utf-8"
        try:
            codec = codecs.lookup(name)
        except LookupError:
            self.warnings.append(f"unknown declared encoding {name!r}; read as UTF-8")
            return "utf-8"
        unusable = codec.name.startswith(_WIDE_NAMES) or codec.name in _LABEL_CODECS
        if unusable or not codec._is_text_encoding:  # noqa: SLF001
            # rot13, zlib, base64 (bytes in, bytes out: a decompression bomb), utf_16 spelt so
            self.warnings.append(f"declared encoding {name!r} is not usable here; read as UTF-8")
            return "utf-8"
        return "utf-8" if codec.name == "utf-8" else codec.name

    def _checked_utf8(self, head: bytes, rest: Iterable[bytes]) -> Iterator[bytes]:
        chunks = _chain(head, rest)
        carry = b""
        for chunk in chunks:
            data = carry + chunk if carry else chunk
            carry = b""
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                if exc.reason == "unexpected end of data" and len(data) - exc.start < 4:
                    # A character split across two chunks: hold its start back.
                    carry = data[exc.start :]
                    yield data[: exc.start]
                    continue
                self.warnings.append("invalid UTF-8 replaced with U+FFFD")
                yield from _lenient(_chain(data, chunks))
                return
            yield data
        if carry:
            self.warnings.append("the document ends inside a UTF-8 character")
            yield carry.decode("utf-8", "replace").encode("utf-8")

    def _transcoded(self, head: bytes, rest: Iterable[bytes], encoding: str) -> Iterator[bytes]:
        decoder = codecs.getincrementaldecoder(encoding)("replace")
        replaced = False
        started = False
        for chunk in _chain(head, rest):
            text = _decode(decoder, chunk, encoding)
            if not started and text:
                text = text.lstrip()
                started = bool(text)
            replaced = replaced or "\ufffd" in text
            yield text.encode("utf-8")
        text = _decode(decoder, b"", encoding, final=True)
        replaced = replaced or "\ufffd" in text
        yield text.encode("utf-8")
        if replaced:
            self.warnings.append(f"bytes invalid in {encoding} replaced with U+FFFD")


def _decode(
    decoder: codecs.IncrementalDecoder, data: bytes, encoding: str, *, final: bool = False
) -> str:
    """Decode with a codec that may refuse the ``replace`` handler (idna) or any input, or
    give lone surrogates (UTF-7 can encode them), which are replaced with U+FFFD."""
    try:
        text = decoder.decode(data, final)
    except UnicodeError:
        raise ReportParseError(
            f"the report cannot be read in its declared encoding {encoding!r}"
        ) from None
    return _SURROGATE.sub("\ufffd", text)


def _chain(head: bytes, rest: Iterable[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    for chunk in rest:
        if chunk:
            yield chunk


def _lenient(chunks: Iterable[bytes]) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    for chunk in chunks:
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", True).encode("utf-8")
