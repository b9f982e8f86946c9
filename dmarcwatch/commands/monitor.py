"""``dmarcwatch monitor``: a Monitoring Plugins status for Nagios, Icinga, Naemon and Checkmk.

Prints one status line with performance data (and a line per critical or warning finding) and
exits 0 OK, 1 WARNING, 2 CRITICAL or 3 UNKNOWN. UNKNOWN is for what keeps it from looking:
a store that is missing, empty or unreadable, bad arguments, an internal error. The exit
codes of this command are the plugin's, not the table of the other commands.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from dmarcwatch.commands import add_command
from dmarcwatch.commands._health import add_health_options, read_health

DESCRIPTION = """\
Check every domain as a Monitoring Plugins (Nagios/Icinga/Checkmk) plugin: the status is the
worst open finding of 'diagnose' (critical: CRITICAL, warning: WARNING), or WARNING when the
newest stored report ended more than 72 hours ago. One line "DMARC STATUS: text | perfdata",
then one line per critical or warning finding. Exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
(no store, an unreadable store, bad arguments)."""
UNKNOWN = 3


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(subparsers, "monitor", DESCRIPTION)
    add_health_options(parser)
    parser.error = _usage  # type: ignore[method-assign]
    parser.set_defaults(func=run, on_unknown_arguments=_usage)


def _usage(message: str) -> NoReturn:
    print(f"DMARC UNKNOWN: {message}")
    raise SystemExit(UNKNOWN)


def run(args: argparse.Namespace) -> int:
    try:
        from dmarcwatch.reports.i18n import Translator
        from dmarcwatch.reports.monitoring import status, status_text

        health = read_health(args)
        print(status_text(health, Translator.for_language("en")))
        return int(status(health))
    except Exception as exc:  # noqa: BLE001 - a plugin says UNKNOWN, whatever went wrong
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"DMARC UNKNOWN: {_one_line(first)}")
        return UNKNOWN


def _one_line(text: str) -> str:
    from dmarcwatch.ingest.errors import escape_controls

    return escape_controls(text).replace("|", "/")[:200]
