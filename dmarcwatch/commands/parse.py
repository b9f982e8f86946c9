"""``dmarcwatch parse PATH...``: what does this report say? JSON Lines, no store."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from dmarcwatch.commands import add_command
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.errors import RejectedInput
from dmarcwatch.ingest.parse import parse_report
from dmarcwatch.ingest.sources import Input, InputError, iter_inputs
from dmarcwatch.ingest.unpack import unpack
from dmarcwatch.render import report_to_dict


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(
        subparsers,
        "parse",
        "print every report in files, messages or folders as JSON Lines",
        "Print one JSON object per report found under PATH (files, directories, .eml, "
        "mbox, Maildir), or {source, error} for an input that holds no valid report. "
        "Nothing is stored.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--indent", type=int, default=None, help="pretty-print with N spaces")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    code = Exit.OK
    for item in iter_inputs(args.paths):
        if isinstance(item, InputError):
            _emit({"source": item.source, "error": item.reason}, args.indent)
            code = max(code, Exit.NOINPUT if item.missing else Exit.DATAERR)
            continue
        if not _print_input(item, args.indent):
            code = max(code, Exit.DATAERR)
    return code


def _print_input(item: Input, indent: int | None) -> bool:
    """Print every report of one input; ``False`` if any part of it could not be read."""
    try:
        payloads = list(unpack(item.data))
    except RejectedInput as exc:
        _emit({"source": item.source, "error": exc.reason}, indent)
        return False
    ok = True
    for payload in payloads:
        try:
            report = parse_report(payload.chunks())
        except RejectedInput as exc:
            error: dict[str, Any] = {"source": item.source, "error": exc.reason}
            if payload.location:
                error["location"] = payload.location
            _emit(error, indent)
            ok = False
            continue
        _emit(report_to_dict(report, item.source, payload.location), indent)
    return ok


def _emit(data: dict[str, Any], indent: int | None) -> None:
    # ensure_ascii keeps every control character from a report escaped on the terminal.
    sys.stdout.write(json.dumps(data, indent=indent, ensure_ascii=True) + "\n")
