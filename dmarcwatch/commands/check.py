"""``dmarcwatch check DOMAIN``: the domain's SPF, DMARC and DKIM records, as receivers see them.

Exit codes: 0 when the checks ran, whatever they found (the findings and their severities
say the rest); 64 for bad arguments (a domain, nameserver, selector or sender that cannot be
used); 69 when no DNS query got any answer (the DNS server is unreachable); 69/78 as for
every command when a store named explicitly cannot be opened.
"""

from __future__ import annotations

import argparse
from typing import Any

from dmarcwatch.analysis.languages import LANGUAGES
from dmarcwatch.commands import add_command

# Kept here, light, so that building the CLI imports no DNS or pandas code; a test checks
# they equal the DNS layer's defaults (``senders`` uses them too).
DEFAULT_TIMEOUT = 2.0
DEFAULT_RETRIES = 1
DEFAULT_DEADLINE = 30.0
"""Seconds one check may spend on DNS in all; queries past it are not sent (a dns-error)."""

DESCRIPTION = """\
Check the DNS records of DOMAIN the way receivers will: the SPF record (syntax, the 10-lookup
and 2-void-lookup limits, +all, senders covered), the DMARC record that applies (RFC 7489 and
the RFC 9989 tree walk, tag values, rua addresses and their authorisation and MX) and the DKIM
keys (selectors from --selector, the stored reports and the senders; SendGrid's s1/s2 and
em<NNNN> CNAMEs; revoked and weak keys). Each result is a finding with a fix.
With a store, each run's records and findings are kept in it (DNS changes become dns-changed
findings); --all checks every domain the store knows.
Exit 0 when the checks ran (read the findings), 64 for bad arguments, 69 when DNS did not
answer at all."""


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(subparsers, "check", DESCRIPTION)
    parser.add_argument(
        "domain", nargs="?", metavar="DOMAIN", help="the From domain, e.g. email.example.ch"
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="check every domain the store knows (with the selectors seen in its reports)",
    )
    parser.add_argument(
        "--selector", action="append", default=[], metavar="S", help="a DKIM selector to check"
    )
    parser.add_argument(
        "--sender",
        action="append",
        default=[],
        metavar="NAME",
        help="a service that sends for the domain, from the sender catalogue (e.g. sendgrid)",
    )
    parser.add_argument(
        "--return-path",
        action="append",
        default=[],
        metavar="NAME",
        help="a SendGrid return-path name to check, e.g. em1234.email.example.ch",
    )
    parser.add_argument(
        "--nameserver",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="ask this DNS server (default: the system's resolvers)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"wait per DNS try (default {DEFAULT_TIMEOUT:g}; {DEFAULT_RETRIES} retry)",
    )
    parser.add_argument(
        "--deadline",
        type=float,
        default=DEFAULT_DEADLINE,
        metavar="SECONDS",
        help=f"spend at most this long on DNS in all (default {DEFAULT_DEADLINE:g})",
    )
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the text")
    parser.add_argument(
        "--no-store", action="store_true", help="do not read selectors and senders from reports"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dmarcwatch.commands import _check_impl

    return _check_impl.run(args)
