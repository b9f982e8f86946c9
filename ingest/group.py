"""Group commits: several inputs per write transaction, each under a savepoint of its own.

A commit costs more than writing a small report, so inputs are written into one open
transaction until :class:`GroupLimits` says to commit: a number of inputs, of input bytes, or
seconds since the group began (so another writer never waits long for the store). Each input
is written under its own savepoint, which keeps every guarantee of one transaction per input:

- an input's reports commit together, and an input that fails (a bug, not the store) is rolled
  back to its savepoint alone and handed back as :class:`Failed`; the group's others commit;
- a crash or a store failure loses the inputs of the open group only, none committed before;
  :meth:`InputGroup.commit` returns outcomes only once they are committed, so nothing is
  reported (or, for the poller, moved) before it is safe;
- inside the group, reads see the group's own writes: an input met twice is skipped on its
  hash the second time, as it would be after a commit.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from sqlalchemy.exc import DBAPIError

from .errors import StoreError
from .limits import DEFAULT_LIMITS, Limits, MiB
from .pipeline import InputOutcome, write_input
from .sources import Input, InputError
from .store import Store
from .verify import MailVerifier
from .writer import STATE_READS, BlobState, Writer

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GroupLimits:
    """When an open group commits: whichever comes first."""

    inputs: int = 500
    bytes: int = 32 * MiB
    seconds: float = 0.5


@dataclass(frozen=True, slots=True)
class Done(Generic[T]):
    """An input written and committed."""

    item: T
    outcome: InputOutcome


@dataclass(frozen=True, slots=True)
class Failed(Generic[T]):
    """An input whose writing raised *error* (not a store failure); nothing of it is stored."""

    item: T
    error: Exception


class InputGroup(Generic[T]):
    """Writes inputs into one transaction at a time; outcomes come back once committed.

    Use as a context manager: leaving it commits what is pending, unless an exception is
    leaving too, which rolls the open group back.
    """

    def __init__(self, store: Store, limits: GroupLimits | None = None) -> None:
        self.store = store
        self.limits = limits or GroupLimits()
        self._transaction: contextlib.ExitStack | None = None
        self._writer: Writer | None = None
        self._pending: list[Done[T] | Failed[T]] = []
        self._bytes = 0
        self._started = 0.0
        self._driver_error: type[Exception] = store.engine.dialect.loaded_dbapi.Error

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.commit()
        else:
            self.rollback()

    def input_state(self, sha256: str) -> BlobState:
        """Whether an input's bytes are stored (or written in this group), and its reports."""
        if self._writer is not None:
            return self._writer.input_state(sha256)
        return self.store.input_state(sha256)

    def add(
        self,
        item: T,
        source: str,
        data: bytes,
        limits: Limits = DEFAULT_LIMITS,
        verifier: MailVerifier | None = None,
        *,
        sha: str | None = None,
        ahead: Sequence[str] = (),
    ) -> None:
        """Store every report of one input (see :func:`ingest.pipeline.import_input`).

        *sha*: the input's SHA-256 if known; *ahead*: those of the inputs added next.
        """
        digest = sha or hashlib.sha256(data).hexdigest()
        self.write(
            item,
            len(data),
            lambda writer: write_input(
                writer, source, digest, data, limits, verifier=verifier, ahead=ahead
            ),
        )

    def write(self, item: T, size: int, write: Callable[[Writer], InputOutcome]) -> None:
        """Write one input with *write* under its savepoint; its outcome waits for the commit.

        A store failure rolls the whole open group back and is raised (translated into a
        :class:`ingest.errors.StoreError` where it is one).
        """
        writer = self._open()
        try:
            writer.begin_input()
            outcome = write(writer)
            writer.end_input()
        except Exception as error:
            if isinstance(error, DBAPIError | StoreError | self._driver_error):
                self.rollback(error)
            try:
                writer.undo_input()
            except (DBAPIError, self._driver_error) as failure:
                self.rollback(failure)
            self._pending.append(Failed(item, error))
        else:
            self._pending.append(Done(item, outcome))
        self._bytes += size

    def hold(self, item: T, outcome: InputOutcome) -> None:
        """An outcome with nothing to write (an input skipped on its hash), kept in order."""
        self._pending.append(Done(item, outcome))

    def failed(self) -> bool:
        """Whether the last input written failed."""
        return bool(self._pending) and isinstance(self._pending[-1], Failed)

    def due(self) -> bool:
        """Whether the open group has reached a limit and should commit now."""
        if self._writer is None:
            return bool(self._pending)
        return (
            len(self._pending) >= self.limits.inputs
            or self._bytes >= self.limits.bytes
            or time.monotonic() - self._started >= self.limits.seconds
        )

    def commit(self) -> list[Done[T] | Failed[T]]:
        """Commit the open group; the outcomes (and failures) of its inputs, in order."""
        transaction, self._transaction, self._writer = self._transaction, None, None
        if transaction is not None:
            transaction.close()  # commits; a failure here is a store failure, raised
        done, self._pending, self._bytes = self._pending, [], 0
        return done

    def rollback(self, error: BaseException | None = None) -> None:
        """Abandon the open group (nothing of it is stored); re-raise *error* translated."""
        transaction, self._transaction, self._writer = self._transaction, None, None
        self._pending, self._bytes = [], 0
        if transaction is None:
            return
        if error is None:
            transaction.__exit__(RuntimeError, RuntimeError("rolled back"), None)
            return
        if not transaction.__exit__(type(error), error, error.__traceback__):
            raise error

    def _open(self) -> Writer:
        if self._writer is None:
            stack = contextlib.ExitStack()
            self._writer = stack.enter_context(self.store.writing())
            self._transaction = stack
            self._started = time.monotonic()
        return self._writer


def import_all(
    store: Store,
    items: Iterable[Input | InputError],
    limits: Limits = DEFAULT_LIMITS,
    group_limits: GroupLimits | None = None,
    verifier: MailVerifier | None = None,
) -> Iterator[InputOutcome | InputError]:
    """Each input's outcome in order (unreadable inputs in their place), written in groups.

    An input whose writing fails with a bug stops the import there, as it would with one
    transaction per input: the inputs before it are committed, nothing of it is stored, and
    the error is raised after their outcomes.
    """
    with InputGroup[Input](store, group_limits) as group:
        for item, sha, ahead in looking_ahead(items):
            if isinstance(item, InputError):
                yield from outcomes(group.commit())
                yield item
                continue
            group.add(item, item.source, item.data, limits, verifier, sha=sha, ahead=ahead)
            if group.failed() or group.due():
                yield from outcomes(group.commit())
        yield from outcomes(group.commit())


def looking_ahead(
    items: Iterable[Input | InputError], inputs: int = STATE_READS, size: int = 8 * MiB
) -> Iterator[tuple[Input | InputError, str, tuple[str, ...]]]:
    """Each item with its SHA-256 and those of the next few already read (*inputs* at most,
    and no more than *size* bytes held), so that the store is asked for their states together
    (:meth:`ingest.writer.Writer.input_state`). An unreadable input's hash is empty."""
    held: deque[tuple[Input | InputError, str]] = deque()
    held_bytes = 0
    for item in items:
        if isinstance(item, Input):
            held.append((item, hashlib.sha256(item.data).hexdigest()))
            held_bytes += len(item.data)
        else:
            held.append((item, ""))
        while len(held) > inputs or (held_bytes > size and len(held) > 1):
            first = _first(held)
            held_bytes -= len(first[0].data) if isinstance(first[0], Input) else 0
            yield first
    while held:
        yield _first(held)


def _first(
    held: deque[tuple[Input | InputError, str]],
) -> tuple[Input | InputError, str, tuple[str, ...]]:
    item, sha = held.popleft()
    return item, sha, tuple(next_sha for _, next_sha in held if next_sha)


def outcomes(done: Iterable[Done[Any] | Failed[Any]]) -> Iterator[InputOutcome]:
    """The committed outcomes, in order; a failed input's error is raised in its place."""
    for entry in done:
        if isinstance(entry, Failed):
            raise entry.error
        yield entry.outcome
