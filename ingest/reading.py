"""Reading one input into events: no store, no I/O, the same in a worker process as in-line.

:func:`read_input` unpacks an input and parses each report in it, yielding what it finds as
small frozen events: a report's header, batches of its records already turned into table rows
(:class:`ingest.bulk.Batch`), its end, or a rejection. :mod:`ingest.pipeline` writes them as
they come; :mod:`ingest.parallel` runs this in worker processes and sends the events to the
one writer.

The consumer may answer a :class:`ReportStarted` with ``True`` (``generator.send``) when the
report is already stored: its remaining bytes are then only hashed, not parsed. A report's
content hash leaves out white space (line endings change in mail), so the same report in
another container still compares equal.

One input has budgets in all (:class:`InputBudget`): decompressed bytes, CPU and wall-clock
seconds, and records. The report being read when a budget runs out is rejected with one
line, and the rest of the input is not read: a mail of twelve crafted parts costs at most one
budget, not twelve reports' limits.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field

from .arf import FailureReport, parse_failure_report
from .bulk import Batch, batches
from .errors import LimitExceeded, NotAReport, RejectClass, RejectedInput
from .limits import Limits
from .model import Record, ReportEnd, ReportHeader
from .parse import open_report
from .tlsrpt import TlsReport, parse_tls_report
from .unpack import Payload, unpack

_WHITESPACE = b" \t\r\n"


@dataclass(frozen=True, slots=True)
class ReportStarted:
    """A report's header was read; its rows follow."""

    location: str
    header: ReportHeader


@dataclass(frozen=True, slots=True)
class ReportEnded:
    """A report was read to its end; ``end`` is ``None`` when it was skipped unparsed."""

    end: ReportEnd | None
    content_sha256: str


@dataclass(frozen=True, slots=True)
class TlsRead:
    """A whole SMTP TLS report (RFC 8460), read and parsed."""

    location: str
    report: TlsReport
    content_sha256: str


@dataclass(frozen=True, slots=True)
class FailureRead:
    """A whole failure report (RFC 6591), read, parsed and redacted."""

    location: str
    report: FailureReport


@dataclass(frozen=True, slots=True)
class Rejected:
    """The input (``whole_input``) or one report in it cannot be stored."""

    location: str
    reason: str
    reject_class: RejectClass
    whole_input: bool = False


Event = ReportStarted | Batch | ReportEnded | TlsRead | FailureRead | Rejected
Reading = Generator[Event, bool | None, None]


@dataclass(slots=True)
class InputBudget:
    """What reading one input may cost in all; :class:`LimitExceeded` once it is spent."""

    limits: Limits
    size: int = 0
    records: int = 0
    cpu_started: float = field(default_factory=time.process_time)
    started: float = field(default_factory=time.monotonic)
    spent: bool = False

    def chunks(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """Pass decompressed chunks through, counting their bytes and the time so far."""
        limits = self.limits
        for chunk in chunks:
            self.size += len(chunk)
            if self.size > limits.max_input_bytes:
                self._spend(
                    f"the reports in this input decompress to more than "
                    f"{limits.max_input_bytes} bytes in all (max_input_bytes)"
                )
            self.check_time()
            yield chunk

    def check_time(self) -> None:
        limits = self.limits
        if time.process_time() - self.cpu_started > limits.max_input_cpu_seconds:
            self._spend(
                f"reading this input took more than {limits.max_input_cpu_seconds:g} CPU "
                "seconds (max_input_cpu_seconds)"
            )
        if time.monotonic() - self.started > limits.max_input_seconds:
            self._spend(
                f"reading this input took more than {limits.max_input_seconds:g} seconds "
                "(max_input_seconds)"
            )

    def counted(self, records: Iterable[Record]) -> Iterator[Record]:
        """Pass records through, counting them against the input's record budget."""
        limit = self.limits.max_input_records
        for record in records:
            self.records += 1
            if self.records > limit:
                self._spend(
                    f"the reports in this input hold more than {limit} records in all "
                    "(max_input_records)"
                )
            yield record

    def _spend(self, reason: str) -> None:
        self.spent = True
        raise LimitExceeded(reason)


def read_input(data: bytes, limits: Limits) -> Reading:
    """Every report in *data* as events, in order; a broken report does not stop the others,
    a spent :class:`InputBudget` stops the input."""
    budget = InputBudget(limits)
    try:
        payloads = list(unpack(data, limits))
    except RejectedInput as exc:
        yield Rejected("", exc.reason, exc.reject_class, whole_input=True)
        return
    for payload in payloads:
        if payload.kind == "tls":
            yield _read_tls(payload, limits, budget)
        elif payload.kind == "failure":
            yield _read_failure(payload, limits, budget)
        else:
            yield from _read_report(payload, limits, budget)
        if budget.spent:
            return


def _read_tls(payload: Payload, limits: Limits, budget: InputBudget) -> TlsRead | Rejected:
    hasher = hashlib.sha256()
    try:
        budget.check_time()
        data = b"".join(_hashed(budget.chunks(payload.chunks()), hasher))
        return TlsRead(payload.location, parse_tls_report(data, limits), hasher.hexdigest())
    except RejectedInput as exc:
        return Rejected(payload.location, exc.reason, exc.reject_class)


def _read_failure(payload: Payload, limits: Limits, budget: InputBudget) -> FailureRead | Rejected:
    """A failure report; an ARF report of another kind is not a report (the whole input)."""
    try:
        budget.check_time()
        data = b"".join(budget.chunks(payload.chunks()))
        return FailureRead(payload.location, parse_failure_report(data, limits))
    except NotAReport as exc:
        return Rejected("", exc.reason, exc.reject_class, whole_input=True)
    except RejectedInput as exc:
        return Rejected(payload.location, exc.reason, exc.reject_class)


def _read_report(payload: Payload, limits: Limits, budget: InputBudget) -> Reading:
    hasher = hashlib.sha256()
    try:
        budget.check_time()
        chunks = _hashed(budget.chunks(payload.chunks()), hasher)
        stream = open_report(chunks, limits)
        if (yield ReportStarted(payload.location, stream.header)):
            for _ in chunks:  # already stored: hash the rest without parsing it
                pass
            yield ReportEnded(None, hasher.hexdigest())
            return
        yield from batches(budget.counted(stream.records()))
        yield ReportEnded(stream.end, hasher.hexdigest())
    except RejectedInput as exc:
        yield Rejected(payload.location, exc.reason, exc.reject_class)


def _hashed(chunks: Iterator[bytes], hasher: hashlib._Hash) -> Iterator[bytes]:
    """Pass chunks through, hashing them without white space."""
    for chunk in chunks:
        hasher.update(chunk.translate(None, _WHITESPACE))
        yield chunk
