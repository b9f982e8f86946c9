"""Subcommands. Each module here has ``register(subparsers)``; the CLI finds them all.

A command module adds its parser with :func:`add_command`, which gives every command the same
common options (``--db``, ``--config``, ``--debug``, ``--verbose``), and sets ``func`` to a
function taking the parsed arguments and returning an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType
from typing import Any


def discover() -> Iterator[ModuleType]:
    """Yield every command module in this package, in name order."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"{__name__}.{info.name}")


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
    subparsers: argparse._SubParsersAction[Any], name: str, help_text: str, description: str
) -> argparse.ArgumentParser:
    """Add subcommand *name* with the common options; the caller adds its own and ``func``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help_text, description=description, parents=[common_options()]
    )
    return parser
