"""``dmarcwatch export``: one row per stored record, as CSV, JSON or Parquet.

Each row has the report's metadata, the record as reported, the sender dmarcwatch recognised
and the alignment and DMARC result it recomputed. Exit codes: 0 written; 64 bad arguments;
73 the file cannot be written; 78 Parquet asked for without pyarrow installed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from dmarcwatch.commands import add_command
from dmarcwatch.commands._receivers import require_known
from dmarcwatch.commands._reporting import (
    add_domains,
    add_period,
    add_receivers_and_ips,
    domains_from,
    ips_from,
    period_from,
)
from dmarcwatch.commands._trust import add_include_unverified
from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit

FORMATS = ("csv", "json", "parquet")
DESCRIPTION = """\
Export every stored record of the selected domains and period, one row each: report id,
receiver, begin and end, published policy, source IP and reverse DNS, messages, disposition,
header and envelope From, the DKIM and SPF results, override reasons, the recognised sender,
recomputed DKIM/SPF alignment and DMARC result, and the receiver's own verdict.

The DKIM results, SPF results and reasons are lists: in JSON arrays of objects
({"domain", "selector", "result"}; {"domain", "scope", "result"}; {"type", "comment"}), in
Parquet lists of structs, in CSV one cell of "field|field|field" items separated by spaces,
with %, |, spaces and unprintable characters in a field percent-encoded (%25, %7C, %20). CSV
cells that a spreadsheet would run as a formula are prefixed with an apostrophe."""


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(
        subparsers, "export", "export records as CSV, JSON or Parquet", DESCRIPTION
    )
    parser.add_argument("--format", choices=FORMATS, default="csv", help="default csv")
    add_domains(parser)
    add_period(parser, None)
    add_receivers_and_ips(parser)
    add_include_unverified(parser)
    parser.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="the file to write ('-': stdout)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dmarcwatch.analysis.read import Reader  # noqa: PLC0415
    from dmarcwatch.analysis.records import iter_records, selection_for  # noqa: PLC0415
    from dmarcwatch.commands._analysis import catalogue  # noqa: PLC0415
    from dmarcwatch.commands._trust import include_unverified  # noqa: PLC0415
    from dmarcwatch.context import config_for, open_store_to_read  # noqa: PLC0415
    from dmarcwatch.reports.export import export_records  # noqa: PLC0415

    period = period_from(args)
    target = None if args.output == "-" else Path(args.output)
    senders = catalogue()
    with open_store_to_read(args) as store:
        reader = Reader(store.engine)
        require_known(reader, args.receiver)
        selection = selection_for(
            reader,
            domains_from(args),
            span=period.span,
            since=period.since,
            until=period.until,
        )
        selection = replace(
            selection,
            receivers=tuple(args.receiver),
            ips=ips_from(args),
            include_unverified=include_unverified(args, config_for(args)),
        )
        frames = iter_records(reader, selection, senders)
        try:
            rows = export_records(frames, args.format, target)
        except BrokenPipeError:
            raise  # a reader that stopped early (| head) is not a write error
        except OSError as exc:
            raise CommandError(
                f"cannot write {args.output}: {exc.strerror}", Exit.CANTCREAT
            ) from exc
    if args.verbose or (target is not None and sys.stderr.isatty()):
        print(f"dmarcwatch: {rows} records exported to {args.output}", file=sys.stderr)
    return Exit.OK
