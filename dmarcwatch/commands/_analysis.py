"""Options and helpers shared by ``senders`` and ``diagnose``."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from dmarcwatch.commands._reporting import add_receivers_and_ips, day_start, ips_from, parse_since
from dmarcwatch.commands._trust import add_include_unverified, include_unverified
from dmarcwatch.config import APP, Config
from dmarcwatch.context import config_for
from dmarcwatch.errors import CommandError, ConfigError
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.errors import escape_controls

if TYPE_CHECKING:  # the analysis (pandas, numpy) is imported when a command runs
    from dmarcwatch.analysis.api import Query
    from dmarcwatch.analysis.catalogue import Catalogue
    from dmarcwatch.analysis.inventory import Approval
    from dmarcwatch.analysis.ipdata import LocationDatabase

SNAPSHOT_NAME = "sender-networks.json"


def safe(text: object) -> str:
    """*text* with every control or bidi character escaped, for a terminal."""
    return escape_controls(str(text))


def add_domains(parser: argparse.ArgumentParser) -> None:
    """``--domain D`` (repeatable): the policy domains to look at."""
    parser.add_argument(
        "--domain",
        action="append",
        default=[],
        metavar="D",
        help="policy domain to look at (repeatable; default: every domain)",
    )


def add_selection(parser: argparse.ArgumentParser, default_since: str) -> None:
    add_domains(parser)
    parser.add_argument(
        "--since",
        default=default_since,
        metavar="SPAN|DATE",
        help=f"period: 7d, 12h, 2w or a date YYYY-MM-DD (default {default_since}); "
        "spans end with the newest report",
    )
    parser.add_argument("--until", metavar="DATE", help="last day of the period (YYYY-MM-DD)")
    add_receivers_and_ips(parser)
    add_include_unverified(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")


def query_from(args: argparse.Namespace) -> Query:
    """The analysis query the selection options describe."""
    from dmarcwatch.analysis.api import Query

    until = day_start(args.until, "--until") + dt.timedelta(days=1) if args.until else None
    parsed = parse_since(args.since, "hdw", examples="7d, 12h or 2w")
    since: dt.datetime | None = None
    span = dt.timedelta(days=7)
    if isinstance(parsed, dt.datetime):
        since = parsed
    else:
        span = parsed
        if span <= dt.timedelta(0):
            raise CommandError("--since: the span must be positive", Exit.USAGE)
    domains = tuple(d.strip().lower().rstrip(".") for d in args.domain)
    return Query(
        domains=domains,
        span=span,
        since=since,
        until=until,
        receivers=tuple(args.receiver),
        ips=ips_from(args),
        include_unverified=include_unverified(args, config_for(args)),
    )


def snapshot_path() -> Path:
    """Where ``senders update`` keeps the refreshed networks (user data directory)."""
    return Path(platformdirs.user_data_dir(APP)) / SNAPSHOT_NAME


def catalogue() -> Catalogue:
    """The bundled catalogue with the user's refreshed networks, if any."""
    from dmarcwatch.analysis.catalogue import CatalogueError, load_catalogue

    try:
        return load_catalogue(snapshot=snapshot_path())
    except CatalogueError as exc:
        raise CatalogueError(f"{exc} (delete {snapshot_path()} or run 'senders update')") from exc


def ip_data(config: Config) -> LocationDatabase | None:
    """The offline IP owner data: the configured file, else the default one if installed."""
    from dmarcwatch.analysis.owners import shared

    return shared(config.ip_data)


def config_approvals(config: Config, senders: Catalogue) -> list[Approval]:
    """The ``[[approved]]`` tables of the config as approvals."""
    from dmarcwatch.analysis.inventory import InvalidApproval, parse_target

    found = []
    for table in config.approved:
        for target in table.senders:
            try:
                found.append(parse_target(table.domain, target, senders, table.note))
            except InvalidApproval as exc:
                raise ConfigError(f"config file {config.path}: [[approved]] {exc}") from None
    return found
