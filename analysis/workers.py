"""Work spread over forked worker processes, one item at a time, results in order.

Per-domain work (the rules of a diagnosis, a report's page) is independent from domain to
domain and CPU-bound in pandas, so a machine with several cores does it in parallel. Workers
are forked: the parent's modules, catalogue and loaded rows come along without pickling, and
only each item's result travels back. Forking a process that runs other threads can deadlock
a child on a lock one of them held, so with another thread running (or no ``fork`` on this
system) the work stays in-process.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_AUTO_WORKERS = 4


def worker_count(asked: int | None, items: int, *, worth_from: int = 4) -> int:
    """Processes for *items*: as *asked*, else one per CPU (at most 4) from *worth_from* items.

    Always 1 where workers cannot be forked safely (see the module docstring).
    """
    if not can_fork():
        return 1
    if asked is not None:
        return max(1, min(asked, items))
    if items < worth_from:
        return 1
    return max(1, min(_cpus(), MAX_AUTO_WORKERS, items))


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_FORKED: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def map_forked(
    work: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    *,
    after_fork: Callable[[], None] | None = None,
) -> list[R]:
    """``[work(item) for item in items]``, in *workers* forked processes when more than one.

    *after_fork* runs first in each new worker (to drop the parent's database connections,
    for instance). *work* and the items are inherited through the fork; results are pickled.
    """
    if workers <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    global _FORKED  # noqa: PLW0603 - handed to the forked workers, then cleared
    _FORKED = (work, items)
    try:
        context = multiprocessing.get_context("fork")
        chunk = max(1, math.ceil(len(items) / (workers * 4)))
        with ProcessPoolExecutor(workers, mp_context=context, initializer=after_fork) as pool:
            return list(pool.map(_forked_item, range(len(items)), chunksize=chunk))
    finally:
        _FORKED = None


def _forked_item(index: int) -> Any:
    assert _FORKED is not None, "only called in a worker forked by map_forked"
    work, items = _FORKED
    return work(items[index])
