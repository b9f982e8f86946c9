"""The polling loop: new messages of one mailbox folder → the pipeline → the right folder.

The folder is any :class:`~ingest.source.Source`: IMAP, Maildir, Microsoft Graph or Gmail.

For each message not yet handled (tracked by UID and UIDVALIDITY in the store, not by
``\\Seen``, so a person reading the mailbox changes nothing):

1. fetch it with ``BODY.PEEK[]`` (one UID FETCH per batch, bounded by count and bytes);
2. store its reports and record its outcome in ``mailbox_messages``, under a savepoint of its
   own in the batch's one transaction (:mod:`ingest.group`), and commit the batch;
3. only then move the batch's messages by UID set: processed, invalid or other folder (or
   delete them, with ``delete``).

A run stopped anywhere loses nothing: a message is moved only after its reports and its
ledger row committed (together), and a recorded message still in the folder is moved by the
next run without being imported again. A message that fails with a bug is rolled back to its
savepoint and left in place; the rest of its batch commits.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from types import FrameType
from urllib.parse import quote as url_quote

from .errors import RejectedInput, StoreError, quote
from .group import Done, GroupLimits, InputGroup
from .ledger import Ledger, MessageRecord
from .limits import DEFAULT_LIMITS, Limits, MiB
from .mailbox import (
    LoginRefused,
    MailboxError,
    MailboxMisconfigured,
    MailboxStopped,
    MailboxUnavailable,
    TLSVerificationFailed,
)
from .pipeline import DISPUTED, InputOutcome, import_input, write_input
from .source import Describes, Source
from .store import Store
from .verify import MailVerifier
from .writer import STATE_READS, Writer

log = logging.getLogger(__name__)

PROCESSED, INVALID, OTHER = "processed", "invalid", "other"
_ONE_TRANSACTION = GroupLimits(inputs=1 << 30, bytes=1 << 62, seconds=float("inf"))
"""A fetched batch (bounded by ``batch_messages`` and ``batch_bytes``) commits as one."""
TOO_LARGE = "too-large"  # never fetched; moved like an invalid message


@dataclass(frozen=True, slots=True)
class Folders:
    """Where messages come from and go to; an empty target leaves such messages in place."""

    source: str = "INBOX"
    processed: str = "DMARC/Processed"
    invalid: str = "DMARC/Invalid"
    other: str = "DMARC/Other"
    delete_processed: bool = False

    def target(self, outcome: str) -> str:
        if outcome == PROCESSED:
            return self.processed
        if outcome in (INVALID, TOO_LARGE):
            return self.invalid
        return self.other


@dataclass(frozen=True, slots=True)
class PollOptions:
    dry_run: bool = False
    since: date | None = None
    limits: Limits = DEFAULT_LIMITS
    batch_messages: int = 200
    batch_bytes: int = 32 * MiB
    retries: int = 3
    backoff: float = 2.0  # seconds before the first retry; doubled each time
    verifier: MailVerifier | None = None  # DKIM of each message (ingest.verify); None: not checked


@dataclass(slots=True)
class MailboxSummary:
    """What one run did with one mailbox (counts are messages unless named otherwise)."""

    mailbox: str
    status: str = "ok"  # ok | unavailable | tls | login | config | error | stopped
    error: str | None = None
    seen: int = 0
    processed: int = 0
    invalid: int = 0
    other: int = 0
    moved: int = 0
    deleted: int = 0
    resumed: int = 0  # handled by an earlier run but not moved then
    failed: int = 0  # an internal error; left in place for the next run
    reports_stored: int = 0
    reports_duplicate: int = 0
    reports_untrusted: int = 0  # stored, but DKIM unverified or failed: not counted by default
    reports_disputed: int = 0  # stored under a key another, different stored report claims
    tls_reports: int = 0
    failure_reports: int = 0
    records: int = 0
    attempts: int = 0
    uidnext: int = 0  # when the folder was selected: later mail has UIDs from here on

    def line(self) -> str:
        reports = [f"{self.reports_stored} reports stored", f"{self.reports_duplicate} duplicates"]
        for count, kind in (
            (self.tls_reports, "TLS report"),
            (self.failure_reports, "failure report"),
        ):
            if count:  # TLS and failure reports, stored or already stored (issue 14)
                reports.append(f"{count} {kind}{'s' if count != 1 else ''}")
        counts = (
            f"{self.seen} in folder, {self.processed} processed, {self.invalid} invalid, "
            f"{self.other} other; {', '.join(reports)}; {self.moved} moved"
        )
        if self.reports_untrusted:
            counts += f", {self.reports_untrusted} reports without their reporter's DKIM"
        if self.reports_disputed:
            counts += f", {self.reports_disputed} reports disputing a stored report's key"
        if self.deleted:
            counts += f", {self.deleted} deleted"
        if self.resumed:
            counts += f", {self.resumed} left by an earlier run"
        if self.failed:
            counts += f", {self.failed} failed (internal error)"
        state = "" if self.status == "ok" else f" [{self.status}]"
        return f"mailbox {quote(self.mailbox)}{state}: {counts}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class StopFlag:
    """Set by SIGTERM: the message in hand is finished and committed, then the run ends."""

    def __init__(self) -> None:
        self._requested = False

    def requested(self) -> bool:
        return self._requested

    def request(self) -> None:
        self._requested = True

    def install(self) -> None:
        signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, _signum: int, _frame: FrameType | None) -> None:
        self.request()

    def sleep(self, seconds: float) -> None:
        """Sleep up to *seconds*, waking early when a stop is requested."""
        deadline = time.monotonic() + seconds
        while not self._requested and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.2))


@dataclass(frozen=True, slots=True)
class MailboxJob:
    """One configured mailbox: its name (in logs and the store), folders, and how to connect."""

    name: str
    folders: Folders
    connect: Callable[[], Source]


def poll_with_retries(
    store: Store, job: MailboxJob, options: PollOptions, stop: StopFlag
) -> MailboxSummary:
    """Poll one mailbox, reconnecting with backoff after transient failures.

    A mailbox that stays unreachable, refuses the login or fails TLS verification gives a
    summary with that status instead of an exception, so the caller can poll the others.
    Store errors are raised: nothing more can be done in this run.
    """
    summary = MailboxSummary(mailbox=job.name)
    delay = options.backoff
    while True:
        summary.attempts += 1
        try:
            _poll_once(store, job, options, stop, summary)
        except MailboxStopped:  # SIGTERM during a read: what is committed stays, nothing else
            summary.status = "stopped"
            return summary
        except MailboxUnavailable as exc:
            if summary.attempts > options.retries or stop.requested():
                return _failed(summary, "unavailable", exc)
            log.info("mailbox %s: %s; retrying in %g s", quote(job.name), exc, delay)
            stop.sleep(delay)
            if stop.requested():
                return _failed(summary, "unavailable", exc)
            delay *= 2
            continue
        except MailboxError as exc:
            return _failed(summary, _status(exc), exc)
        if stop.requested():
            summary.status = "stopped"
        return summary


_STATUSES: tuple[tuple[type[MailboxError], str], ...] = (
    (LoginRefused, "login"),
    (TLSVerificationFailed, "tls"),
    (MailboxMisconfigured, "config"),
)


def _status(exc: MailboxError) -> str:
    """The summary status of an error that ends a mailbox's poll without a retry."""
    return next((status for kind, status in _STATUSES if isinstance(exc, kind)), "error")


def _failed(summary: MailboxSummary, status: str, exc: Exception) -> MailboxSummary:
    summary.status = status
    summary.error = f"mailbox {quote(summary.mailbox)}: {exc}"
    return summary


def _poll_once(
    store: Store, job: MailboxJob, options: PollOptions, stop: StopFlag, summary: MailboxSummary
) -> None:
    mailbox = job.connect()
    try:
        FolderPoll(store, mailbox, job, options, stop=stop, summary=summary).run()
    finally:
        mailbox.close()


class FolderPoll:
    """One pass over the source folder of one connected mailbox."""

    def __init__(
        self,
        store: Store,
        mailbox: Source,
        job: MailboxJob,
        options: PollOptions,
        *,
        stop: StopFlag,
        summary: MailboxSummary,
    ) -> None:
        self.store = store
        self.ledger = Ledger(store)
        self.mailbox = mailbox
        # A runtime Protocol check costs 13 µs, and a message's name is asked for four times.
        self.describes = mailbox if isinstance(mailbox, Describes) else None
        self.name = job.name
        self.folders = job.folders
        self.options = options
        self.stop = stop
        self.summary = summary
        self.uidvalidity = 0
        self.pending: dict[str, list[int]] = {}
        self.created: set[str] = set()

    def run(self) -> None:
        self.uidvalidity = self.mailbox.select(self.folders.source)
        self.summary.uidnext = self.mailbox.uidnext()
        uids = self.mailbox.uids(self.options.since)
        self.summary.seen = len(uids)
        if not uids:
            return
        handled = self._handled(uids[0])
        self._resume([u for u in uids if u in handled], handled)
        todo = [u for u in uids if u not in handled]
        for chunk in _chunks(todo, self.options.batch_messages):
            if self.stop.requested():
                break
            self._chunk(chunk)

    def _handled(self, first_uid: int) -> dict[int, str]:
        folder = self.folders.source
        known = self.ledger.uidvalidity(self.name, folder)
        if self.options.dry_run:  # read only: a dry run skips what a real run would skip
            if known != self.uidvalidity:
                return {}
            return self.ledger.handled(self.name, folder, self.uidvalidity, first_uid)
        if known != self.uidvalidity:
            if known is not None:
                log.warning(
                    "mailbox %s folder %s: UIDVALIDITY changed (%d -> %d); rescanning, "
                    "reports already stored are recognised as duplicates",
                    quote(self.name),
                    quote(folder),
                    known,
                    self.uidvalidity,
                )
            self.ledger.set_uidvalidity(self.name, folder, self.uidvalidity)
        return self.ledger.handled(self.name, folder, self.uidvalidity, first_uid)

    def _resume(self, uids: list[int], handled: dict[int, str]) -> None:
        """Move messages an earlier run handled (committed) but did not get to move."""
        if self.options.dry_run:
            return
        for uid in uids:
            if self._queue(uid, handled[uid]):
                self.summary.resumed += 1
        self._flush()

    def _chunk(self, chunk: Sequence[int]) -> None:
        sizes = self.mailbox.sizes(chunk)
        limit = self.options.limits.max_message_bytes
        for group in _size_groups([u for u in chunk if u in sizes], sizes, self.options):
            if self.stop.requested():
                break
            wanted = [u for u in group if sizes[u] <= limit]
            bodies = self.mailbox.fetch(wanted, sizes) if wanted else {}
            taken, outcomes = self._batch(group, bodies)
            for uid in taken:
                if sizes[uid] > limit:
                    self._too_large(uid, sizes[uid])
                elif uid in outcomes:
                    self._settle(uid, outcomes[uid])
            self._flush()

    def _batch(
        self, uids: list[int], bodies: dict[int, bytes]
    ) -> tuple[list[int], dict[int, InputOutcome | Exception]]:
        """Store a fetched batch in one transaction (a savepoint per message) and commit it.

        Each message's ledger row commits with its reports, so a message is moved only after
        both are committed, and a run killed before the move moves it next time unread.
        Returns the UIDs taken before any stop request, and the outcome of each message.
        """
        taken: list[int] = []
        if self.options.dry_run:
            for uid in uids:
                if self.stop.requested():
                    break
                taken.append(uid)
            return taken, {u: self._import_dry(u, bodies[u]) for u in taken if u in bodies}
        digests = _digests(uids, bodies)
        with InputGroup[int](self.store, _ONE_TRANSACTION) as group:
            for uid in uids:
                if self.stop.requested():
                    break
                taken.append(uid)
                if uid in bodies:
                    data, (sha, ahead) = bodies.pop(uid), digests[uid]
                    write = functools.partial(self._write, uid=uid, data=data, sha=sha, ahead=ahead)
                    group.write(uid, len(data), write)
            done = group.commit()
        return taken, {
            entry.item: entry.outcome if isinstance(entry, Done) else entry.error for entry in done
        }

    def _import_dry(self, uid: int, data: bytes) -> InputOutcome | Exception:
        try:
            return import_input(
                self.store,
                self._source(uid),
                data,
                self.options.limits,
                dry_run=True,
                verifier=self.options.verifier,
            )
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported per message by _settle
            return exc

    def _write(
        self, writer: Writer, uid: int, data: bytes, sha: str, ahead: tuple[str, ...]
    ) -> InputOutcome:
        outcome = write_input(
            writer,
            self._source(uid),
            sha,
            data,
            self.options.limits,
            verifier=self.options.verifier,
            ahead=ahead,
        )
        record = MessageRecord(self.name, self.folders.source, self.uidvalidity, uid)
        self.ledger.record_in(writer, record, outcome.kind, outcome.blob_sha256)
        return outcome

    def _source(self, uid: int) -> str:
        """An RFC 5092 IMAP URL naming the message (or the source's own name for it), stored
        with its reports and rejects."""
        if self.describes is not None:
            return self.describes.describe(self.name, uid)
        folder = url_quote(self.folders.source, safe="")
        return f"imap://{url_quote(self.name)}/{folder};UIDVALIDITY={self.uidvalidity}/;UID={uid}"

    def _settle(self, uid: int, outcome: InputOutcome | Exception) -> None:
        """Count, log and queue the move of a message whose outcome is committed."""
        source = self._source(uid)
        if isinstance(outcome, RejectedInput):  # the pipeline records rejects; belt and braces
            log.warning("%s: invalid: %s", source, outcome)
            self._done(uid, INVALID, None)
            return
        if isinstance(outcome, Exception):  # a bug: keep it from blocking every later report
            self.summary.failed += 1
            log.error(
                "%s: internal error %s; message left in place; rerun with --debug and report it",
                source,
                quote(f"{type(outcome).__name__}: {outcome}", 200),
                exc_info=(type(outcome), outcome, outcome.__traceback__)
                if log.isEnabledFor(logging.DEBUG)
                else None,
            )
            return
        self._count(outcome)
        if outcome.kind == INVALID:
            for rejection in outcome.rejected:
                log.warning(
                    "%s: invalid: %s: %s", source, quote(rejection.location), rejection.reason
                )
        if not self.options.dry_run:
            self._queue(uid, outcome.kind)  # recorded in the ledger with its reports

    def _too_large(self, uid: int, size: int) -> None:
        limit = self.options.limits.max_message_bytes
        log.warning(
            "%s: invalid: message of %d bytes exceeds the %d-byte limit; not fetched",
            self._source(uid),
            size,
            limit,
        )
        self.summary.invalid += 1
        self._done(uid, TOO_LARGE, None)

    def _count(self, outcome: InputOutcome) -> None:
        s = self.summary
        s.reports_stored += outcome.stored
        s.reports_duplicate += outcome.duplicates
        verdicts = dict(outcome.verdicts)
        s.reports_untrusted += verdicts.get("unverified", 0) + verdicts.get("failed", 0)
        s.reports_disputed += len(outcome.disputed)
        for location in outcome.disputed:
            log.warning(DISPUTED, outcome.source, location)
        s.tls_reports += outcome.tls_reports
        s.failure_reports += outcome.failure_reports
        s.records += outcome.records
        if outcome.kind == PROCESSED:
            s.processed += 1
        elif outcome.kind == INVALID:
            s.invalid += 1
        else:
            s.other += 1

    def _done(self, uid: int, outcome: str, blob_sha256: str | None) -> None:
        if self.options.dry_run:
            return
        self.ledger.record(
            self.name,
            self.folders.source,
            self.uidvalidity,
            uid,
            outcome=outcome,
            blob_sha256=blob_sha256,
        )
        self._queue(uid, outcome)

    def _queue(self, uid: int, outcome: str) -> bool:
        if outcome == PROCESSED and self.folders.delete_processed:
            self.pending.setdefault("", []).append(uid)
            return True
        target = self.folders.target(outcome)
        if target:
            self.pending.setdefault(target, []).append(uid)
        return bool(target)

    def _flush(self) -> None:
        """Move (or delete) the queued messages: all of them are recorded as handled."""
        pending, self.pending = self.pending, {}
        for target, uids in pending.items():
            if not target:
                self.mailbox.delete(uids)
                self.summary.deleted += len(uids)
                continue
            if target not in self.created:
                self.mailbox.ensure_folder(target)
                self.created.add(target)
            self.mailbox.move(uids, target)
            self.summary.moved += len(uids)


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _size_groups(
    uids: Sequence[int], sizes: dict[int, int], options: PollOptions
) -> Iterator[list[int]]:
    """Split *uids* so that one fetch holds at most ``batch_bytes`` (or one large message)."""
    group: list[int] = []
    total = 0
    for uid in uids:
        if group and total + sizes[uid] > options.batch_bytes:
            yield group
            group, total = [], 0
        group.append(uid)
        total += sizes[uid]
    if group:
        yield group


def _digests(uids: list[int], bodies: dict[int, bytes]) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Each fetched message's SHA-256, with those of the next few in the batch: the store is
    asked for their states together (:meth:`ingest.writer.Writer.input_state`)."""
    fetched = [uid for uid in uids if uid in bodies]
    shas = [hashlib.sha256(bodies[uid]).hexdigest() for uid in fetched]
    return {uid: (shas[i], tuple(shas[i + 1 : i + STATE_READS])) for i, uid in enumerate(fetched)}
