"""The ``dmarcwatch`` command line: a thin shell over the library.

Each subcommand lives in its own module under :mod:`dmarcwatch.commands` and is found there
at start-up. Errors become one line on stderr and a documented exit code here, and only here,
through the table in :mod:`dmarcwatch.errors`; anything that table does not know is a bug.
``--debug`` shows the traceback instead (of a bug or an ingest error).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from dmarcwatch import __version__, commands
from dmarcwatch.errors import TRACED, exit_code_for
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.errors import quote


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 64 (EX_USAGE) with one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(Exit.USAGE, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dmarcwatch",
        description="Read DMARC aggregate (rua) reports: who sends as your domain, "
        "and does it align?",
    )
    parser.add_argument("--version", action="version", version=f"dmarcwatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for module in commands.discover():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        unknown = getattr(args, "on_unknown_arguments", parser.error)
        unknown(f"unrecognized arguments: {' '.join(extra)}")
    debug = bool(getattr(args, "debug", False))
    _configure_logging(debug, getattr(args, "verbose", False))
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return _fail("interrupted", Exit.TEMPFAIL)
    except BrokenPipeError:
        return Exit.OK
    except Exception as exc:
        code = exit_code_for(exc)
        if debug and (code is None or isinstance(exc, TRACED)):
            raise
        return _fail(str(exc), code) if code is not None else _internal_error(exc)


def _internal_error(exc: Exception) -> int:
    detail = quote(f"{type(exc).__name__}: {exc}", 200)
    return _fail(f"internal error {detail}; rerun with --debug and report it", Exit.SOFTWARE)


def _fail(message: str, code: int) -> int:
    print(f"dmarcwatch: {message}", file=sys.stderr)
    return code


def _configure_logging(debug: bool, verbose: bool) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="dmarcwatch: %(message)s", stream=sys.stderr)
