"""``senders approve``, ``senders revoke`` and ``senders approved``: the sender inventory."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os

from dmarcwatch.commands._analysis import catalogue, config_approvals, safe
from dmarcwatch.context import config_for, open_existing_store
from dmarcwatch.errors import CommandError
from dmarcwatch.exitcodes import Exit

MAX_TARGETS = 100


def change(args: argparse.Namespace) -> int:
    """Approve or revoke each target for the domain (``senders approve DOMAIN TARGET…``)."""
    from dmarcwatch.analysis.inventory import parse_target
    from dmarcwatch.analysis.read import approvals

    if len(args.target) < 2:
        raise CommandError(
            f"senders {args.action}: expected DOMAIN and at least one of SENDER, IP/CIDR or "
            "AS<number>",
            Exit.USAGE,
        )
    domain, *targets = args.target
    if len(targets) > MAX_TARGETS:
        raise CommandError(f"senders {args.action}: at most {MAX_TARGETS} at once", Exit.USAGE)
    senders = catalogue()
    wanted = [parse_target(domain, t, senders, args.note or "") for t in targets]
    config = config_for(args)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with open_existing_store(args, config) as store:
        for approval in wanted:
            if args.action == "approve":
                new = approvals.approve(store.engine, approval, _who(), now)
                verb = "approved" if new else "already approved"
            else:
                gone = approvals.revoke(store.engine, approval)
                verb = "revoked" if gone else "was not approved"
            print(f"{safe(approval.domain)}: {safe(approval.label)} {verb}")
    return Exit.OK


def listing(args: argparse.Namespace) -> int:
    """Every approval, from the store and the config."""
    from dmarcwatch.analysis.read import approvals

    config = config_for(args)
    domains = [d.strip().lower().rstrip(".") for d in args.domain]
    from_config = [
        a for a in config_approvals(config, catalogue()) if not domains or a.domain in domains
    ]
    with open_existing_store(args, config) as store:
        stored = approvals.approvals(store.engine, domains)
    everything = sorted([*stored, *from_config], key=lambda a: (a.domain, a.kind, a.value))
    if args.json:
        print(json.dumps([_as_json(a) for a in everything], indent=1))
    elif not everything:
        print("No approved senders.")
    else:
        for a in everything:
            origin = f"{a.approved_at:%Y-%m-%d} by {a.approved_by}" if a.approved_at else "config"
            note = f"  ({a.note})" if a.note else ""
            print(safe(f"{a.domain}  {a.kind:<7}  {a.label}  {origin}{note}"))
    return Exit.OK


def _as_json(a: object) -> dict[str, object]:
    from dmarcwatch.analysis.inventory import Approval

    assert isinstance(a, Approval)
    return {
        "domain": a.domain,
        "kind": str(a.kind),
        "value": a.label,
        "note": a.note,
        "approved_by": a.approved_by or None,
        "approved_at": a.approved_at.isoformat() if a.approved_at else None,
        "source": "store" if a.approved_at else "config",
    }


def _who() -> str:
    """Who approves: the invoking user (through sudo, the one who ran sudo)."""
    try:
        return os.environ.get("SUDO_USER") or getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())
