"""Enrichment benchmark: network owners of many distinct source IPs from the offline data.

``python -m benchmarks enrich [--ips 100000] [--data PATH]`` looks up N distinct addresses
(spread over the IPv4 space, and a tenth IPv6) in the installed location database and adds
the owner columns to an analysis-shaped frame of N rows, as ``senders``/``diagnose`` do.
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import resource
import time
from pathlib import Path

import pandas as pd

from dmarcwatch.analysis import columns as c
from dmarcwatch.analysis.ipdata import LocationDatabase, find_database
from dmarcwatch.analysis.owners import add_owners


def addresses(count: int, seed: int = 16) -> list[str]:
    rng = random.Random(seed)
    found: set[str] = set()
    while len(found) < count:
        if rng.random() < 0.1:
            found.add(str(ipaddress.IPv6Address((0x2A00 << 112) | rng.getrandbits(112))))
        else:
            found.add(str(ipaddress.IPv4Address(rng.randrange(1 << 24, 224 << 24))))
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks enrich")
    parser.add_argument("--ips", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args(argv)
    path = find_database(args.data)
    if path is None:
        parser.error("no location database: install libloc-database or pass --data")
    ips = addresses(args.ips)
    rows = pd.DataFrame({c.SOURCE_IP: ips, c.MESSAGES: 1})
    start = time.perf_counter()
    with LocationDatabase(path) as data:
        opened, cpu = time.perf_counter(), time.process_time()
        enriched = add_owners(rows, data)
        cpu = time.process_time() - cpu
    done = time.perf_counter()
    known = int((enriched[c.ASN] > 0).sum())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"data: {path} ({path.stat().st_size / 2**20:.0f} MiB)")
    print(
        f"enrich: {len(ips):,} distinct IPs in {done - opened:.2f} s "
        f"({len(ips) / (done - opened):,.0f} IPs/s; CPU {cpu:.2f} s; open "
        f"{1000 * (opened - start):.1f} ms), "
        f"{known:,} with an owner, peak RSS {peak:.0f} MiB"
    )
    return 0
