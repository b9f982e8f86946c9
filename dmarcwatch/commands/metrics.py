"""``dmarcwatch metrics``: Prometheus metrics per domain, for node_exporter's textfile collector.

Exit codes as every command that reads the store: 0 written, 66 no store or no reports,
73 the textfile cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dmarcwatch.commands import add_command
from dmarcwatch.commands._health import add_health_options, read_health
from dmarcwatch.exitcodes import Exit

DESCRIPTION = """\
Print Prometheus metrics (text exposition format) per domain: messages and the share passing
DMARC over the period, open findings by severity, the age of the newest report, and per
mailbox the poller's last run and last success. With --textfile PATH the metrics are written
atomically (a temporary file in the same directory, then renamed) for node_exporter's textfile
collector; PATH should end in .prom."""


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(subparsers, "metrics", DESCRIPTION)
    add_health_options(parser)
    parser.add_argument(
        "--textfile",
        metavar="PATH",
        help="write the metrics to PATH atomically instead of printing them",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dmarcwatch.commands._files import write_atomic
    from dmarcwatch.reports.metrics import exposition

    text = exposition(read_health(args))
    if args.textfile:
        write_atomic(Path(args.textfile), text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    return Exit.OK
