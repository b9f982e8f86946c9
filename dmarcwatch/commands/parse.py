"""``dmarcwatch parse PATH...``: what does this report say? JSON Lines, no store."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from dmarcwatch.commands import add_command
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.arf import parse_failure_report
from dmarcwatch.ingest.errors import RejectedInput
from dmarcwatch.ingest.limits import DEFAULT_LIMITS
from dmarcwatch.ingest.parse import parse_report
from dmarcwatch.ingest.sources import Input, InputError, iter_inputs
from dmarcwatch.ingest.tlsrpt import parse_tls_report
from dmarcwatch.ingest.unpack import Payload, unpack
from dmarcwatch.render import failure_to_dict, report_to_dict, tls_to_dict


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(
        subparsers,
        "parse",
        "Print one JSON object per report found under PATH (files, directories, .eml, "
        "mbox, Maildir), with its kind (aggregate, tls or failure), or {source, error} for "
        "an input that holds no valid report. Nothing is stored.",
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
            data = _payload_dict(payload, item.source)
        except RejectedInput as exc:
            error: dict[str, Any] = {"source": item.source, "error": exc.reason}
            if payload.location:
                error["location"] = payload.location
            _emit(error, indent)
            ok = False
            continue
        _emit(data, indent)
    return ok


def _payload_dict(payload: Payload, source: str) -> dict[str, Any]:
    if payload.kind == "tls":
        data = b"".join(payload.chunks())
        return tls_to_dict(parse_tls_report(data, DEFAULT_LIMITS), source, payload.location)
    if payload.kind == "failure":
        data = b"".join(payload.chunks())
        report = parse_failure_report(data, DEFAULT_LIMITS)
        return failure_to_dict(report, source, payload.location)
    return report_to_dict(parse_report(payload.chunks()), source, payload.location)


def _emit(data: dict[str, Any], indent: int | None) -> None:
    # ensure_ascii keeps every control character from a report escaped on the terminal.
    sys.stdout.write(json.dumps(data, indent=indent, ensure_ascii=True) + "\n")
