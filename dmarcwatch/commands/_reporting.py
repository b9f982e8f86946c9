"""Options shared by the reading commands: domains, period, receivers, IPs (stdlib only, fast)."""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import re
from dataclasses import dataclass

from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit

_SPAN = re.compile(r"^\s*(\d+)\s*([a-z]?)\s*$")
_UNITS = {"h": dt.timedelta(hours=1), "d": dt.timedelta(days=1), "w": dt.timedelta(weeks=1)}
MAX_SPAN = dt.timedelta(days=36_500)
"""The longest ``--since`` span: back before any report, and still inside the calendar."""


@dataclass(frozen=True)
class PeriodArgs:
    """A span ending with the newest report, or explicit days (``until`` is exclusive)."""

    span: dt.timedelta | None
    since: dt.datetime | None
    until: dt.datetime | None


def add_domains(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--domain",
        action="append",
        default=[],
        metavar="D",
        help="policy domain (repeatable; default: every domain in the store)",
    )


def add_receivers_and_ips(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--receiver",
        action="append",
        default=[],
        metavar="R",
        help="only reports from this receiver, e.g. google.com (repeatable)",
    )
    parser.add_argument(
        "--ip",
        action="append",
        default=[],
        metavar="IP",
        help="only records from this source IP (repeatable)",
    )


def ips_from(args: argparse.Namespace) -> tuple[str, ...]:
    """The ``--ip`` values, each checked to be an IP address."""
    for ip in args.ip:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise CommandError(f"--ip: not an IP address: {ip[:60]!r}", Exit.USAGE) from None
    return tuple(args.ip)


def add_period(parser: argparse.ArgumentParser, default_since: str | None) -> None:
    group = parser.add_argument_group("period (whole UTC days)")
    default = f" (default {default_since})" if default_since else " (default: everything)"
    group.add_argument(
        "--since",
        metavar="SPAN|DATE",
        help=f"the last 30d or 4w of reports, or from a date YYYY-MM-DD{default}",
    )
    group.add_argument("--from", dest="date_from", metavar="DATE", help="first day, YYYY-MM-DD")
    group.add_argument("--to", dest="date_to", metavar="DATE", help="last day, YYYY-MM-DD")
    parser.set_defaults(default_since=default_since)


def domains_from(args: argparse.Namespace) -> tuple[str, ...]:
    domains = []
    for value in args.domain:
        for part in value.split(","):
            name = part.strip().lower().rstrip(".")
            if name:
                domains.append(name)
    return tuple(dict.fromkeys(domains))


def period_from(args: argparse.Namespace) -> PeriodArgs:
    """The period the options describe; a usage error for contradictions and bad dates."""
    if args.since and args.date_from:
        raise CommandError("give --since or --from, not both", Exit.USAGE)
    until = day_start(args.date_to, "--to") + dt.timedelta(days=1) if args.date_to else None
    if args.date_from:
        since = day_start(args.date_from, "--from")
        if until is not None and until <= since:
            raise CommandError("--to is before --from", Exit.USAGE)
        return PeriodArgs(None, since, until)
    text = args.since or args.default_since
    if text is None:
        return PeriodArgs(None, None, until)
    start = parse_since(text, "dw", examples="30d or 4w")
    if isinstance(start, dt.datetime):
        return PeriodArgs(None, start, until)
    if start <= dt.timedelta(0):
        raise CommandError("--since: the span must be at least one day", Exit.USAGE)
    return PeriodArgs(start, None, until)


def parse_since(text: str, units: str, examples: str) -> dt.timedelta | dt.datetime:
    """A ``--since`` value: a span (a number and one of *units*, days when bare) or a day.

    *examples* shows the accepted spans in the usage error; a span longer than
    :data:`MAX_SPAN` is a usage error too.
    """
    match = _SPAN.match(text)
    if match is None or (match.group(2) or "d") not in units:
        try:
            return day_start(text, "--since")
        except CommandError:
            raise CommandError(
                f"--since: expected a span such as {examples} or a date YYYY-MM-DD, "
                f"got {text[:40]!r}",
                Exit.USAGE,
            ) from None
    digits, unit = match.group(1).lstrip("0") or "0", match.group(2) or "d"
    if len(digits) > 6 or int(digits) * _UNITS[unit] > MAX_SPAN:
        raise CommandError(
            f"--since: a span is at most {MAX_SPAN.days}d (100 years), got {text[:40]!r}",
            Exit.USAGE,
        )
    return int(digits) * _UNITS[unit]


def day_start(text: str, option: str) -> dt.datetime:
    """Midnight UTC of a YYYY-MM-DD *option* value; a usage error otherwise."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"{option}: expected YYYY-MM-DD, got {text[:40]!r}", Exit.USAGE
        ) from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
