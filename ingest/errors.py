"""The ingest stage's exceptions: one root, each class says when it is raised.

::

    IngestError
    ├── RejectedInput              an input (or one payload in it) is not a usable report
    │   ├── LimitExceeded          a size, count or depth limit was reached while streaming
    │   ├── ContainerError         gzip/zip/MIME damage: truncated, bad CRC, unreadable
    │   ├── NotAReport             nothing report-like inside (ordinary mail, a ruf or TLS report)
    │   └── ReportParseError       XML that is not a DMARC aggregate report, or is malformed
    │       └── UnsafeXML          a DTD, entity declaration or external reference
    └── StoreError                 the store cannot be used
        ├── InvalidStoreURL        not a database URL, or a database dmarcwatch does not support
        ├── StoreUnavailable       cannot connect (exit 69)
        │   └── StoreMissing       no store where the URL points, and none is to be made (exit 66)
        │       └── StoreEmpty     the database is there, but without a store in it
        ├── StoreNotWritable       read-only file, full disk, permissions (exit 73)
        ├── SchemaError            the store's schema is newer than this program, or broken
        └── LockBusy               another process holds a named store lock (exit 75)

Every message is one line, written for the person reading a cron mail: it says what was
found and, where it helps, what to do. Attacker-controlled text is never put in a message
unquoted: :func:`quote` shortens it and escapes control characters.
"""

from __future__ import annotations

import enum


class RejectClass(enum.StrEnum):
    """Stable names for why an input was rejected, stored with each reject."""

    LIMIT = "limit"
    CONTAINER = "container"
    NOT_A_REPORT = "not-a-report"
    FAILURE_REPORT = "failure-report"
    TLS_REPORT = "tls-report"
    MALFORMED_XML = "malformed-xml"
    MALFORMED_JSON = "malformed-json"
    UNSAFE_XML = "unsafe-xml"
    NOT_DMARC = "not-dmarc"
    INVALID_REPORT = "invalid-report"
    EMPTY = "empty"
    CONFLICT = "conflict"


class IngestError(Exception):
    """Root of every error the ingest stage raises on purpose."""


class RejectedInput(IngestError):
    """An input, or one payload inside it, cannot be stored as a report."""

    reject_class: RejectClass = RejectClass.INVALID_REPORT

    def __init__(self, reason: str, reject_class: RejectClass | None = None) -> None:
        super().__init__(reason)
        if reject_class is not None:
            self.reject_class = reject_class

    @property
    def reason(self) -> str:
        return str(self)


class LimitExceeded(RejectedInput):
    """A decompressed size, member count, nesting depth or message size limit was reached."""

    reject_class = RejectClass.LIMIT


class ContainerError(RejectedInput):
    """A gzip, zip or MIME container is damaged (truncated, bad CRC, unreadable)."""

    reject_class = RejectClass.CONTAINER


class NotAReport(RejectedInput):
    """Nothing report-like was found: ordinary mail, a failure (ruf) or TLS report."""

    reject_class = RejectClass.NOT_A_REPORT


class ReportParseError(RejectedInput):
    """The XML is malformed, or well-formed but not a DMARC aggregate report."""

    reject_class = RejectClass.MALFORMED_XML


class UnsafeXML(ReportParseError):
    """The XML declares a DTD or entities, or refers to something external: refused."""

    reject_class = RejectClass.UNSAFE_XML


class StoreError(IngestError):
    """The store cannot be used."""


class InvalidStoreURL(StoreError):
    """The store URL is malformed or names a database other than SQLite or PostgreSQL."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or opened."""


class StoreMissing(StoreUnavailable):
    """No store where the URL points (no file, or a database without the schema), and the
    caller only reads, so none is created."""


class StoreEmpty(StoreMissing):
    """The database exists but has no store in it (no schema), and the caller only reads."""


class StoreNotWritable(StoreError):
    """The database is read-only, its disk is full, or its directory is not writable."""


class SchemaError(StoreError):
    """The store's schema version is unknown to this program."""


class LockBusy(StoreError):
    """Another process holds the named store lock (a second poll or import is running)."""


_CONTROL = {c: f"\\x{c:02x}" for c in range(32)} | {0x7F: "\\x7f"}
_CONTROL |= {c: f"\\x{c:02x}" for c in range(0x80, 0xA0)}
# Line and paragraph separators, and bidi embeddings, overrides and isolates (Unicode UAX #9),
# which could show 'report.xml' as 'lmx.troper' or reorder a whole line.
_BIDI = (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_CONTROL |= {c: f"\\u{c:04x}" for c in _BIDI}
# Invisible format characters: the Arabic letter mark, zero-width space, left-to-right and
# right-to-left marks, word joiner and invisible operators, the byte-order mark, and the tag
# characters (which can spell hidden text).
_INVISIBLE = (0x061C, 0x200B, 0x200E, 0x200F, *range(0x2060, 0x2065), 0xFEFF)
_CONTROL |= {c: f"\\u{c:04x}" for c in _INVISIBLE}
_CONTROL |= {c: f"\\U{c:08x}" for c in range(0xE0000, 0xE0080)}


def escape_controls(text: str) -> str:
    """*text* with every control, separator and bidi character escaped, for a terminal or log."""
    return text.translate(_CONTROL)


def quote(text: str, limit: int = 80) -> str:
    """Return *text* safe for a one-line message: control characters escaped, shortened."""
    if len(text) > limit:
        text = text[:limit] + "…"
    return "'" + escape_controls(text).replace("'", "\\'") + "'"
