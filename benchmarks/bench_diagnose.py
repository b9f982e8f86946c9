"""Benchmark: ``senders`` and ``diagnose`` for one domain and 30 days on a 10-million-record store.

Builds (or reuses) an SQLite store with synthetic reports: DOMAINS practice domains, five
receivers, one report per domain, receiver and day over DAYS days, records of eight kinds
(authenticated SendGrid, unauthenticated SendGrid, Microsoft 365 without DKIM, Google,
forwarded copies, mailing lists, spoofing, an unlisted sender). One "vendor" domain carries
a tenth of all records, as a software vendor's shared sending domain would. Then times the
analysis as the commands run it and prints the figures. Run by hand:

    .venv/bin/python benchmarks/bench_diagnose.py [--db PATH] [--records 10000000]

Building the store takes a few minutes; it is reused while --records matches.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from benchmarks import synthetic
from dmarcwatch.analysis import tables
from dmarcwatch.analysis.api import Query, analyse
from dmarcwatch.analysis.catalogue import load_catalogue
from dmarcwatch.analysis.messages import render
from dmarcwatch.analysis.read import Reader
from dmarcwatch.ingest.store import Store

DAYS = 365
DOMAINS = 300
RECEIVERS = [
    ("google.com", "noreply-dmarc-support@google.com"),
    ("Outlook.com", "dmarcreport@microsoft.com"),
    ("Yahoo", "dmarchelp@yahooinc.com"),
    ("GMX", "dmarc@gmx.net"),
    ("Swisscom", "dmarc@swisscom.ch"),
]
HEAVY = "email.vendor-praxissoft.ch"
LAST = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
KINDS = np.array([0.58, 0.05, 0.10, 0.10, 0.03, 0.02, 0.07, 0.05])  # probabilities per kind


def _ips(prefix: str, n: int, third: int = 0) -> list[str]:
    return [f"{prefix}.{third + i // 250}.{i % 250 + 1}" for i in range(n)]


POOLS = [
    _ips("149.72", 400),
    _ips("149.72", 400),
    _ips("40.107", 100),
    _ips("209.85", 100, third=200),
    _ips("130.59", 300),
    _ips("193.5", 50),
    _ips("185.220", 5000),
    _ips("203.0", 20),
]


def kind_rows(
    kind: int, d: str
) -> tuple[tuple[str, str, str, str, str], list[tuple], list[tuple], list[tuple]]:  # noqa: E501
    """(disposition, pe_dkim, pe_spf, header_from, envelope_from), dkim, spf, reasons."""
    sg = [(d, "s1", "pass"), ("sendgrid.info", "smtpapi", "pass")]
    return [
        (("none", "pass", "pass", d, f"em1234.{d}"), sg, [(f"em1234.{d}", "mfrom", "pass")], []),
        (
            ("none", "fail", "fail", d, "sendgrid.net"),
            [("sendgrid.net", "smtpapi", "pass")],
            [("sendgrid.net", "mfrom", "pass")],
            [],
        ),
        (
            ("none", "fail", "pass", d, d),
            [("tenant.onmicrosoft.com", "selector1", "pass")],
            [(d, "mfrom", "pass")],
            [],
        ),
        (("none", "pass", "pass", d, d), [(d, "google", "pass")], [(d, "mfrom", "pass")], []),
        (
            ("none", "pass", "fail", d, f"em1234.{d}"),
            sg,
            [(f"em1234.{d}", "mfrom", "softfail")],
            [("forwarded", None)],
        ),
        (
            ("none", "fail", "fail", d, "lists.example.org"),
            [(d, "s1", "fail"), ("sendgrid.info", "smtpapi", "fail")],
            [("lists.example.org", "mfrom", "pass")],
            [("mailing_list", None)],
        ),
        (("none", "fail", "fail", d, d), [], [(d, "mfrom", "fail")], []),
        (("none", "pass", "pass", d, d), [(d, "default", "pass")], [(d, "mfrom", "pass")], []),
    ][kind]


def build(path: Path, total: int) -> None:
    conn = synthetic.create(path, "cache_size=-400000")
    domains = [HEAVY] + [f"email.physio-{i:03d}.ch" for i in range(1, DOMAINS)]
    weights = np.array([DOMAINS / 9] + [1.0] * (DOMAINS - 1))
    reports = DAYS * len(RECEIVERS) * DOMAINS
    per_report = total / reports
    rng = np.random.default_rng(7)
    pk, written, start = 0, 0, time.monotonic()
    for day in range(DAYS):
        begin = int((LAST - dt.timedelta(days=DAYS - 1 - day)).timestamp())
        rows = _day_rows(rng, domains, weights, per_report, begin, pk)
        pk += len(domains) * len(RECEIVERS)
        written += synthetic.insert(conn, "none", *rows)
        if day % 30 == 0:
            print(f"  day {day}: {written:,} records, {time.monotonic() - start:.0f} s", flush=True)
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    synthetic.fill_groups(path)
    print(f"built {written:,} records in {pk:,} reports, {time.monotonic() - start:.0f} s")


def _day_rows(rng, domains, weights, per_report, begin, pk):  # noqa: ANN001, ANN202
    reports, records, dkim, spf, reasons = [], [], [], [], []
    for d, weight in zip(domains, weights, strict=True):
        for org, email in RECEIVERS:
            pk += 1
            reports.append((pk, org, email, f"{org}-{d}-{begin}", d, begin, begin + 86399))
            n = max(1, int(rng.poisson(per_report * weight)))
            kinds = rng.choice(len(KINDS), size=n, p=KINDS)
            counts = rng.integers(1, 20, size=n)
            for seq, (kind, count) in enumerate(zip(kinds.tolist(), counts.tolist(), strict=True)):
                pool = POOLS[kind]
                ip = pool[int(rng.integers(len(pool)))]
                (disp, pe_dkim, pe_spf, hf, ef), ds, ss, rs = kind_rows(kind, d)
                records.append((pk, seq, ip, count, disp, pe_dkim, pe_spf, hf, ef, None))
                dkim += [(pk, seq, i, *x, None) for i, x in enumerate(ds)]
                spf += [(pk, seq, i, *x, None) for i, x in enumerate(ss)]
                reasons += [(pk, seq, i, *x) for i, x in enumerate(rs)]
    return reports, records, dkim, spf, reasons


def measure(path: Path, domain: str | None, days: int) -> None:
    catalogue = load_catalogue()
    query = Query(domains=(domain,) if domain else (), span=dt.timedelta(days=days))
    with Store.open(str(path)) as store:
        start = time.perf_counter()
        result = analyse(Reader(store.engine), query, catalogue=catalogue)
        senders = tables.by_sender(result.rows, catalogue)
        t_senders = time.perf_counter() - start
        start = time.perf_counter()
        result = analyse(Reader(store.engine), query, catalogue=catalogue)
        texts = [render(f, "en") for f in result.findings]
        t_diagnose = time.perf_counter() - start
    messages = int(result.rows["messages"].sum())
    records = int(result.rows["records"].sum())
    print(
        f"{domain or 'all domains'}, {days} days: {records:,} records / {messages:,} messages"
        f" → {len(result.rows):,} aggregated rows; senders {t_senders:.2f} s"
        f" ({len(senders)} lines), diagnose {t_diagnose:.2f} s ({len(texts)} findings);"
        f" peak RSS of this process so far {_peak(resource.RUSAGE_SELF):.0f} MiB"
    )


def _peak(who: int) -> float:
    """The peak RSS in MiB (Linux reports KiB) of this process or of its largest child."""
    return resource.getrusage(who).ru_maxrss / 1024


def ensure_store(db: Path, records: int) -> None:
    """Build the store at *db*, unless one of about *records* records is already there."""
    have = synthetic.count_records(db) if db.exists() else 0
    if not records * 0.9 <= have <= records * 1.25:
        db.unlink(missing_ok=True)
        print(f"building {db} with about {records:,} records …", flush=True)
        build(db, records)
    else:
        print(f"reusing {db} ({have:,} records)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=Path("benchmarks/corpus/bench-10m.db"))
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument(
        "--commands-only", action="store_true", help="time only the commands in a child process"
    )
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    ensure_store(args.db, args.records)
    print(f"store size {args.db.stat().st_size / 2**30:.2f} GiB")
    if not args.commands_only:
        measure(args.db, "email.physio-042.ch", 30)
        measure(args.db, HEAVY, 30)
        measure(args.db, HEAVY, 7)
    for domain in ("email.physio-042.ch", HEAVY):
        for command in (["senders", "--since", "30d"], ["diagnose", "--since", "30d", "--json"]):
            command_line(args.db, [*command, "--domain", domain])


def command_line(db: Path, argv: list[str]) -> None:
    """Time the real command in a fresh process (imports and store opening included)."""
    root = Path(__file__).resolve().parents[1]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dmarcwatch", *argv, "--db", str(db)],
        cwd=root,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    print(
        f"dmarcwatch {' '.join(argv)}: {seconds:.2f} s (whole process), CPU {cpu:.2f} s,"
        f" peak RSS of the largest child so far {_peak(resource.RUSAGE_CHILDREN):.0f} MiB"
    )


if __name__ == "__main__":
    main()
