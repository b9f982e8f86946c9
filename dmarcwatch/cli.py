"""The ``dmarcwatch`` command line: a thin shell over the library.

Each subcommand lives in its own module under :mod:`dmarcwatch.commands`; only the one a
command line names is imported. Errors become one line on stderr and a documented exit code
here, and only here, through the table in :mod:`dmarcwatch.errors`; anything that table does
not know is a bug.
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


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for the command line *argv*: the command it names is registered whole, the
    others only listed (their modules are not imported). Without *argv*, every command whole."""
    parser = _Parser(
        prog="dmarcwatch",
        description="Read DMARC aggregate (rua) reports: who sends as your domain, "
        "and does it align?",
    )
    parser.add_argument("--version", action="version", version=f"dmarcwatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    named = next((word for word in argv or () if not word.startswith("-")), None)
    for name, command in sorted(commands.COMMANDS.items()):
        if argv is None or name == named:
            commands.load(name).register(sub)
        else:
            sub.add_parser(name, help=command.help, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
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
