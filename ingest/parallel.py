"""Importing with worker processes: N readers, one writer.

Reading an input (unpack, parse, rows: :func:`ingest.reading.read_input`) is most of an
import's CPU time and needs no store, so :class:`Readers` hands inputs to worker processes and
the calling process writes their events, one input per savepoint in group commits
(:mod:`ingest.group`), in the order the inputs came: the outcomes, the store and every message
are the same as without workers.

Memory stays bounded however large a report is: each worker sends its events through its own
queue of :data:`QUEUE_EVENTS` (a batch is at most :data:`ingest.bulk.BATCH_RECORDS` records)
and waits while the writer is behind, and at most :data:`INPUTS_AHEAD` inputs per worker, and
:data:`BYTES_AHEAD` bytes in all, are handed out before their turn to be written. Handing
several inputs ahead keeps every worker busy while the writer waits on a large report.

Workers start from a fork server, a clean process that has imported only this package, never
from the caller, which may hold database connections that must not cross a fork. A worker
that dies or hits a bug stops the import with an error; inputs already written stay written.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import queue
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, Self

from .group import InputGroup, outcomes
from .limits import DEFAULT_LIMITS, Limits
from .pipeline import (
    InputImport,
    InputOutcome,
    is_skipped,
    put_input_blob,
    skipped_input,
)
from .reading import read_input
from .sources import Input, InputError
from .store import Store
from .verify import MailVerifier
from .writer import Writer

QUEUE_EVENTS = 32
"""Events a worker may read ahead of the writer (a report of few records is three)."""

INPUTS_AHEAD = 8
"""Inputs handed to each worker before their turn to be written, at most."""

BYTES_AHEAD = 64 * 1024 * 1024
"""Input bytes handed out before their turn to be written, at most (one input may exceed it)."""

_POLL_S = 1.0


class WorkerFailed(RuntimeError):
    """A worker process died or hit a bug; the import cannot go on."""


@dataclass(frozen=True, slots=True)
class _Done:
    """The last event of one input."""


@dataclass(frozen=True, slots=True)
class _Failed:
    """A worker's unexpected exception, as text (tracebacks do not cross processes)."""

    error: str


@dataclass(frozen=True, slots=True)
class _Handed:
    """An input given to a worker, waiting for its turn to be written."""

    worker: int
    item: Input
    sha256: str
    blob_stored: bool


@dataclass(slots=True)
class _Ahead:
    """The inputs handed out and not yet written."""

    most: int
    inputs: int = 0
    size: int = 0
    handed_in_all: int = 0

    def add(self, size: int) -> None:
        self.inputs += 1
        self.size += size
        self.handed_in_all += 1

    def remove(self, size: int) -> None:
        self.inputs -= 1
        self.size -= size

    def full(self) -> bool:
        return self.inputs >= self.most or (self.inputs > 0 and self.size > BYTES_AHEAD)


def _work(tasks: Any, events: Any, limits: Limits) -> None:
    """A worker: read each input it is given into events, until it is given ``None``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    while (data := tasks.get()) is not None:
        try:
            for event in read_input(data, limits):
                events.put(event)
        except Exception as exc:  # noqa: BLE001 - a bug: the writer reports it and stops
            events.put(_Failed(f"{type(exc).__name__}: {exc}"))
            continue
        events.put(_Done())


class Readers:
    """*jobs* worker processes reading inputs for this process to write."""

    def __init__(self, jobs: int, limits: Limits = DEFAULT_LIMITS) -> None:
        if jobs < 1:
            raise ValueError("at least one worker is needed")
        self._jobs = jobs
        self._limits = limits
        self._verifier: MailVerifier | None = None
        self._tasks: list[Any] = []
        self._events: list[Any] = []
        self._workers: list[BaseProcess] = []

    def _start(self) -> None:
        """Start the workers, when the first input needs reading (a re-import may need none)."""
        context = multiprocessing.get_context("forkserver")
        assert isinstance(context, ForkServerContext)
        context.set_forkserver_preload([__name__])
        self._tasks = [context.Queue() for _ in range(self._jobs)]
        self._events = [context.Queue(maxsize=QUEUE_EVENTS) for _ in range(self._jobs)]
        for tasks, events in zip(self._tasks, self._events, strict=True):
            worker = context.Process(target=_work, args=(tasks, events, self._limits), daemon=True)
            worker.start()
            self._workers.append(worker)

    @property
    def pids(self) -> list[int]:
        """The worker processes' ids (none before the first input is handed out)."""
        return [worker.pid for worker in self._workers if worker.pid is not None]

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(finished=exc is None)

    def close(self, *, finished: bool = True) -> None:
        """Stop the workers: let them finish when the import did, else at once."""
        for tasks, worker in zip(self._tasks, self._workers, strict=True):
            if finished and worker.is_alive():
                tasks.put(None)
        for worker in self._workers:
            worker.join(timeout=10 if finished else 0)
            if worker.is_alive():
                worker.terminate()
                worker.join()
        for channel in (*self._tasks, *self._events):
            channel.close()
            channel.cancel_join_thread()

    def import_all(
        self,
        store: Store,
        items: Iterable[Input | InputError],
        verifier: MailVerifier | None = None,
    ) -> Iterator[InputOutcome | InputError]:
        """Write every input's reports, yielding outcomes (and unreadable inputs) in order.

        Inputs are written in group commits (:mod:`ingest.group`); an outcome is yielded once
        its input is committed. A *verifier* checks each mail input's DKIM in this process.
        """
        self._verifier = verifier
        waiting: deque[InputOutcome | InputError | _Handed] = deque()
        ahead = _Ahead(INPUTS_AHEAD * self._jobs)
        with InputGroup[_Handed | None](store) as group:
            for item in items:
                entry = item if isinstance(item, InputError) else self._hand(group, item, ahead)
                waiting.append(entry)
                while waiting and (ahead.full() or not isinstance(waiting[0], _Handed)):
                    yield from self._next_outcome(group, waiting.popleft(), ahead)
            while waiting:
                yield from self._next_outcome(group, waiting.popleft(), ahead)
            yield from outcomes(group.commit())

    def _hand(
        self, group: InputGroup[_Handed | None], item: Input, ahead: _Ahead
    ) -> InputOutcome | _Handed:
        """Give an input to the next worker, unless it is stored whole already."""
        sha = hashlib.sha256(item.data).hexdigest()
        stored, complete = group.input_state(sha)
        if complete is not None:
            return skipped_input(item.source, sha, complete)
        if not self._workers:
            self._start()
        worker = ahead.handed_in_all % self._jobs
        self._tasks[worker].put(item.data)
        ahead.add(len(item.data))
        return _Handed(worker, item, sha, stored)

    def _next_outcome(
        self,
        group: InputGroup[_Handed | None],
        entry: InputOutcome | InputError | _Handed,
        ahead: _Ahead,
    ) -> Iterator[InputOutcome | InputError]:
        """Write a handed input into the group; yield what the group committed."""
        if isinstance(entry, InputError):
            yield from outcomes(group.commit())
            yield entry
            return
        if isinstance(entry, InputOutcome):
            group.hold(None, entry)
        else:
            ahead.remove(len(entry.item.data))
            group.write(entry, len(entry.item.data), lambda writer: self._write(writer, entry))
        if group.failed() or group.due():
            yield from outcomes(group.commit())

    def _write(self, writer: Writer, entry: _Handed) -> InputOutcome:
        data = entry.item.data
        event = self._event(entry.worker)
        if not entry.blob_stored:
            put_input_blob(writer, entry.sha256, data, event)
        check = (
            self._verifier(data) if self._verifier is not None and not is_skipped(event) else None
        )
        job = InputImport(
            writer, entry.item.source, entry.sha256, len(data), check=check, limits=self._limits
        )
        while not isinstance(event, _Done):
            job.on(event)
            event = self._event(entry.worker)
        return job.finish()

    def _event(self, worker: int) -> Any:
        while True:
            try:
                event = self._events[worker].get(timeout=_POLL_S)
            except queue.Empty:
                process = self._workers[worker]
                if not process.is_alive():
                    raise WorkerFailed(
                        f"a reading process stopped unexpectedly (exit code {process.exitcode})"
                    ) from None
                continue
            if isinstance(event, _Failed):
                raise WorkerFailed(f"a reading process failed: {event.error}")
            return event
