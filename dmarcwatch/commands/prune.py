"""``dmarcwatch prune``: delete old records, failure reports and kept inputs, keeping totals."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from dmarcwatch.commands import add_command
from dmarcwatch.commands._reporting import parse_since
from dmarcwatch.context import config_for, open_existing_store
from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.retention import Cutoffs, Pruned, prune

_OPTIONS = {  # option -> [retention] key in the config
    "records_older_than": "--records-older-than",
    "failure_reports_older_than": "--failure-reports-older-than",
    "blobs_older_than": "--blobs-older-than",
}


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(
        subparsers,
        "prune",
        "Delete what is older than the retention, given here or in the config's [retention] "
        "table. Old records are folded into their reports' daily totals per domain, receiver "
        "and sender first, so charts, trends and diagnose still cover pruned periods; only "
        "per-record detail (exports, per-record tables) is gone. A kept input's bytes are "
        "dropped but its hash stays, so a re-import is still recognised. Nothing is deleted "
        "for a kind without a retention.",
    )
    for key, option in _OPTIONS.items():
        parser.add_argument(option, dest=key, metavar="SPAN|DATE", help=_help(key))
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would be removed, remove nothing"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(func=run)


def _help(key: str) -> str:
    what = {
        "records_older_than": "per-record rows of reports that ended earlier, e.g. 400d",
        "failure_reports_older_than": "failure reports that arrived earlier, e.g. 30d",
        "blobs_older_than": "kept original inputs first seen earlier, e.g. 90d",
    }[key]
    return f"{what}, or a day YYYY-MM-DD (default: [retention] {key} in the config)"


def run(args: argparse.Namespace) -> int:
    config = config_for(args)
    now = dt.datetime.now(dt.UTC)
    spans = {key: getattr(args, key) or config.retention.get(key) for key in _OPTIONS}
    if not any(spans.values()):
        raise CommandError(
            "nothing to prune: give --records-older-than, --failure-reports-older-than or "
            "--blobs-older-than, or set them in the config's [retention] table",
            Exit.USAGE,
        )
    cut = {key: _cutoff(key, span, now) for key, span in spans.items() if span}
    failure = cut.get("failure_reports_older_than")
    cutoffs = Cutoffs(
        records=cut.get("records_older_than"),
        blobs=cut.get("blobs_older_than"),
        tables={"failure-reports": failure} if failure else {},
    )
    with open_existing_store(args, config) as store:
        done = prune(store.engine, cutoffs, dry_run=args.dry_run)
    if args.json:
        print(json.dumps(_as_dict(done, args.dry_run), sort_keys=True))
    elif not args.quiet:
        print(summary_line(done, cutoffs, dry_run=args.dry_run))
    return Exit.OK


def _cutoff(key: str, span: str, now: dt.datetime) -> dt.datetime:
    option = _OPTIONS[key]
    try:
        value = parse_since(span, "dw", examples="400d or 8w")
    except CommandError as err:
        raise CommandError(str(err).replace("--since", option), Exit.USAGE) from None
    if isinstance(value, dt.datetime):
        return value  # a day: what is older than its midnight (UTC)
    if value <= dt.timedelta(0):
        raise CommandError(f"{option}: the span must be at least one day", Exit.USAGE)
    return now - value


def summary_line(done: Pruned, cutoffs: Cutoffs, *, dry_run: bool) -> str:
    """One line, like ``import``'s: what was (or would be) removed, for each kind asked."""
    parts = []
    if cutoffs.records is not None:
        parts.append(
            f"records of {done.reports} reports ({done.records} records; daily totals kept)"
        )
    if cutoffs.blobs is not None:
        parts.append(f"{done.blobs} kept inputs ({done.blob_bytes} bytes)")
    parts += [
        f"{done.rows.get(kind, 0)} {kind.replace('-', ' ')}" for kind in sorted(cutoffs.tables)
    ]
    return ("would prune " if dry_run else "pruned ") + ", ".join(parts)


def _as_dict(done: Pruned, dry_run: bool) -> dict[str, Any]:
    return {
        "dry_run": dry_run,
        "reports": done.reports,
        "records": done.records,
        "blobs": done.blobs,
        "blob_bytes": done.blob_bytes,
        "rows": done.rows,
    }
