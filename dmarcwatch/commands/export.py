"""``dmarcwatch export``: one row per stored record (or TLS or failure report), as CSV, JSON or
Parquet.

Each row has the report's metadata, the record as reported, the sender dmarcwatch recognised
and the alignment and DMARC result it recomputed. Exit codes: 0 written; 64 bad arguments;
73 the file cannot be written; 78 Parquet asked for without pyarrow installed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dmarcwatch.commands import add_command
from dmarcwatch.commands._receivers import require_known
from dmarcwatch.commands._reporting import (
    add_domains,
    add_period,
    add_receivers_and_ips,
    domains_from,
    ips_from,
    period_from,
)
from dmarcwatch.commands._trust import add_include_unverified
from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit

if TYPE_CHECKING:
    from dmarcwatch.analysis.read import Reader, Selection
    from dmarcwatch.analysis.read.failurereports import FailureRow
    from dmarcwatch.reports.export import Format

FORMATS = ("csv", "json", "parquet")
KINDS = ("records", "tls", "failure")
FAILURE_COLUMNS = (
    "domain",
    "reporter",
    "day",
    "source_ip",
    "auth_failure",
    "identity_alignment",
    "delivery_result",
    "header_from",
    "dkim_domain",
    "dkim_selector",
    "dkim_signatures",
    "spf_dns",
    "authentication_results",
    "incidents",
)
DESCRIPTION = """\
Export every stored record of the selected domains and period, one row each: report id,
receiver, begin and end, published policy, source IP and reverse DNS, messages, disposition,
header and envelope From, the DKIM and SPF results, override reasons, the recognised sender,
recomputed DKIM/SPF alignment and DMARC result, and the receiver's own verdict.

The DKIM results, SPF results and reasons are lists: in JSON arrays of objects
({"domain", "selector", "result"}; {"domain", "scope", "result"}; {"type", "comment"}), in
Parquet lists of structs, in CSV one cell of "field|field|field" items separated by spaces,
with %, |, spaces and unprintable characters in a field percent-encoded (%25, %7C, %20). CSV
cells that a spreadsheet would run as a formula are prefixed with an apostrophe.

--kind tls exports the SMTP TLS reports instead (RFC 8460): one row per policy and failure
detail (org_name, report_id, begin, end, policy_domain, policy_type, policy_strings, mx_host,
successful, failed, result_type, sending_mta_ip, receiving_mx_hostname, receiving_ip,
failed_session_count, additional_information, failure_reason_code). --kind failure exports the
failure reports (RFC 6591) as stored, redacted: domain, reporter, day, source_ip, auth_failure,
identity_alignment, delivery_result, header_from (local part redacted), dkim_domain,
dkim_selector, dkim_signatures, spf_dns, authentication_results, incidents."""


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(subparsers, "export", DESCRIPTION)
    parser.add_argument("--format", choices=FORMATS, default="csv", help="default csv")
    parser.add_argument(
        "--kind", choices=KINDS, default="records", help="what to export (default records)"
    )
    add_domains(parser)
    add_period(parser, None)
    add_receivers_and_ips(parser)
    add_include_unverified(parser)
    parser.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="the file to write ('-': stdout)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dmarcwatch.analysis.read import Reader  # noqa: PLC0415
    from dmarcwatch.analysis.records import iter_records, selection_for  # noqa: PLC0415
    from dmarcwatch.commands._analysis import catalogue, ip_data  # noqa: PLC0415
    from dmarcwatch.commands._trust import include_unverified  # noqa: PLC0415
    from dmarcwatch.context import config_for, open_store_to_read  # noqa: PLC0415
    from dmarcwatch.reports.export import export_records  # noqa: PLC0415

    period = period_from(args)
    target = None if args.output == "-" else Path(args.output)
    senders = catalogue()
    config = config_for(args)
    with open_store_to_read(args, config) as store:
        reader = Reader(store.engine)
        require_known(reader, args.receiver)
        selection = selection_for(
            reader,
            domains_from(args),
            span=period.span,
            since=period.since,
            until=period.until,
        )
        selection = replace(
            selection,
            receivers=tuple(args.receiver),
            ips=ips_from(args),
            include_unverified=include_unverified(args, config),
        )
        try:
            if args.kind == "records":
                frames = iter_records(reader, selection, senders, ip_data=ip_data(config))
                rows = export_records(frames, args.format, target)
            else:
                rows = _export_kind(reader, selection, args.kind, args.format, target)
        except BrokenPipeError:
            raise  # a reader that stopped early (| head) is not a write error
        except OSError as exc:
            raise CommandError(
                f"cannot write {args.output}: {exc.strerror}", Exit.CANTCREAT
            ) from exc
    if args.verbose or (target is not None and sys.stderr.isatty()):
        what = {"records": "records", "tls": "TLS report rows", "failure": "failure reports"}
        print(f"dmarcwatch: {rows} {what[args.kind]} exported to {args.output}", file=sys.stderr)
    return Exit.OK


def _export_kind(
    reader: Reader, selection: Selection, kind: str, fmt: Format, target: Path | None
) -> int:
    """Export TLS reports or (redacted) failure reports."""
    from dmarcwatch.analysis.read.tlsreports import (  # noqa: PLC0415
        TLS_EXPORT_COLUMNS,
        TLS_EXPORT_INTEGERS,
    )
    from dmarcwatch.reports.export_kinds import export_rows  # noqa: PLC0415

    if kind == "tls":
        rows = reader.tls_export_rows(selection)
        return export_rows(rows, TLS_EXPORT_COLUMNS, TLS_EXPORT_INTEGERS, fmt, target)
    failures = [_failure_row(row) for row in reader.failure_reports(selection)]
    return export_rows(failures, FAILURE_COLUMNS, frozenset({"incidents"}), fmt, target)


def _failure_row(row: FailureRow) -> dict[str, object]:
    data: dict[str, object] = {name: getattr(row, name) for name in FAILURE_COLUMNS}
    data["day"] = row.day.isoformat()
    data["dkim_signatures"] = [f"d={d}; s={s}" for d, s in row.dkim_signatures]
    return data
