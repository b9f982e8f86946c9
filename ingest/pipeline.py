"""One input through the whole ingest stage: keep its bytes, unpack, parse, store.

An input is the original bytes of one file or one e-mail message. Its bytes are stored
(compressed, deduplicated by hash) with its reports, so nothing is lost and any input can be
parsed again after a parser fix (``dmarcwatch reparse``). The whole input commits in one
transaction; each report inside it is written under a savepoint, so a report that fails is
recorded as a reject with a one-line reason and the others in the same input are still stored.

Reading (:mod:`ingest.reading`) yields events; :class:`InputImport` writes them. The two
meet here in-line, or across processes in :mod:`ingest.parallel`.

Duplicates are cheap. An input stored whole before (every report in it stored) is skipped on
its hash alone. Otherwise a report whose natural key (reporter, report id, domain, period) is
already stored is read and written as the key's next variant, and its content hash decides:
the same content is a duplicate (rolled back), a different one *disputes* the key. Both are
kept: a forged report that arrived first must not push the real one out. Which of them
counts is the read layer's rule (:mod:`analysis.read.selection`).

A mail input is checked once by the :class:`ingest.verify.MailVerifier` handed in (DKIM),
and each report gets its verdict (:mod:`ingest.verify`); without a verifier, or for an input
that is not a mail, the verdict is ``not-applicable``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .bulk import Batch, Written
from .errors import RejectClass, quote
from .limits import DEFAULT_LIMITS, Limits
from .model import ReportHeader
from .reading import (
    Event,
    FailureRead,
    Reading,
    Rejected,
    ReportEnded,
    ReportStarted,
    TlsRead,
    read_input,
)
from .store import Store
from .unpack import Kind as ContentKind
from .unpack import sniff
from .verify import MailCheck, MailVerifier, verdict_of
from .writer import Writer

Kind = Literal["processed", "invalid", "other"]

DISPUTED = (
    "disputed %s [%s]: a different report with the same reporter, report id, domain and "
    "period is stored; both are kept (see dmarcwatch diagnose)"
)
"""The log line of a report that disputes a stored key (``%s``: source, location)."""


READ_AHEAD_BATCHES = 2
"""Batches of records read before an input's first write (:meth:`InputImport.run`)."""

_HEADER_BYTES = 64 * 1024
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_NOT_REPORT_CLASSES = frozenset(
    {RejectClass.NOT_A_REPORT, RejectClass.FAILURE_REPORT, RejectClass.TLS_REPORT}
)


_CONFLICT = (
    "a different TLS report with the same reporter and report id is already stored; this one "
    "was kept as a reject"
)


@dataclass(frozen=True, slots=True)
class Rejection:
    """One input, or one report inside it, that could not be stored."""

    location: str
    reason: str
    reject_class: str


@dataclass(frozen=True, slots=True)
class InputOutcome:
    """What happened to one input.

    ``kind`` decides where a mailbox message goes: ``processed`` when every report in it was
    stored or already there; ``invalid`` when a report-like part could not be stored;
    ``other`` when nothing report-like was found (ordinary mail, failure or TLS reports).
    """

    source: str
    blob_sha256: str
    stored: int
    duplicates: int
    records: int
    messages: int
    rejected: tuple[Rejection, ...]
    kind: Kind
    verdicts: tuple[tuple[str, int], ...] = ()
    """How many stored reports got each verdict (``verified``, ``failed``, …)."""
    disputed: tuple[str, ...] = ()
    """Locations of stored reports whose key another, different stored report claims too."""
    tls_reports: int = 0
    """TLS reports (RFC 8460) stored or already stored; ``stored`` counts aggregate reports."""
    failure_reports: int = 0
    """Failure reports (RFC 6591) stored or already stored."""


def import_input(
    store: Store,
    source: str,
    data: bytes,
    limits: Limits = DEFAULT_LIMITS,
    *,
    dry_run: bool = False,
    again: bool = False,
    verifier: MailVerifier | None = None,
) -> InputOutcome:
    """Store every report in *data*; commits before returning.

    An input already stored whole counts its reports as duplicates without being read again,
    unless *again* (``dmarcwatch reparse``). Raises :class:`ingest.errors.StoreError` when the
    store itself fails: then nothing about this input is stored (the poller leaves the
    message where it is).
    """
    sha = hashlib.sha256(data).hexdigest()
    if dry_run:
        events = read_input(data, limits)
        first = next(events)
        check = verifier(data) if verifier is not None and not is_skipped(first) else None
        job = InputImport(None, source, sha, len(data), check=check, limits=limits)
        return job.run(events, first)
    with store.writing() as writer:
        return write_input(writer, source, sha, data, limits, again=again, verifier=verifier)


def write_input(
    writer: Writer,
    source: str,
    sha: str,
    data: bytes,
    limits: Limits,
    *,
    again: bool = False,
    verifier: MailVerifier | None = None,
    ahead: Sequence[str] = (),
) -> InputOutcome:
    """Write one input (hash *sha*) in the writer's open transaction; see :func:`import_input`.

    A *verifier* checks a mail input's signatures once, before its reports are read. *ahead*:
    the hashes of the inputs written next (see :meth:`ingest.writer.Writer.input_state`).
    """
    stored, complete = writer.input_state(sha, ahead)
    if complete is not None and not again:
        return skipped_input(source, sha, complete)
    events = read_input(data, limits)
    first = next(events)
    if not stored:
        put_input_blob(writer, sha, data, first)
    check = verifier(data) if verifier is not None and not is_skipped(first) else None
    job = InputImport(writer, source, sha, len(data), check=check, limits=limits)
    return job.run(events, first)


def _read_ahead(events: Reading) -> tuple[list[Event], bool]:
    """The events up to and with the :data:`READ_AHEAD_BATCHES`-th batch; whether that is all."""
    held: list[Event] = []
    batches = 0
    try:
        while batches < READ_AHEAD_BATCHES:
            event = events.send(False)
            held.append(event)
            batches += isinstance(event, Batch)
    except StopIteration:
        return held, True
    return held, False


def put_input_blob(writer: Writer, sha: str, data: bytes, first: Event) -> None:
    """Keep an input's bytes, or only the headers of one that holds no report at all.

    Ordinary mail, failure (ruf) reports and TLS reports are skipped whole, and that is known
    from the first event: keeping their bodies (spam of 28 MB, ruf reports with personal
    data) would fill the store forever. Their digest stays as the blob's key.
    """
    if is_skipped(first):
        writer.put_headers(sha, len(data), header_block(data))
    else:
        writer.put_blob(sha, data)


def header_block(data: bytes) -> bytes:
    """A message's header fields (at most 64 KiB); nothing for a file that is not a message."""
    if sniff(data) is not ContentKind.MESSAGE:
        return b""
    head = data[:_HEADER_BYTES]
    end = _HEADER_END.search(head)
    return head[: end.start()] + b"\n" if end else head


def is_skipped(event: Event) -> bool:
    """Whether *event* says the whole input holds no aggregate report."""
    return (
        isinstance(event, Rejected)
        and event.whole_input
        and event.reject_class in _NOT_REPORT_CLASSES
    )


def skipped_input(source: str, sha: str, reports: int) -> InputOutcome:
    """An input stored whole before, not read again: its *reports* are duplicates."""
    return InputOutcome(source, sha, 0, reports, 0, 0, (), "processed")


@dataclass(slots=True)
class _Report:
    """The report being read: its key in the store (``None``: a duplicate, or a dry run)."""

    location: str
    header: ReportHeader
    pk: int | None
    duplicate: bool
    verdict: str = "not-applicable"
    contending: bool = False
    records: int = 0
    messages: int = 0
    reporter_day: int = 0
    """Records the store already holds for the report's reporter and day."""


@dataclass(slots=True)
class InputImport:
    """Writes one input's events (no writer: a dry run, which only counts).

    The writer's transaction belongs to the caller; the blob must be stored first.
    :meth:`finish` marks the input complete when every report in it was stored or already was.
    """

    writer: Writer | None
    source: str
    blob_sha256: str
    size: int
    stored: int = 0
    duplicates: int = 0
    records: int = 0
    messages: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    kind: Kind = "processed"
    check: MailCheck | None = None
    verdicts: dict[str, int] = field(default_factory=dict)
    disputed: list[str] = field(default_factory=list)
    limits: Limits = DEFAULT_LIMITS
    tls_reports: int = 0
    failure_reports: int = 0
    _report: _Report | None = field(default=None, init=False)
    _skipping: bool = field(default=False, init=False)
    """A report was rejected half-way: its remaining rows and its end are ignored."""

    def run(self, events: Reading, first: Event) -> InputOutcome:
        """Write every event of an in-line reading (*first* already taken from it), telling
        it to skip stored reports.

        The first :data:`READ_AHEAD_BATCHES` batches of records are read before anything is
        written, which is the whole of a small input: on PostgreSQL a report's first write
        waits for the server to finish the statements sent before it (the previous input's
        rows), and this way the client reads the next input meanwhile. A stored report among
        those read ahead has its records read too, and dropped, as with ``--jobs``.
        """
        held, ended = _read_ahead(events)
        reply = self.on(first)
        for event in held:
            reply = self.on(event)
        try:
            while not ended:
                reply = self.on(events.send(reply))
        except StopIteration:
            pass
        return self.finish()

    def on(self, event: Event) -> bool:
        """Write one event; ``True`` after a report's header when the report is stored."""
        match event:
            case Batch():
                self._rows(event)
            case ReportStarted():
                return self._started(event)
            case ReportEnded():
                self._ended(event)
            case Rejected() if self._skipping:
                self._skipping = False  # the report rejected half-way, failing on its own
            case TlsRead():
                self._tls(event)
            case FailureRead():
                self._failure(event)
            case Rejected():
                self._rejected(event)
        return False

    def finish(self) -> InputOutcome:
        if self.writer is not None and self.failure_reports:
            self.writer.drop_blob_bytes(self.blob_sha256)  # personal data: keep its digest
        if self.writer is not None and self.kind == "processed":
            reports = self.stored + self.duplicates + self.tls_reports + self.failure_reports
            self.writer.mark_complete(self.blob_sha256, reports)
        return InputOutcome(
            source=self.source,
            blob_sha256=self.blob_sha256,
            stored=self.stored,
            duplicates=self.duplicates,
            records=self.records,
            messages=self.messages,
            rejected=tuple(self.rejected),
            kind=self.kind,
            verdicts=tuple(sorted(self.verdicts.items())),
            disputed=tuple(self.disputed),
            tls_reports=self.tls_reports,
            failure_reports=self.failure_reports,
        )

    def _tls(self, event: TlsRead) -> None:
        if self.writer is not None:
            written = self.writer.add_tls_report(
                event.report,
                source=self.source,
                location=event.location,
                blob_sha256=self.blob_sha256,
                content=event.content_sha256,
            )
            if written == "conflict":
                self._rejected(Rejected(event.location, _CONFLICT, RejectClass.CONFLICT))
                return
        self.tls_reports += 1

    def _failure(self, event: FailureRead) -> None:
        if self.writer is not None:
            self.writer.add_failure_report(
                event.report,
                source=self.source,
                location=event.location,
                blob_sha256=self.blob_sha256,
            )
        self.failure_reports += 1

    def _started(self, event: ReportStarted) -> bool:
        """Write the report's row; a key already stored is written as its next variant."""
        verdict = verdict_of(self.check, event.header)
        pk, contending = None, False
        if self.writer is not None:
            pk = self._start(event, verdict, contending=False)
            if pk is None:
                contending = True
                pk = self._start(event, verdict, contending=True)
        duplicate = self.writer is not None and pk is None
        self._report = _Report(event.location, event.header, pk, duplicate, verdict, contending)
        if self.writer is not None and not duplicate:
            metadata = event.header.metadata
            self._report.reporter_day = self.writer.reporter_day_records(
                metadata.org_name, metadata.begin
            )
        return False

    def _start(self, event: ReportStarted, verdict: str, *, contending: bool) -> int | None:
        assert self.writer is not None
        return self.writer.start_report(
            event.header,
            source=self.source,
            location=event.location,
            blob_sha256=self.blob_sha256,
            verification=verdict,
            contending=contending,
        )

    def _rows(self, batch: Batch) -> None:
        report = self._report
        if report is None or report.duplicate:
            return  # a worker reads a stored report whole; its rows are not needed
        limit = self.limits.max_reporter_day_records
        if report.reporter_day + report.records + len(batch.records) > limit:
            self._over_reporter_day(report, limit)
            return
        if self.writer is not None and report.pk is not None:
            self.writer.write_rows(report.pk, batch)
        report.records += len(batch.records)
        report.messages += batch.messages

    def _over_reporter_day(self, report: _Report, limit: int) -> None:
        reason = (
            f"the reports of {quote(report.header.metadata.org_name, 60)} for this day would "
            f"hold more than {limit} records in all (max_reporter_day_records)"
        )
        self._rejected(Rejected(report.location, reason, RejectClass.LIMIT))
        self._skipping = True

    def _ended(self, event: ReportEnded) -> None:
        report, self._report = self._report, None
        if report is None and self._skipping:
            self._skipping = False
            return
        if report is None:
            raise RuntimeError("a report ended that had not started")
        if report.duplicate or self._same_as_stored(report, event.content_sha256):
            self.duplicates += 1
            return
        if self.writer is not None and report.pk is not None and event.end is not None:
            written = Written(report.records, report.messages)
            self.writer.end_report(
                report.pk, report.header, event.end, event.content_sha256, written
            )
        if report.contending:
            self.disputed.append(report.location)
        self.verdicts[report.verdict] = self.verdicts.get(report.verdict, 0) + 1
        self.stored += 1
        self.records += report.records
        self.messages += report.messages

    def _same_as_stored(self, report: _Report, content_sha256: str) -> bool:
        """Whether a contending report is one already stored under its key (then dropped)."""
        if not report.contending or self.writer is None or report.pk is None:
            return False
        if content_sha256 not in self.writer.key_contents(report.header.key, report.pk):
            return False
        self.writer.abandon_report()
        return True

    def _rejected(self, event: Rejected) -> None:
        if self._report is not None:
            self._report = None
            if self.writer is not None:
                self.writer.abandon_report()
        rejection = Rejection(event.location, event.reason, str(event.reject_class))
        self.rejected.append(rejection)
        if event.whole_input and event.reject_class in _NOT_REPORT_CLASSES:
            self.kind = "other"
        else:
            self.kind = "invalid"
        if self.writer is not None:
            self.writer.record_reject(
                blob_sha256=self.blob_sha256,
                location=event.location,
                source=self.source,
                reason=rejection.reason,
                reject_class=rejection.reject_class,
                size=self.size,
            )
