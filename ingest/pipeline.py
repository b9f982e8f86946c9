"""One input through the whole ingest stage: keep its bytes, unpack, parse, store.

An input is the original bytes of one file or one e-mail message. Its bytes are stored
(compressed, deduplicated by hash) with its reports, so nothing is lost and any input can be
parsed again after a parser fix (``dmarcwatch reparse``). The whole input commits in one
transaction; each report inside it is written under a savepoint, so a report that fails is
recorded as a reject with a one-line reason and the others in the same input are still stored.

Duplicates are cheap. An input stored whole before (every report in it stored) is skipped on
its hash alone. Otherwise, once a report's header is read, a report already in the store is
not parsed further; its remaining bytes are only hashed, to tell a true duplicate from a
different report that reuses the same id (a conflict, kept as a reject).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ingest.errors import RejectClass, RejectedInput
from ingest.limits import DEFAULT_LIMITS, Limits
from ingest.parse import open_report
from ingest.store import Store
from ingest.unpack import Payload, unpack
from ingest.writer import Writer

Kind = Literal["processed", "invalid", "other"]

_NOT_REPORT_CLASSES = frozenset(
    {RejectClass.NOT_A_REPORT, RejectClass.FAILURE_REPORT, RejectClass.TLS_REPORT}
)
_WHITESPACE = b" \t\r\n"


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


@dataclass(slots=True)
class _Tally:
    stored: int = 0
    duplicates: int = 0
    records: int = 0
    messages: int = 0


def import_input(
    store: Store,
    source: str,
    data: bytes,
    limits: Limits = DEFAULT_LIMITS,
    *,
    dry_run: bool = False,
    again: bool = False,
) -> InputOutcome:
    """Store every report in *data*; commits before returning.

    An input already stored whole counts its reports as duplicates without being read again,
    unless *again* (``dmarcwatch reparse``). Raises :class:`ingest.errors.StoreError` when the
    store itself fails: then nothing about this input is stored (the poller leaves the
    message where it is).
    """
    sha = hashlib.sha256(data).hexdigest()
    if dry_run:
        return _Job(None, source, sha, len(data), limits).run(data)
    with store.writing() as writer:
        stored, complete = writer.input_state(sha)
        if complete is not None and not again:
            return InputOutcome(source, sha, 0, complete, 0, 0, (), "processed")
        if not stored:
            writer.put_blob(sha, data)
        outcome = _Job(writer, source, sha, len(data), limits).run(data)
        if outcome.kind == "processed":
            writer.mark_complete(sha, outcome.stored + outcome.duplicates)
    return outcome


@dataclass(frozen=True, slots=True)
class _Job:
    """One input being imported: where it goes (no writer: a dry run) and what it is."""

    writer: Writer | None
    source: str
    blob_sha256: str
    size: int
    limits: Limits

    def run(self, data: bytes) -> InputOutcome:
        try:
            payloads = list(unpack(data, self.limits))
        except RejectedInput as exc:
            rejection = self.reject("", exc)
            kind: Kind = "other" if exc.reject_class in _NOT_REPORT_CLASSES else "invalid"
            return InputOutcome(self.source, self.blob_sha256, 0, 0, 0, 0, (rejection,), kind)
        tally = _Tally()
        rejected: list[Rejection] = []
        for payload in payloads:
            try:
                self.import_payload(payload, tally)
            except RejectedInput as exc:
                rejected.append(self.reject(payload.location, exc))
        return InputOutcome(
            source=self.source,
            blob_sha256=self.blob_sha256,
            stored=tally.stored,
            duplicates=tally.duplicates,
            records=tally.records,
            messages=tally.messages,
            rejected=tuple(rejected),
            kind="invalid" if rejected else "processed",
        )

    def import_payload(self, payload: Payload, tally: _Tally) -> None:
        hasher = hashlib.sha256()
        chunks = _hashed(payload.chunks(), hasher)
        stream = open_report(chunks, self.limits)
        if self.writer is None:
            for record in stream.records():
                tally.records += 1
                tally.messages += record.count
            tally.stored += 1
            return
        result = self.writer.add_report(
            stream.header,
            stream.records(),
            lambda: stream.end,
            source=self.source,
            location=payload.location,
            blob_sha256=self.blob_sha256,
            content_sha256=hasher.hexdigest,
        )
        if result.status == "duplicate":  # no record was read: hash the rest, unparsed
            stored_hash = self.writer.has_report(stream.header.key)
            for _ in chunks:
                pass
            _check_same(stored_hash or "", hasher.hexdigest())
            tally.duplicates += 1
            return
        tally.stored += 1
        tally.records += result.records
        tally.messages += result.messages

    def reject(self, location: str, exc: RejectedInput) -> Rejection:
        """Record a rejection (once per input and location, however often it is seen)."""
        rejection = Rejection(location, exc.reason, str(exc.reject_class))
        if self.writer is not None:
            self.writer.record_reject(
                blob_sha256=self.blob_sha256,
                location=location,
                source=self.source,
                reason=rejection.reason,
                reject_class=rejection.reject_class,
                size=self.size,
            )
        return rejection


def _hashed(chunks: Iterator[bytes], hasher: hashlib._Hash) -> Iterator[bytes]:
    """Pass chunks through, hashing them without white space (line endings change in mail)."""
    for chunk in chunks:
        hasher.update(chunk.translate(None, _WHITESPACE))
        yield chunk


def _check_same(stored: str, seen: str) -> None:
    if stored and stored != seen:
        raise RejectedInput(
            "a different report with the same reporter, report id, domain and period "
            "is already stored; this one was kept as a reject",
            RejectClass.CONFLICT,
        )
