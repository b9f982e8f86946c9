"""Helper process: ``python -m tests.store.open_store URL`` opens a store, prints the outcome.

Prints ``ok`` or ``<exception class>: <message>``; store tests run it as an unprivileged user
(root may write anywhere) or with the PostgreSQL driver hidden (``--hide-psycopg``).
"""

from __future__ import annotations

import sys

from dmarcwatch.ingest.errors import StoreError


def main(argv: list[str]) -> int:
    if "--hide-psycopg" in argv:
        sys.modules["psycopg"] = None  # type: ignore[assignment]  # import psycopg now fails
    from dmarcwatch.ingest.store import Store

    try:
        Store.open(argv[0]).close()
    except StoreError as err:
        print(f"{type(err).__name__}: {err}")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
