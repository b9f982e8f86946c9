"""Run in a fresh process by ``test_workers``: diagnose a store in one process and in forked
workers, and print what each found (a process with test servers' threads would not fork)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time

import sqlalchemy as sa

from dmarcwatch.analysis.api import Query, analyse
from dmarcwatch.analysis.read import Reader
from dmarcwatch.analysis.workers import can_fork, map_forked


def _findings(reader: Reader, workers: int) -> list[list[dict[str, object]]]:
    result = analyse(reader, Query(span=dt.timedelta(days=400)), workers=workers)
    return [[f.as_dict() for f in d.findings] for d in result.domains]


def _pid_after_a_while(_: int) -> int:
    """The worker's pid, after long enough that one worker cannot take every item before the
    other has started (on a loaded machine it did)."""
    time.sleep(0.2)
    return os.getpid()


def main() -> None:
    reader = Reader(sa.create_engine(sys.argv[1]))
    pids = map_forked(_pid_after_a_while, list(range(8)), 2)
    alone, forked = _findings(reader, 1), _findings(reader, 2)
    out = {
        "can_fork": can_fork(),
        "worker_pids": sorted(set(pids) - {os.getpid()}),
        "domains": len(alone),
        "findings": sum(len(d) for d in alone),
        "same": alone == forked,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
