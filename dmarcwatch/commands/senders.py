"""``dmarcwatch senders``: who sends as each domain; ``senders update`` refreshes IP networks."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from typing import TYPE_CHECKING, Any

from dmarcwatch.commands import add_command
from dmarcwatch.commands._analysis import (
    add_selection,
    catalogue,
    config_approvals,
    ip_data,
    query_from,
    safe,
    snapshot_path,
)
from dmarcwatch.commands._receivers import require_known
from dmarcwatch.commands.check import DEFAULT_RETRIES, DEFAULT_TIMEOUT
from dmarcwatch.context import config_for, open_store_to_read
from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit

if TYPE_CHECKING:  # the analysis (pandas, numpy, dnspython) is imported when the command runs
    import pandas as pd

    from dmarcwatch.analysis.dns.resolver import ResolverConfig
    from dmarcwatch.ingest.store import Store

RDNS_DEADLINE_S = 60.0
UPDATE_DEADLINE_S = 60.0
UPDATE_MAX_QUERIES = 2000  # every sender's SPF tree, with the addresses of a/mx terms
CELL_WIDTH = 60
"""A text cell longer than this (a domain or sender name from a report) is cut with '…', so
one long name cannot widen every row of the table; ``--json`` keeps the whole name."""
COLUMNS = [
    ("domain", "domain"),
    ("sender", "sender_name"),
    ("sources", "sources"),
    ("messages", "messages"),
    ("dmarc_pass_pct", "dmarc_pass_pct"),
    ("dkim_aligned_pct", "dkim_aligned_pct"),
    ("spf_aligned_pct", "spf_aligned_pct"),
]


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(
        subparsers,
        "senders",
        "Show the senders seen in the stored reports (SendGrid, Microsoft 365, Google, … or "
        "unknown) with their sources, messages and alignment; unknown sources are grouped by "
        "the network that holds them (offline IP data). --ips lists every source address. "
        "'senders approve DOMAIN SENDER|IP/CIDR|AS<number>' and 'senders revoke …' keep the "
        "list of senders a domain uses; 'senders approved' shows it. 'senders update' "
        "refreshes the senders' IP networks from their published SPF records (needs DNS); "
        "without it the bundled snapshot is used.",
    )
    parser.add_argument(
        "action",
        nargs="?",
        choices=("list", "update", "approve", "revoke", "approved"),
        default="list",
        help="list (default), update the IP networks, approve or revoke a sender, or list the "
        "approved ones",
    )
    parser.add_argument(
        "target",
        nargs="*",
        metavar="DOMAIN TARGET",
        help="for approve/revoke: the domain, then senders (catalogue name), IP addresses or "
        "networks, or AS<number>",
    )
    parser.add_argument("--note", metavar="TEXT", help="approve: why, or who uses it")
    parser.add_argument(
        "--ips", action="store_true", help="one row per source IP, with its network owner"
    )
    parser.add_argument("--new", action="store_true", help="only senders first seen in the period")
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
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds per DNS try (default {DEFAULT_TIMEOUT:g}; {DEFAULT_RETRIES} retry)",
    )
    parser.set_defaults(func=run)


def _dns(args: argparse.Namespace, deadline: float, max_queries: int) -> ResolverConfig:
    from dmarcwatch.analysis.dns.resolver import NameserverError, ResolverConfig, parse_nameserver

    try:
        servers = tuple(parse_nameserver(s) for s in args.nameserver)
    except ValueError:  # a NameserverError, or int() refusing a digit such as '²'
        raise NameserverError("--nameserver: expected HOST or HOST:PORT") from None
    return ResolverConfig(
        nameservers=servers, timeout=args.timeout, deadline=deadline, max_queries=max_queries
    )


def run(args: argparse.Namespace) -> int:
    from dmarcwatch.analysis import tables
    from dmarcwatch.analysis.api import analyse
    from dmarcwatch.analysis.read import Reader
    from dmarcwatch.commands import _inventory, _sources

    if args.action == "update":
        return update(args)
    from dmarcwatch.commands._freshness import as_of, period_line, warn_if_stale
    from dmarcwatch.commands._words import translator

    if args.action in ("approve", "revoke"):
        return _inventory.change(args)
    if args.action == "approved":
        return _inventory.listing(args)
    if args.target:
        raise CommandError(f"senders {args.action}: unexpected {args.target[0]!r}", Exit.USAGE)
    query = query_from(args)
    senders = catalogue()
    moment = as_of(query)
    t = translator("en")
    config = config_for(args)
    data = ip_data(config)
    with open_store_to_read(args, config) as store:
        reader = Reader(store.engine)
        require_known(reader, query.receivers)
        if args.rdns:
            _resolve_rdns(store, args)
        result = analyse(
            reader,
            query,
            catalogue=senders,
            as_of=moment,
            ip_data=data,
            approvals=config_approvals(config, senders),
        )
        warn_if_stale(reader, query, moment, t)
        found = _sources.Sources.read(reader, result, senders, new_only=args.new)
    if args.ips:
        _sources.print_sources(found, json_out=args.json, data=data)
        return Exit.OK
    table = tables.by_sender(found.rows, senders)
    if args.new and table.empty and not args.json:
        print("No new senders in this period.")
        return Exit.OK
    if args.json:
        print(json.dumps(as_json(table), indent=1))
    else:
        print(period_line(result.period, t))
        print(as_text(table))
        _sources.print_owner_groups(found.rows)
    return Exit.OK


def _resolve_rdns(store: Store, args: argparse.Namespace) -> None:
    """Look up the PTR of every source IP of the selection not cached recently."""
    from dmarcwatch.analysis import rdns
    from dmarcwatch.analysis.dns.resolver import Resolver
    from dmarcwatch.analysis.read import Reader, Selection

    query = query_from(args)
    sel = Selection(
        domains=query.domains,
        receivers=query.receivers,
        ips=query.ips,
        include_unverified=query.include_unverified,
    )
    reader = Reader(store.engine)
    ips = reader.source_ips(sel)
    now = dt.datetime.now(dt.UTC)
    todo = sorted(set(ips) - reader.rdns_resolved_after(ips, now - rdns.MAX_AGE))
    resolver = Resolver(_dns(args, RDNS_DEADLINE_S, rdns.MAX_LOOKUPS))
    names = rdns.lookup(resolver, todo)
    rdns.save(store.engine, names, now)


def as_json(table: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for record in table.to_dict("records"):
        row = {key: _plain(record[col]) for key, col in COLUMNS}
        row["sender_id"] = record["sender"]
        row["forwarded"] = bool(record["forwarded"])
        rows.append(row)
    return rows


def _plain(value: object) -> object:
    item = getattr(value, "item", None)
    return item() if callable(item) else value  # numpy scalar → Python


def as_text(table: pd.DataFrame) -> str:
    if table.empty:
        return "No reports in this period."
    header = ["DOMAIN", "SENDER", "SOURCES", "MESSAGES", "DMARC %", "DKIM %", "SPF %"]
    ordered = table.sort_values(["domain", "messages"], ascending=[True, False], kind="stable")
    body = [
        [
            _cell(safe(r["domain"])),
            _cell(safe(r["sender_name"])),
            str(r["sources"]),
            str(r["messages"]),
            f"{r['dmarc_pass_pct']:.1f}",
            f"{r['dkim_aligned_pct']:.1f}",
            f"{r['spf_aligned_pct']:.1f}",
        ]
        for r in ordered.to_dict("records")
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = []
    for row in [header, *body]:
        cells = [
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"


def update(args: argparse.Namespace) -> int:
    """Expand every sender's SPF names and save the networks as the user's snapshot."""
    from dmarcwatch.analysis.catalogue import load_catalogue, snapshot_json
    from dmarcwatch.analysis.dns.resolver import Resolver
    from dmarcwatch.analysis.refresh import refresh_networks

    resolver = Resolver(_dns(args, UPDATE_DEADLINE_S, UPDATE_MAX_QUERIES))
    bundled = load_catalogue()
    networks, problems = refresh_networks(bundled, resolver)
    for problem in problems:
        print(f"dmarcwatch: senders update: {safe(problem)}", file=sys.stderr)
    if not networks:
        raise CommandError(
            "senders update: no SPF record could be read (offline?); the bundled networks "
            "stay in use",
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
