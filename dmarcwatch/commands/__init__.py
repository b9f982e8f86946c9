"""Subcommands: each module here has ``register(subparsers)``, and :data:`COMMANDS` names it.

A command module adds its parser with :func:`add_command`, which gives every command the same
common options (``--db``, ``--config``, ``--debug``, ``--verbose``) and its one-line help from
:data:`COMMANDS`, and sets ``func`` to a function taking the parsed arguments and returning an
exit code. The command line imports only the module of the command it runs (each brings its
own libraries, a tenth of a second or more of every cron run); the others are listed from
:data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any, NamedTuple


class Command(NamedTuple):
    module: str
    """The module under :mod:`dmarcwatch.commands` that registers it."""
    help: str


COMMANDS: dict[str, Command] = {
    "alert": Command(
        "alert", "tell the configured channels what changed: new, worse, better, resolved problems"
    ),
    "check": Command("check", "check a domain's SPF, DMARC and DKIM"),
    "config": Command("config", "check the configuration file"),
    "diagnose": Command(
        "diagnose", "explain what is wrong (or right) with each domain's mail, worst first"
    ),
    "export": Command("export", "export records as CSV, JSON or Parquet"),
    "import": Command("import_cmd", "store the reports found in files, messages or folders"),
    "init": Command("init", "write a commented configuration file"),
    "metrics": Command("metrics", "print Prometheus metrics per domain"),
    "monitor": Command("monitor", "print a Nagios/Icinga status line (exit 0-3)"),
    "parse": Command("parse", "print every report in files, messages or folders as JSON Lines"),
    "poll": Command("poll", "fetch new reports from the configured mailboxes"),
    "prune": Command(
        "prune", "delete old records, failure reports and kept inputs (daily totals stay)"
    ),
    "reparse": Command(
        "reparse", "parse the kept original bytes of rejected (or all) inputs again"
    ),
    "report": Command("report", "write the HTML report (and mail it)"),
    "senders": Command(
        "senders", "list who sends as each domain, with DMARC, DKIM and SPF alignment"
    ),
}


def load(name: str) -> ModuleType:
    """The module of command *name*."""
    return importlib.import_module(f"{__name__}.{COMMANDS[name].module}")


def discover() -> Iterator[ModuleType]:
    """Every command module, in command-name order."""
    for name in sorted(COMMANDS):
        yield load(name)


def common_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("common options")
    group.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy URL of the store (default: $DMARCWATCH_DB, the config's [database] url, "
        "or dmarcwatch.db in the user data directory)",
    )
    group.add_argument(
        "--config",
        metavar="PATH",
        help="configuration file (default: $DMARCWATCH_CONFIG or config.toml in the user "
        "config directory)",
    )
    group.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    group.add_argument("-v", "--verbose", action="store_true", help="say more about the work")
    return parent


def add_command(
    subparsers: argparse._SubParsersAction[Any], name: str, description: str
) -> argparse.ArgumentParser:
    """Add subcommand *name* with the common options; the caller adds its own and ``func``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=COMMANDS[name].help, description=description, parents=[common_options()]
    )
    return parser
