"""Helper process for lock tests: ``python -m tests.store.hold_lock URL NAME``.

Opens the store, takes the named lock, prints ``held`` and keeps the lock until its standard
input is closed (or it is killed).
"""

from __future__ import annotations

import sys

from dmarcwatch.ingest.errors import LockBusy
from dmarcwatch.ingest.store import Store


def main(url: str, name: str) -> int:
    with Store.open(url) as store:
        try:
            with store.lock(name):
                print("held", flush=True)
                sys.stdin.read()
        except LockBusy:
            print("busy", flush=True)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
