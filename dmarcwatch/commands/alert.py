"""``dmarcwatch alert``: tell the configured channels what changed in the findings.

Run by cron (or the systemd timer in ``contrib/systemd``) after ``poll``. Each run evaluates
the findings as at the end of a day, compares them with the state kept in the store, records
the events and their pending deliveries in one transaction, then delivers to every
``[[alert]]`` channel what it has not accepted yet, marking each delivery only after the
channel accepted it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from dmarcwatch.analysis.languages import LANGUAGES
from dmarcwatch.commands import add_command
from dmarcwatch.commands._reporting import day_start
from dmarcwatch.context import config_for, open_existing_store
from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit
from dmarcwatch.ingest.errors import LockBusy

if TYPE_CHECKING:
    from dmarcwatch.analysis.alerting.events import Evaluation, Event
    from dmarcwatch.analysis.read.alertstate import AlertState
    from dmarcwatch.ingest.store import Store
    from dmarcwatch.reports.channels.model import Channel, SenderNames


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = add_command(
        subparsers,
        "alert",
        "Evaluate the findings as at the end of a day (today, UTC), compare them with what "
        "the store remembers, and send each new event once to every [[alert]] channel of "
        "the configuration that wants it. A channel that is down gets its events on a "
        "later run. Quiet on success.",
    )
    parser.add_argument("--as-of", metavar="DATE", help="evaluate as at the end of this day")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the events only; record and send nothing"
    )
    parser.add_argument("--json", action="store_true", help="print the events as JSON Lines")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of --json text")
    parser.add_argument(
        "--remind-after",
        type=int,
        default=7,
        metavar="DAYS",
        help="remind of a problem still open after this many days without news (default 7)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from dmarcwatch.commands._alert_channels import channels
    from dmarcwatch.commands._analysis import catalogue

    if args.remind_after < 1:
        raise CommandError("--remind-after: give at least 1 day", Exit.USAGE)
    day = _day(args.as_of)
    config = config_for(args)
    configured = channels(config)
    names = catalogue().name
    with open_existing_store(args, config) as store:
        if args.dry_run:
            evaluation = _evaluate(store, day, args.remind_after, names)
            _print(evaluation.events, configured, args.lang, names)
            return Exit.OK
        with _locked(store):
            return _run(store, day, args, configured, names)


def _day(text: str | None) -> dt.date:
    if text is None:
        return dt.datetime.now(dt.UTC).date()
    return day_start(text, "--as-of").date()


@contextlib.contextmanager
def _locked(store: Store) -> Iterator[None]:
    """One alert run at a time per store: a second one exits 75 with one line."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(store.lock("alert"))
        except LockBusy as exc:
            raise CommandError(str(exc), Exit.TEMPFAIL) from exc
        yield


def _run(
    store: Store,
    day: dt.date,
    args: argparse.Namespace,
    configured: list[Channel],
    names: SenderNames,
) -> int:
    from dmarcwatch.analysis.read.alertstate import AlertState

    state = AlertState(store.engine)
    last = state.last_day()
    if last is None or day >= last:
        evaluation = _evaluate(store, day, args.remind_after, names)
        targets = {i: _targets(e, configured) for i, e in enumerate(evaluation.events)}
        state.record(day, evaluation.states, evaluation.events, targets, _now())
        if args.json:
            _print(evaluation.events, configured, args.lang, names)
    elif args.verbose:
        print(f"alert: {day} is before the last day evaluated ({last}); delivering only")
    return _deliver(state, configured, names)


def _evaluate(store: Store, day: dt.date, remind_after: int, names: SenderNames) -> Evaluation:
    from dmarcwatch.analysis.alerting.events import evaluate
    from dmarcwatch.analysis.alerting.watch import findings_as_of
    from dmarcwatch.analysis.read import Reader
    from dmarcwatch.analysis.read.alertstate import AlertState
    from dmarcwatch.commands._analysis import catalogue

    findings = findings_as_of(Reader(store.engine), day, catalogue())
    states = AlertState(store.engine).states()
    return evaluate(findings, states, day, dt.timedelta(days=remind_after))


def _targets(event: Event, configured: list[Channel]) -> list[str]:
    return [t for ch in configured if ch.filters.accepts(event) for t in ch.targets]


def _print(events: list[Event], configured: list[Channel], lang: str, names: SenderNames) -> None:
    from dmarcwatch.reports.channels.payload import event_object

    for event in events:
        data = event_object(event, lang, names, _targets(event, configured))
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _deliver(state: AlertState, configured: list[Channel], names: SenderNames) -> int:
    """Send each target its pending events; record each only after the target accepted."""
    from dmarcwatch.reports.errors import ChannelError, ChannelsFailed

    owners = {t: ch for ch in configured for t in ch.targets}
    failed: list[str] = []
    waiting = 0
    for target, pending in state.pending(owners).items():
        if not pending:
            continue
        try:
            owners[target].send(target, [p.event for p in pending], names)
        except ChannelError as exc:
            failed.append(str(exc))
            waiting += len(pending)
            continue
        state.mark_sent(target, [p.id for p in pending], _now())
    if failed:
        raise ChannelsFailed(
            f"alert: not delivered, retried on the next run ({waiting} events): "
            + "; ".join(failed)
        )
    return Exit.OK


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
