"""Options and the analysis shared by ``metrics`` and ``monitor``."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING

from dmarcwatch.commands._analysis import add_domains, catalogue, query_from

if TYPE_CHECKING:
    from dmarcwatch.analysis.health import Health


def add_health_options(parser: argparse.ArgumentParser) -> None:
    add_domains(parser)
    parser.add_argument(
        "--since",
        default="7d",
        metavar="SPAN",
        help="period for messages and findings, ending with the newest report (default 7d)",
    )
    parser.set_defaults(until=None, receiver=[], ip=[])


def read_health(args: argparse.Namespace) -> Health:
    """What ``diagnose`` would say about the selection, counted, as of now."""
    from dmarcwatch.analysis.health import health
    from dmarcwatch.analysis.read import Reader
    from dmarcwatch.context import open_store_to_read

    query = query_from(args)
    senders = catalogue()
    with open_store_to_read(args) as store:
        return health(Reader(store.engine), query, dt.datetime.now(dt.UTC), senders)
