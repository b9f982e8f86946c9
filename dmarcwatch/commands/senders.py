"""``dmarcwatch senders``: who sends as each domain; ``senders update`` refreshes IP networks."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
from typing import Any

import pandas as pd

from analysis import columns as c
from analysis import rdns, tables
from analysis.api import analyse
from analysis.catalogue import Catalogue, load_catalogue, snapshot_json
from analysis.dnsclient import Budget, DnsSettings, make_resolver, parse_nameserver
from analysis.load import Selection, load_rows
from analysis.refresh import refresh_networks
from dmarcwatch.commands import add_command
from dmarcwatch.commands._analysis import (
    add_selection,
    catalogue,
    query_from,
    safe,
    snapshot_path,
)
from dmarcwatch.context import open_store
from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit
from ingest.store import Store

RDNS_DEADLINE_S = 60.0


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(
        subparsers,
        "senders",
        "list who sends as each domain, with DMARC, DKIM and SPF alignment",
        "Show the senders seen in the stored reports (SendGrid, Microsoft 365, Google, … or "
        "unknown) with their sources, messages and alignment. 'senders update' refreshes the "
        "senders' IP networks from their published SPF records (needs DNS); without it the "
        "bundled snapshot is used.",
    )
    parser.add_argument(
        "action",
        nargs="?",
        choices=("list", "update"),
        default="list",
        help="list (default) or update the IP networks",
    )
    add_selection(parser, "30d")
    parser.add_argument(
        "--rdns",
        action="store_true",
        help="look up reverse DNS of source IPs (cached in the store, at most "
        f"{int(RDNS_DEADLINE_S)} s)",
    )
    parser.add_argument(
        "--nameserver",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="DNS server for 'update' and --rdns (repeatable; default: system)",
    )
    parser.add_argument(
        "--timeout", type=float, default=3.0, metavar="S", help="seconds per DNS query (default 3)"
    )
    parser.set_defaults(func=run)


def _dns(args: argparse.Namespace, deadline: float) -> DnsSettings:
    try:
        servers = tuple(parse_nameserver(s) for s in args.nameserver)
    except ValueError:
        raise CommandError("--nameserver: expected HOST or HOST:PORT", Exit.USAGE) from None
    return DnsSettings(nameservers=servers, timeout=args.timeout, deadline=deadline)


def run(args: argparse.Namespace) -> int:
    if args.action == "update":
        return update(args)
    query = query_from(args)
    senders = catalogue()
    with open_store(args) as store:
        if args.rdns:
            _resolve_rdns(store, args)
        result = analyse(store.engine, query, catalogue=senders)
    table = tables.by_sender(result.rows, senders)
    if args.json:
        print(json.dumps(as_json(table), indent=1))
    else:
        print(as_text(table))
    return Exit.OK


def _resolve_rdns(store: Store, args: argparse.Namespace) -> None:
    """Look up the PTR of every source IP of the selection not cached recently."""
    query = query_from(args)
    sel = Selection(domains=query.domains, receivers=query.receivers, ips=query.ips)
    ips = load_rows(store.engine, sel)[c.SOURCE_IP].unique()
    now = dt.datetime.now(dt.UTC)
    todo = sorted(set(map(str, ips)) - rdns.fresh_ips(store.engine, ips, now))
    settings = _dns(args, RDNS_DEADLINE_S)
    names = rdns.lookup(make_resolver(settings), todo, Budget(settings.deadline))
    rdns.save(store.engine, names, now)


_COLUMNS = [
    ("domain", c.DOMAIN),
    ("sender", tables.SENDER_NAME),
    ("sources", tables.SOURCES),
    ("messages", c.MESSAGES),
    ("dmarc_pass_pct", tables.DMARC_PCT),
    ("dkim_aligned_pct", tables.DKIM_PCT),
    ("spf_aligned_pct", tables.SPF_PCT),
]


def as_json(table: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for record in table.to_dict("records"):
        row = {key: _plain(record[col]) for key, col in _COLUMNS}
        row["sender_id"] = record[c.SENDER]
        row["forwarded"] = bool(record[c.FORWARDED])
        rows.append(row)
    return rows


def _plain(value: object) -> object:
    if hasattr(value, "item"):
        return value.item()  # numpy scalar → Python
    return value


def as_text(table: pd.DataFrame) -> str:
    if table.empty:
        return "No reports in this period."
    header = ["DOMAIN", "SENDER", "SOURCES", "MESSAGES", "DMARC %", "DKIM %", "SPF %"]
    body = [
        [
            safe(r[c.DOMAIN]),
            safe(r[tables.SENDER_NAME]),
            str(r[tables.SOURCES]),
            str(r[c.MESSAGES]),
            f"{r[tables.DMARC_PCT]:.1f}",
            f"{r[tables.DKIM_PCT]:.1f}",
            f"{r[tables.SPF_PCT]:.1f}",
        ]
        for r in _ordered(table).to_dict("records")
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = []
    for row in [header, *body]:
        cells = [
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _ordered(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values([c.DOMAIN, c.MESSAGES], ascending=[True, False], kind="stable")


def update(args: argparse.Namespace) -> int:
    """Expand every sender's SPF names and save the networks as the user's snapshot."""
    settings = _dns(args, 60.0)
    bundled: Catalogue = load_catalogue()
    networks, problems = refresh_networks(bundled, make_resolver(settings), Budget(60.0))
    for problem in problems:
        print(f"dmarcwatch: senders update: {safe(problem)}")
    if not networks:
        raise CommandError(
            "senders update: no SPF record could be read (offline?); the "
            "bundled networks stay in use",
            Exit.TEMPFAIL,
        )
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    _write_atomic(snapshot_json(networks, now, bundled.version))
    count = sum(len(v) for v in networks.values())
    print(f"saved {count} networks of {len(networks)} senders to {snapshot_path()}")
    return Exit.OK


def _write_atomic(text: str) -> None:
    path = snapshot_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".senders-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
