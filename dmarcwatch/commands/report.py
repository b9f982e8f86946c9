"""``dmarcwatch report``: one self-contained HTML file, and optionally a digest by e-mail.

Exit codes: 0 written (and sent); 64 bad arguments; 73 the file or chart folder cannot be
written; 78 ``--mail-to`` without a usable ``[smtp]`` section, or a login or certificate the
server refuses; 75 the mail server failed for now (cron can retry); 65 it refused the
recipients; 69/78 as every command when the store cannot be opened.

Heavy modules (pandas, matplotlib, analysis, reports) are imported inside :func:`run`, so
``dmarcwatch --help`` and the other commands do not pay for them.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dmarcwatch import __version__
from dmarcwatch.analysis.languages import LANGUAGES
from dmarcwatch.commands import add_command
from dmarcwatch.commands._files import write_atomic
from dmarcwatch.commands._reporting import add_domains, add_period, domains_from, period_from
from dmarcwatch.commands._trust import add_include_unverified
from dmarcwatch.errors import CommandError, ConfigError
from dmarcwatch.exitcodes import Exit

if TYPE_CHECKING:
    from dmarcwatch.config import SmtpConfig
    from dmarcwatch.reports.document import Report
    from dmarcwatch.reports.mail import MailSettings

DEFAULT_OUTPUT = "dmarc-report.html"
DESCRIPTION = """\
Write one self-contained HTML report (inline CSS and SVG charts, nothing loaded from the
network; readable on a phone and printable): per domain the messages seen, the share passing
DMARC and its change against the previous period, the published policy, whether the policy can
be tightened, the findings of 'diagnose' with their fixes, charts and tables of senders,
receivers and failing sources. With several domains, an overview of all of them comes first.
With --mail-to, the report is also sent as an HTML mail through the [smtp] settings."""
_FILE_PART = re.compile(r"[^a-z0-9.-]+")
log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(subparsers, "report", DESCRIPTION)
    add_domains(parser)
    add_period(parser, "30d")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the report")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=f"where to write the HTML ('-' for stdout; default {DEFAULT_OUTPUT}, "
        "or no file when only mailing)",
    )
    parser.add_argument(
        "--charts-dir", metavar="DIR", help="also write every chart as PNG and SVG into DIR"
    )
    dns = parser.add_argument_group("DNS records")
    dns.add_argument("--dns", action="store_true", help="check each domain's SPF, DKIM and DMARC")
    dns.add_argument(
        "--nameserver",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="DNS server for --dns (default: the system's resolvers)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="domains drawn in parallel by N processes (default: one per CPU, at most 4, "
        "from 4 domains on)",
    )
    parser.add_argument(
        "--mail-to",
        action="append",
        default=[],
        metavar="ADDR[,ADDR]",
        help="send the report to these addresses through [smtp] in the config",
    )
    add_include_unverified(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dmarcwatch.analysis.dns.resolver import ResolverConfig, parse_nameserver  # noqa: PLC0415
    from dmarcwatch.analysis.read import Reader  # noqa: PLC0415
    from dmarcwatch.commands._analysis import catalogue, config_approvals  # noqa: PLC0415
    from dmarcwatch.commands._trust import include_unverified  # noqa: PLC0415
    from dmarcwatch.context import config_for, open_store_to_read  # noqa: PLC0415
    from dmarcwatch.reports.document import ReportOptions, build_report  # noqa: PLC0415
    from dmarcwatch.reports.mail import send_report  # noqa: PLC0415

    period = period_from(args)
    if args.jobs is not None and not 1 <= args.jobs <= 64:
        raise CommandError("--jobs must be between 1 and 64", Exit.USAGE)
    recipients, smtp = _mail_setup(args, config_for)
    servers = tuple(parse_nameserver(text) for text in args.nameserver)
    config = config_for(args)
    senders = catalogue()
    options = ReportOptions(
        domains=domains_from(args),
        since=period.since,
        until=period.until,
        lang=args.lang,
        png=bool(args.charts_dir),
        dns=ResolverConfig(nameservers=servers) if args.dns else None,
        generator=f"dmarcwatch {__version__}",
        workers=args.jobs,
        include_unverified=include_unverified(args, config),
        ip_data=config.ip_data,
        approvals=tuple(config_approvals(config, senders)),
        **({"span": period.span} if period.span else {}),
    )
    with open_store_to_read(args, config) as store:
        report = build_report(Reader(store.engine), options, catalogue=senders)
    output = args.output or (None if recipients else DEFAULT_OUTPUT)
    if output:
        _write_html(report.html, output)
        _say(args, f"report written to {output} ({report.view.summary})")
    if args.charts_dir:
        written = write_charts(report, Path(args.charts_dir))
        _say(args, f"{written} chart files written to {args.charts_dir}")
    if recipients and smtp is not None:
        send_report(report, smtp, recipients)
        _say(args, f"report sent to {', '.join(recipients)}")
    return Exit.OK


def _mail_setup(args: argparse.Namespace, config_for: Any) -> tuple[list[str], MailSettings | None]:
    """Check --mail-to and [smtp] before any work, so a typo fails fast."""
    if not args.mail_to:
        return [], None
    from dmarcwatch.reports.errors import InvalidAddress  # noqa: PLC0415
    from dmarcwatch.reports.mail import parse_recipients  # noqa: PLC0415

    try:
        recipients = parse_recipients(args.mail_to)
    except InvalidAddress as exc:
        raise InvalidAddress(f"--mail-to: {exc}") from exc
    smtp = config_for(args).smtp
    if smtp is None:
        raise ConfigError(
            "--mail-to needs an [smtp] section in the configuration (see dmarcwatch init)"
        )
    return recipients, mail_settings(smtp)


def mail_settings(smtp: SmtpConfig) -> MailSettings:
    """The ``[smtp]`` configuration as the settings :mod:`reports.mail` takes."""
    from dmarcwatch.reports.mail import MailSettings  # noqa: PLC0415

    return MailSettings(
        host=smtp.host,
        sender=smtp.sender,
        port=smtp.port,
        security=smtp.security,
        ca_file=smtp.ca_file,
        username=smtp.username,
        password=smtp.password.value if smtp.password else None,
        timeout=smtp.timeout,
    )


def _write_html(html: str, output: str) -> None:
    if output == "-":
        sys.stdout.write(html)
        return
    write_atomic(Path(output), html.encode("utf-8"))


def write_charts(report: Report, directory: Path) -> int:
    """Each chart as ``NN-<domain>-<chart>.png`` and ``.svg``; returns the number of files."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"cannot create {directory}: {exc.strerror}", Exit.CANTCREAT) from exc
    count = 0
    for domain in report.view.domains:
        stem = f"{domain.index:02d}-{chart_file_part(domain.domain)}"
        for chart in domain.charts:
            svg = '<?xml version="1.0" encoding="utf-8"?>\n' + chart.svg
            write_atomic(directory / f"{stem}-{chart.key}.svg", svg.encode("utf-8"))
            count += 1
            if chart.png is not None:
                write_atomic(directory / f"{stem}-{chart.key}.png", chart.png)
                count += 1
    return count


def chart_file_part(domain: str) -> str:
    """A domain (report text) as a safe file-name part: ``a-z0-9.-`` only, at most 60."""
    return _FILE_PART.sub("_", domain.lower()).strip("._")[:60] or "domain"


def _say(args: argparse.Namespace, message: str) -> None:
    """Quiet under cron (stdout not a terminal) unless --verbose: cron mails any output."""
    if args.verbose or sys.stderr.isatty():
        print(f"dmarcwatch: {message}", file=sys.stderr)
