"""A synthetic SQLite store for the analysis and report benchmarks, written straight in SQL.

The schema comes from the real migrations (:meth:`ingest.store.Store.open`); the rows are
inserted with plain ``executemany`` and no journal, which is far faster than importing
reports for stores of millions of records. Every report points at one empty blob.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from dmarcwatch.ingest import groups
from dmarcwatch.ingest.store import Store

_BLOB = "0" * 64
_WHEN = "2026-11-29 00:00:00+00:00"

Rows = list[tuple[Any, ...]]


def create(path: Path, *pragmas: str) -> sqlite3.Connection:
    """A new store at *path*, open for bulk writes (extra *pragmas* such as a cache size)."""
    Store.open(f"sqlite:///{path}").close()
    conn = sqlite3.connect(path)
    conn.executescript(
        "".join(f"PRAGMA {p};" for p in ("journal_mode=OFF", "synchronous=OFF", *pragmas))
    )
    conn.execute(
        "INSERT INTO blobs (sha256, size, compression, data, first_seen) "
        "VALUES (?, 0, 'zlib', x'', ?)",
        (_BLOB, _WHEN),
    )
    return conn


def insert(
    conn: sqlite3.Connection,
    policy: str,
    reports: Rows,
    records: Rows,
    dkim: Rows,
    spf: Rows,
    reasons: Rows,
) -> int:
    """Write rows of every table; *reports* rows are (id, org, email, report id, domain,
    begin, end), all published with ``p``, ``sp`` and ``np`` = *policy*. Returns the records."""
    conn.executemany(
        "INSERT INTO reports (id, org_name, email, report_id, policy_domain, begin_ts, end_ts,"
        " schema, errors, adkim, aspf, p, sp, np, pct, fo, warnings, record_count, message_count,"
        " source, location, blob_sha256, ingested_at) VALUES (?,?,?,?,?,?,?, 'rfc7489', '[]',"
        f" 'r', 'r', '{policy}', '{policy}', '{policy}', 100, '0', '[]', 0, 0, 'bench', '',"
        f" '{_BLOB}', '{_WHEN}')",
        reports,
    )
    conn.executemany("INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?)", records)
    conn.executemany("INSERT INTO dkim_results VALUES (?,?,?,?,?,?,?)", dkim)
    conn.executemany("INSERT INTO spf_results VALUES (?,?,?,?,?,?,?)", spf)
    conn.executemany("INSERT INTO reasons VALUES (?,?,?,?,?)", reasons)
    return len(records)


def fill_groups(path: Path) -> None:
    """Write the record groups (:mod:`ingest.groups`) of reports that have none yet.

    The importer writes them with each report; rows inserted here in bulk need this once.
    Opening an older store migrates it, which fills them too.
    """
    with Store.open(f"sqlite:///{path}") as store, store.engine.begin() as conn:
        conn.execute(groups.fill(groups.missing_reports()))


def count_records(path: Path) -> int:
    """Records already in the store at *path* (0 if it is not one)."""
    try:
        with sqlite3.connect(path) as conn:
            return int(conn.execute("SELECT count(*) FROM records").fetchone()[0])
    except sqlite3.Error:
        return 0
